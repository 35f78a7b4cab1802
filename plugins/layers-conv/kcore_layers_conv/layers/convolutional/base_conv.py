"""BaseConv: what Conv1D, Conv2D and Conv3D share."""

from kcore_layers_core import checks

from kcore import ops
from kcore.errors import ConfigError, ShapeError
from kcore_layers_conv.layers.convolutional.conv_layer import ConvLayer


class BaseConv(ConvLayer):
    """`activation(conv(inputs, kernel) + bias)`, with a kernel `(*kernel_size, channels // groups, filters)` and
    a bias `(filters,)`. The subclasses Conv1D, Conv2D and Conv3D fix `rank` and document the arguments."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        components = {"kernel_initializer": kernel_initializer, "bias_initializer": bias_initializer,
                      "kernel_regularizer": kernel_regularizer, "bias_regularizer": bias_regularizer,
                      "activity_regularizer": activity_regularizer, "kernel_constraint": kernel_constraint,
                      "bias_constraint": bias_constraint}
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias, components,
                         **kwargs)
        where = checks.describe(self)
        self.filters = checks.positive_int(where, "filters", filters)
        self.groups = checks.positive_int(where, "groups", groups)
        if self.filters % self.groups:
            raise ConfigError(f"{where}: `filters` must be divisible by `groups`. Received: filters={filters}, "
                              f"groups={groups}")
        self.kernel = None

    @property
    def allows_causal(self):
        return self.rank == 1

    def kernel_shapes(self, channels):
        if channels % self.groups:
            raise ShapeError(f"{checks.describe(self)}: the inputs' {channels} channels cannot be split into "
                             f"groups={self.groups}; use a number of groups that divides the channels.")
        return {"kernel": (*self.kernel_size, channels // self.groups, self.filters)}

    def output_channels(self, channels):
        return self.filters

    def convolution(self, inputs):
        return ops.conv(inputs, self.kernel, strides=self.strides, padding=self.padding,
                        data_format=self.data_format, dilation_rate=self.dilation_rate)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, **self.window_config(), "groups": self.groups,
                **self.weights_config()}
