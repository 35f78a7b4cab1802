"""Layers, found by name through the installed plugins (first-party: kcore-layers-core, kcore-layers-conv,
kcore-layers-recurrent).

`kcore.layers.Conv2D` imports the plugin that provides it on first use; without it installed, the error says
`pip install kcore-layers-conv`.
"""

from kcore.layers.input_layer import Input, InputLayer
from kcore.layers.layer import Layer
from kcore.plugins.namespace import make_get, namespace_dir, namespace_getattr

__getattr__ = namespace_getattr("layer", globals())
__dir__ = namespace_dir("layer", globals())
get = make_get("layer")
