"""The conformance cases (kcore.testing.LayerCase) of this distribution's layers, run by kcore's
tests/test_layer_conformance.py: build, shape inference, config and weights round trips, and gradients with
respect to inputs and weights against finite differences.

Every class has cases in both data formats and with strides, dilation, "same" padding or groups where it takes
them; inputs stay tiny because each input and weight element costs two forward passes.
"""

from kcore.testing import LayerCase

CF = "channels_first"

_CONV = [
    LayerCase("Conv1D", {"filters": 2, "kernel_size": 2}, input_shape=(2, 5, 3)),
    LayerCase("Conv1D", {"filters": 2, "kernel_size": 2, "padding": "causal", "dilation_rate": 2,
                         "activation": "tanh"}, input_shape=(2, 6, 2)),
    LayerCase("Conv1D", {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same", "groups": 2,
                         "data_format": CF}, input_shape=(2, 2, 7)),
    LayerCase("Conv2D", {"filters": 2, "kernel_size": 2}, input_shape=(2, 4, 4, 2)),
    LayerCase("Conv2D", {"filters": 4, "kernel_size": (3, 2), "strides": 2, "padding": "same", "groups": 2,
                         "activation": "tanh", "bias_initializer": "ones"}, input_shape=(2, 5, 5, 2)),
    LayerCase("Conv2D", {"filters": 2, "kernel_size": 2, "data_format": CF, "dilation_rate": 2, "use_bias": False,
                         "kernel_regularizer": "l2", "activity_regularizer": "l1", "kernel_constraint": "max_norm"},
              input_shape=(2, 2, 4, 5)),
    LayerCase("Conv3D", {"filters": 2, "kernel_size": 2}, input_shape=(1, 3, 3, 3, 2)),
    LayerCase("Conv3D", {"filters": 1, "kernel_size": (2, 1, 2), "strides": 2, "padding": "same",
                         "data_format": CF}, input_shape=(2, 2, 3, 2, 3)),
    LayerCase("Conv1DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2}, input_shape=(2, 3, 2)),
    LayerCase("Conv1DTranspose", {"filters": 1, "kernel_size": 2, "padding": "same", "dilation_rate": 2,
                                  "data_format": CF}, input_shape=(2, 2, 4)),
    LayerCase("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
              input_shape=(1, 3, 3, 2)),
    LayerCase("Conv2DTranspose", {"filters": 1, "kernel_size": 2, "strides": (2, 3), "output_padding": 1,
                                  "activation": "tanh", "data_format": CF}, input_shape=(2, 2, 2, 3)),
    LayerCase("Conv3DTranspose", {"filters": 1, "kernel_size": 2, "strides": 2}, input_shape=(1, 2, 2, 2, 1)),
    LayerCase("DepthwiseConv1D", {"kernel_size": 2, "depth_multiplier": 2}, input_shape=(2, 5, 2)),
    LayerCase("DepthwiseConv1D", {"kernel_size": 3, "strides": 2, "padding": "same", "data_format": CF},
              input_shape=(2, 3, 5)),
    LayerCase("DepthwiseConv2D", {"kernel_size": 2, "padding": "same", "strides": 2}, input_shape=(2, 4, 4, 3)),
    LayerCase("DepthwiseConv2D", {"kernel_size": (2, 3), "depth_multiplier": 2, "dilation_rate": (1, 2),
                                  "data_format": CF, "depthwise_regularizer": "l1"}, input_shape=(1, 2, 3, 6)),
    LayerCase("SeparableConv1D", {"filters": 3, "kernel_size": 2}, input_shape=(2, 5, 2)),
    LayerCase("SeparableConv1D", {"filters": 2, "kernel_size": 3, "padding": "same", "data_format": CF,
                                  "depth_multiplier": 2}, input_shape=(1, 2, 4)),
    LayerCase("SeparableConv2D", {"filters": 2, "kernel_size": 2, "depth_multiplier": 2}, input_shape=(2, 4, 4, 2)),
    LayerCase("SeparableConv2D", {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same",
                                  "activation": "tanh", "data_format": CF}, input_shape=(1, 2, 5, 5)),
]

_POOLING = [
    LayerCase("MaxPooling1D", {}, input_shape=(2, 6, 3)),
    LayerCase("MaxPooling1D", {"pool_size": 3, "strides": 1, "padding": "same", "data_format": CF},
              input_shape=(2, 2, 5)),
    LayerCase("MaxPooling2D", {}, input_shape=(2, 4, 5, 2)),
    LayerCase("MaxPooling2D", {"pool_size": (3, 2), "strides": (2, 1), "padding": "same", "data_format": CF},
              input_shape=(1, 2, 5, 4)),
    LayerCase("MaxPooling3D", {"pool_size": 2, "padding": "same"}, input_shape=(1, 3, 3, 3, 2)),
    LayerCase("AveragePooling1D", {"pool_size": 2}, input_shape=(2, 6, 3)),
    LayerCase("AveragePooling1D", {"pool_size": 3, "strides": 2, "padding": "same", "data_format": CF},
              input_shape=(2, 2, 6)),
    LayerCase("AveragePooling2D", {"pool_size": 2}, input_shape=(2, 4, 5, 2)),
    LayerCase("AveragePooling2D", {"pool_size": (2, 3), "strides": 1, "padding": "same", "data_format": CF},
              input_shape=(1, 2, 4, 4)),
    LayerCase("AveragePooling3D", {"pool_size": (2, 2, 1)}, input_shape=(1, 4, 2, 3, 2)),
    # adaptive pooling: sizes that divide evenly, that do not (overlapping bins), and more bins than positions
    LayerCase("AdaptiveAveragePooling1D", {"output_size": 3}, input_shape=(2, 7, 2)),
    LayerCase("AdaptiveAveragePooling1D", {"output_size": 5, "data_format": CF}, input_shape=(2, 2, 3)),
    LayerCase("AdaptiveAveragePooling2D", {"output_size": 2}, input_shape=(2, 4, 4, 2)),
    LayerCase("AdaptiveAveragePooling2D", {"output_size": (3, 2), "data_format": CF}, input_shape=(1, 2, 5, 7)),
    LayerCase("AdaptiveAveragePooling3D", {"output_size": (2, 3, 1)}, input_shape=(1, 3, 2, 4, 2)),
    LayerCase("AdaptiveMaxPooling1D", {"output_size": 3}, input_shape=(2, 7, 2)),
    LayerCase("AdaptiveMaxPooling1D", {"output_size": 5, "data_format": CF}, input_shape=(2, 2, 3)),
    LayerCase("AdaptiveMaxPooling2D", {"output_size": 2}, input_shape=(2, 4, 4, 2)),
    LayerCase("AdaptiveMaxPooling2D", {"output_size": (3, 2), "data_format": CF}, input_shape=(1, 2, 5, 7)),
    LayerCase("AdaptiveMaxPooling3D", {"output_size": (2, 3, 1), "data_format": CF}, input_shape=(1, 2, 3, 2, 4)),
    LayerCase("GlobalMaxPooling1D", {}, input_shape=(2, 5, 3)),
    LayerCase("GlobalMaxPooling2D", {"keepdims": True, "data_format": CF}, input_shape=(2, 3, 4, 4)),
    LayerCase("GlobalMaxPooling3D", {}, input_shape=(1, 3, 2, 2, 2)),
    LayerCase("GlobalAveragePooling1D", {"data_format": CF}, input_shape=(2, 3, 5)),
    LayerCase("GlobalAveragePooling2D", {}, input_shape=(2, 4, 4, 3)),
    LayerCase("GlobalAveragePooling3D", {"keepdims": True}, input_shape=(1, 2, 3, 2, 2)),
]

_RESHAPING = [
    LayerCase("ZeroPadding1D", {"padding": (1, 2)}, input_shape=(2, 4, 3)),
    LayerCase("ZeroPadding2D", {"padding": ((1, 0), (2, 1)), "data_format": CF}, input_shape=(2, 2, 3, 3)),
    LayerCase("ZeroPadding2D", {}, input_shape=(2, 3, 3, 2)),
    LayerCase("ZeroPadding3D", {"padding": (1, 0, 2)}, input_shape=(1, 2, 2, 2, 2)),
    LayerCase("Cropping1D", {"cropping": (1, 2)}, input_shape=(2, 6, 3)),
    LayerCase("Cropping2D", {"cropping": ((1, 0), (1, 2))}, input_shape=(2, 4, 5, 2)),
    LayerCase("Cropping2D", {"cropping": 1, "data_format": CF}, input_shape=(2, 2, 4, 4)),
    LayerCase("Cropping3D", {"cropping": ((1, 0), (0, 1), (1, 1))}, input_shape=(1, 3, 3, 4, 2)),
    LayerCase("UpSampling1D", {"size": 3}, input_shape=(2, 3, 2)),
    LayerCase("UpSampling2D", {"size": (2, 3)}, input_shape=(2, 2, 3, 2)),
    LayerCase("UpSampling2D", {"interpolation": "bilinear", "data_format": CF}, input_shape=(1, 2, 3, 3)),
    LayerCase("UpSampling3D", {"size": (1, 2, 2), "data_format": CF}, input_shape=(1, 2, 2, 2, 2)),
]

LAYER_CASES = _CONV + _POOLING + _RESHAPING
