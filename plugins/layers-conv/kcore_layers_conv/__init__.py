"""kcore-layers-conv: convolution, pooling, padding, cropping and upsampling layers for kcore, and the `conv`,
`depthwise_conv`, `separable_conv`, `conv_transpose`, `max_pool` and `average_pool` ops they compute with.

Nothing is imported here: kcore imports `kcore_layers_conv.plugin` the first time one of its names is used.
"""
