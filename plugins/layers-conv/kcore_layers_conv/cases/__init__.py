"""The test cases this distribution hands to kcore's suites through `kcore_op_cases` and `kcore_layer_cases`."""

from kcore_layers_conv.cases.layers import LAYER_CASES
from kcore_layers_conv.cases.ops import OP_CASES
