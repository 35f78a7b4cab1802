"""ConvLSTMCell: the weights and equations of a convolutional LSTM."""

from kcore_layers_conv.ops import geometry
from kcore_layers_core import checks
from kcore_layers_core.seeding import seed_generator
from kcore_layers_core.serialization import activation as get_activation
from kcore_layers_core.serialization import resolve, serialize

from kcore import backend, ops, random
from kcore.errors import ConfigError, ShapeError
from kcore.layers.layer import Layer

_COMPONENTS = (("kernel_initializer", "initializer"), ("recurrent_initializer", "initializer"),
               ("bias_initializer", "initializer"), ("kernel_regularizer", "regularizer"),
               ("recurrent_regularizer", "regularizer"), ("bias_regularizer", "regularizer"),
               ("kernel_constraint", "constraint"), ("recurrent_constraint", "constraint"),
               ("bias_constraint", "constraint"))


class ConvLSTMCell(Layer):
    """The cell of ConvLSTM1D/2D/3D (Shi et al., 2015, without the peephole terms, as Keras 3), with Keras 3's
    weights: `kernel` (*kernel_size, channels, 4 * filters), `recurrent_kernel` (*kernel_size, filters,
    4 * filters) and `bias` (4 * filters,), gates i, f, c, o:

        z = conv(x_t, kernel; strides, padding, dilation_rate) + bias + conv(h, recurrent_kernel; "same")
        c = sigmoid(z_f) * c + sigmoid(z_i) * tanh(z_c);   h = sigmoid(z_o) * tanh(c)

    `project` convolves the inputs of every timestep in one call (time folded into the batch); `step` adds the
    recurrent convolution of one timestep. Dropout draws one mask per gate per sequence, as Keras: the inputs (or
    h) are repeated once per gate along the channels and convolved as four groups, still one op call.

    Args: `rank` (1, 2 or 3), then those of ConvLSTM2D without the RNN ones; `where` names the owning layer in
    error messages.

    Example:
        >>> cell = ConvLSTMCell(2, filters=4, kernel_size=3, padding="same")
        >>> h, (h, c) = cell(np.ones((2, 8, 8, 3), "float32"), [np.zeros((2, 8, 8, 4), "float32")] * 2)
        >>> h.shape
        (2, 8, 8, 4)
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, where=None, **kwargs):
        super().__init__(**kwargs)
        self.where = where = where or checks.describe(self)
        if rank not in (1, 2, 3):
            raise ConfigError(f"{where}: `rank` must be 1, 2 or 3. Received: rank={rank!r}")
        self.rank = rank
        self.filters = checks.positive_int(where, "filters", filters)
        self.kernel_size = geometry.spatial_tuple(kernel_size, rank, "kernel_size", where)
        self.strides = geometry.spatial_tuple(strides, rank, "strides", where)
        self.padding = geometry.padding_mode(padding, where)
        self.data_format = geometry.data_format(data_format, where)
        self.channel_axis = -1 if self.data_format == "channels_last" else 1  # of one timestep's frames
        self.dilation_rate = geometry.spatial_tuple(dilation_rate, rank, "dilation_rate", where)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ConfigError(f"{where}: `strides` > 1 cannot be combined with `dilation_rate` > 1 (as in Keras). "
                              f"Received: strides={self.strides}, dilation_rate={self.dilation_rate}")
        self.activation = get_activation(activation, f"{where}: `activation`")
        self.recurrent_activation = get_activation(recurrent_activation, f"{where}: `recurrent_activation`")
        self.use_bias, self.unit_forget_bias = bool(use_bias), bool(unit_forget_bias)
        values = (kernel_initializer, recurrent_initializer, bias_initializer, kernel_regularizer,
                  recurrent_regularizer, bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint)
        for (name, kind), value in zip(_COMPONENTS, values, strict=True):
            setattr(self, name, resolve(kind, value, f"{where}: `{name}`"))
        self.dropout = checks.number(where, "dropout", dropout, low=0, high=1, high_inclusive=False)
        self.recurrent_dropout = checks.number(where, "recurrent_dropout", recurrent_dropout, low=0, high=1,
                                               high_inclusive=False)
        self.seed = checks.seed(where, seed)
        self.seed_generator = seed_generator(self.seed)
        self.kernel = self.recurrent_kernel = self.bias = None
        self._dropout_mask = self._recurrent_dropout_mask = None

    # -- shapes and weights ---------------------------------------------------------------------------------

    @property
    def state_size(self):
        """The channels of h and c; their frame follows the inputs' (`state_shape`)."""
        return [self.filters, self.filters]

    def state_shape(self, step_shape):
        """The shape of h (and c) for one timestep's inputs of `step_shape`: the input convolution's output."""
        batch, lengths = step_shape[0], step_shape[1:-1] if self.channel_axis < 0 else step_shape[2:]
        out = tuple(geometry.output_length(n, k, s, d, self.padding) for n, k, s, d in
                    zip(lengths, self.kernel_size, self.strides, self.dilation_rate, strict=True))
        if any(n is not None and n <= 0 for n in out):
            raise ShapeError(f"{self.where}: a window of kernel_size={self.kernel_size} (dilation_rate="
                             f"{self.dilation_rate}) does not fit in frames of shape {tuple(lengths)} with "
                             f"padding={self.padding!r}. Use padding='same', a smaller kernel, or larger inputs.")
        return (batch, *out, self.filters) if self.channel_axis < 0 else (batch, self.filters, *out)

    def build(self, step_shape):
        channels = step_shape[self.channel_axis]
        if channels is None:
            raise ShapeError(f"{self.where} needs the channel axis of its inputs to be known to create its kernel; "
                             f"received frames of shape {tuple(step_shape)} ({self.data_format}).")
        self.state_shape(step_shape)  # the window must fit: checked before any weight is made
        width = 4 * self.filters
        self.kernel = self.add_weight(shape=(*self.kernel_size, channels, width), name="kernel",
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=(*self.kernel_size, self.filters, width),
                                                name="recurrent_kernel", initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        if self.use_bias:
            self.bias = self.add_weight(shape=(width,), name="bias", initializer=self._bias_initializer(),
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        filters, initializer = self.filters, self.bias_initializer

        def forget_bias_one(shape, dtype=None):
            values = backend.get().xp.array(initializer((4 * filters,), dtype=dtype))  # a copy
            values[filters: 2 * filters] = 1.0
            return values

        return forget_bias_one

    # -- dropout: one mask per gate, drawn once per sequence ------------------------------------------------

    def _dropped(self, x, attribute, rate, axis):
        """`x` (one timestep, or a sequence) repeated once per gate along its channel `axis`, times the masks."""
        x = ops.concatenate([x] * 4, axis=axis)
        step = tuple(x.shape) if len(x.shape) == self.rank + 2 else (x.shape[0], *x.shape[2:])
        mask = self._mask(attribute, rate, step)
        return ops.multiply(x, mask if len(step) == len(x.shape) else ops.expand_dims(mask, 1))

    def _mask(self, attribute, rate, shape):
        """This sequence's masks for one timestep of `shape`, drawn on first use."""
        if getattr(self, attribute) is None:
            setattr(self, attribute, random.dropout(ops.ones(shape, dtype=self.dtype), rate, seed=self.seed_generator))
        return getattr(self, attribute)

    def reset_dropout_mask(self):
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None

    # -- computing ------------------------------------------------------------------------------------------

    def project(self, sequences, training=False):
        """`conv(x_t, kernel) + bias` for every timestep of `sequences` (batch, time, *frame), in one convolution:
        (batch, time, *state frame with 4 * filters channels)."""
        batch, time = sequences.shape[:2]
        if training and self.dropout > 0:
            sequences = self._dropped(sequences, "_dropout_mask", self.dropout, -1 if self.channel_axis < 0 else 2)
        frames = ops.reshape(sequences, (batch * time, *sequences.shape[2:]))
        z = ops.conv(frames, self.kernel, strides=self.strides, padding=self.padding, data_format=self.data_format,
                     dilation_rate=self.dilation_rate)
        if self.bias is not None:
            z = ops.add(z, self.bias if self.channel_axis < 0 else ops.reshape(self.bias, (-1, *(1,) * self.rank)))
        return ops.reshape(z, (batch, time, *z.shape[1:]))

    def step(self, projected, states, training=False):
        """One timestep from its projected inputs (`project(...)[:, t]`) and states `[h, c]`: `(h, [h, c])`."""
        h, c = states
        if training and self.recurrent_dropout > 0:
            h = self._dropped(h, "_recurrent_dropout_mask", self.recurrent_dropout, self.channel_axis)
        z = ops.add(projected, ops.conv(h, self.recurrent_kernel, strides=1, padding="same",
                                        data_format=self.data_format))
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=self.channel_axis)
        gate = self.recurrent_activation
        c = ops.add(ops.multiply(gate(z_f), c), ops.multiply(gate(z_i), self.activation(z_c)))
        h = ops.multiply(gate(z_o), self.activation(c))
        return h, [h, c]

    def call(self, inputs, states=None, training=False):
        """One timestep, inputs (batch, *frame): `(h, [h, c])`; states default to zeros."""
        if states is None:
            states = [ops.zeros(self.state_shape(tuple(inputs.shape)), dtype=self.dtype)] * 2
        projected = ops.squeeze(self.project(ops.expand_dims(inputs, 1), training), axis=1)
        return self.step(projected, list(states), training)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": self.dilation_rate, "activation": serialize(self.activation, "activation"),
                "recurrent_activation": serialize(self.recurrent_activation, "activation"),
                "use_bias": self.use_bias, "unit_forget_bias": self.unit_forget_bias,
                **{name: serialize(getattr(self, name), kind) for name, kind in _COMPONENTS},
                "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed}
