"""Every layer of kcore-layers-conv, one class per module, grouped as Keras groups them."""

from kcore_layers_conv.layers.convolutional.conv1d import Conv1D
from kcore_layers_conv.layers.convolutional.conv1d_transpose import Conv1DTranspose
from kcore_layers_conv.layers.convolutional.conv2d import Conv2D
from kcore_layers_conv.layers.convolutional.conv2d_transpose import Conv2DTranspose
from kcore_layers_conv.layers.convolutional.conv3d import Conv3D
from kcore_layers_conv.layers.convolutional.conv3d_transpose import Conv3DTranspose
from kcore_layers_conv.layers.convolutional.depthwise_conv1d import DepthwiseConv1D
from kcore_layers_conv.layers.convolutional.depthwise_conv2d import DepthwiseConv2D
from kcore_layers_conv.layers.convolutional.separable_conv1d import SeparableConv1D
from kcore_layers_conv.layers.convolutional.separable_conv2d import SeparableConv2D
from kcore_layers_conv.layers.pooling.adaptive_average_pooling1d import AdaptiveAveragePooling1D
from kcore_layers_conv.layers.pooling.adaptive_average_pooling2d import AdaptiveAveragePooling2D
from kcore_layers_conv.layers.pooling.adaptive_average_pooling3d import AdaptiveAveragePooling3D
from kcore_layers_conv.layers.pooling.adaptive_max_pooling1d import AdaptiveMaxPooling1D
from kcore_layers_conv.layers.pooling.adaptive_max_pooling2d import AdaptiveMaxPooling2D
from kcore_layers_conv.layers.pooling.adaptive_max_pooling3d import AdaptiveMaxPooling3D
from kcore_layers_conv.layers.pooling.average_pooling1d import AveragePooling1D
from kcore_layers_conv.layers.pooling.average_pooling2d import AveragePooling2D
from kcore_layers_conv.layers.pooling.average_pooling3d import AveragePooling3D
from kcore_layers_conv.layers.pooling.global_average_pooling1d import GlobalAveragePooling1D
from kcore_layers_conv.layers.pooling.global_average_pooling2d import GlobalAveragePooling2D
from kcore_layers_conv.layers.pooling.global_average_pooling3d import GlobalAveragePooling3D
from kcore_layers_conv.layers.pooling.global_max_pooling1d import GlobalMaxPooling1D
from kcore_layers_conv.layers.pooling.global_max_pooling2d import GlobalMaxPooling2D
from kcore_layers_conv.layers.pooling.global_max_pooling3d import GlobalMaxPooling3D
from kcore_layers_conv.layers.pooling.max_pooling1d import MaxPooling1D
from kcore_layers_conv.layers.pooling.max_pooling2d import MaxPooling2D
from kcore_layers_conv.layers.pooling.max_pooling3d import MaxPooling3D
from kcore_layers_conv.layers.reshaping.cropping1d import Cropping1D
from kcore_layers_conv.layers.reshaping.cropping2d import Cropping2D
from kcore_layers_conv.layers.reshaping.cropping3d import Cropping3D
from kcore_layers_conv.layers.reshaping.up_sampling1d import UpSampling1D
from kcore_layers_conv.layers.reshaping.up_sampling2d import UpSampling2D
from kcore_layers_conv.layers.reshaping.up_sampling3d import UpSampling3D
from kcore_layers_conv.layers.reshaping.zero_padding1d import ZeroPadding1D
from kcore_layers_conv.layers.reshaping.zero_padding2d import ZeroPadding2D
from kcore_layers_conv.layers.reshaping.zero_padding3d import ZeroPadding3D

#: registered name -> class: each class under its own name ...
LAYERS = {cls.__name__: cls for cls in (
    Conv1D, Conv1DTranspose, Conv2D, Conv2DTranspose, Conv3D, Conv3DTranspose, DepthwiseConv1D, DepthwiseConv2D,
    SeparableConv1D, SeparableConv2D, AveragePooling1D, AveragePooling2D, AveragePooling3D, GlobalAveragePooling1D,
    GlobalAveragePooling2D, GlobalAveragePooling3D, GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D,
    MaxPooling1D, MaxPooling2D, MaxPooling3D, AdaptiveAveragePooling1D, AdaptiveAveragePooling2D,
    AdaptiveAveragePooling3D, AdaptiveMaxPooling1D, AdaptiveMaxPooling2D, AdaptiveMaxPooling3D, Cropping1D, Cropping2D,
    Cropping3D, UpSampling1D, UpSampling2D, UpSampling3D, ZeroPadding1D, ZeroPadding2D, ZeroPadding3D)}

# ... and under the other names Keras 3 exports it as
ALIASES = {"Convolution1D": Conv1D, "Convolution2D": Conv2D, "Convolution3D": Conv3D,
           "Convolution1DTranspose": Conv1DTranspose, "Convolution2DTranspose": Conv2DTranspose,
           "Convolution3DTranspose": Conv3DTranspose, "SeparableConvolution1D": SeparableConv1D,
           "SeparableConvolution2D": SeparableConv2D, "MaxPool1D": MaxPooling1D, "MaxPool2D": MaxPooling2D,
           "MaxPool3D": MaxPooling3D, "AvgPool1D": AveragePooling1D, "AvgPool2D": AveragePooling2D,
           "AvgPool3D": AveragePooling3D, "GlobalMaxPool1D": GlobalMaxPooling1D, "GlobalMaxPool2D": GlobalMaxPooling2D,
           "GlobalMaxPool3D": GlobalMaxPooling3D, "GlobalAvgPool1D": GlobalAveragePooling1D,
           "GlobalAvgPool2D": GlobalAveragePooling2D, "GlobalAvgPool3D": GlobalAveragePooling3D}
LAYERS.update(ALIASES)
