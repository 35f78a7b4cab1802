"""The convolution and pooling ops of kcore-layers-conv, registered under Keras 3's names (`kcore.ops.conv`, ...),
and the kernels that replace one on a backend (kind "kernel").

A backend may replace any of them with a faster kernel: register kind "kernel" under "<backend>.<op>" with the
same signature and return value (`(value, vjps)`).
"""

from kcore_layers_conv.ops import conv_native, pooling_native
from kcore_layers_conv.ops.conv import conv, depthwise_conv, separable_conv
from kcore_layers_conv.ops.conv_transpose import conv_transpose
from kcore_layers_conv.ops.pooling import average_pool, max_pool

#: registered name -> op
OPS = {op.name: op for op in (conv, depthwise_conv, separable_conv, conv_transpose, max_pool, average_pool)}

#: "<backend>.<op>" -> a faster implementation of the op on that backend
KERNELS = {"numpy.conv": conv_native.conv, "numpy.max_pool": pooling_native.max_pool}
