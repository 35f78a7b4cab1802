"""Embedding: integer indices to dense vectors."""

import warnings

from kcore import ops
from kcore.errors import OpIndexError
from kcore.layers.layer import Layer
from kcore_layers_core import checks
from kcore_layers_core.serialization import resolve, serialize


class Embedding(Layer):
    """Row `i` of an `(input_dim, output_dim)` table for each index `i` of the inputs.

    The gradient reaching the table is a scatter-add (`ops.take`'s), so an index seen twice in a batch collects
    both contributions. With `mask_zero=True`, index 0 is padding: `compute_mask` returns `inputs != 0`, and
    `input_dim` must count it.

    Example:
        >>> layer = Embedding(input_dim=10, output_dim=4, mask_zero=True)
        >>> x = np.array([[3, 1, 0]], "int32")
        >>> layer(x).shape, layer.compute_mask(x)
        ((1, 3, 4), array([[ True,  True, False]]))
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, weights=None, activity_regularizer=None, **kwargs):
        if kwargs.pop("input_length", None) is not None:
            warnings.warn("Embedding: `input_length` is deprecated and ignored; remove it.", DeprecationWarning,
                          stacklevel=2)
        super().__init__(**kwargs)
        where = checks.describe(self)
        self.input_dim = checks.positive_int(where, "input_dim", input_dim)
        self.output_dim = checks.positive_int(where, "output_dim", output_dim)
        self.embeddings_initializer = resolve("initializer", embeddings_initializer,
                                              f"{where}: `embeddings_initializer`")
        self.embeddings_regularizer = resolve("regularizer", embeddings_regularizer,
                                              f"{where}: `embeddings_regularizer`")
        self.embeddings_constraint = resolve("constraint", embeddings_constraint,
                                             f"{where}: `embeddings_constraint`")
        self.activity_regularizer = resolve("regularizer", activity_regularizer, f"{where}: `activity_regularizer`")
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.embeddings = None
        if weights is not None:  # Keras's way of starting from a pretrained table
            self._build_once(None)
            self.set_weights(weights if isinstance(weights, list) else [weights])

    def build(self, input_shape=None):
        self.embeddings = self.add_weight(shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint, name="embeddings")

    def call(self, inputs):
        if inputs.dtype.kind not in "iu":
            inputs = ops.cast(inputs, "int32")
        self._check_indices(getattr(inputs, "value", inputs))
        outputs = ops.take(self.embeddings, inputs, axis=0)
        if self.activity_regularizer is not None:
            self.add_activity_loss(outputs)
        return outputs

    def _check_indices(self, indices):
        """Refuse indices outside [0, input_dim), which `take` would wrap (negative) or fail on without naming the
        layer. One pass, no copy: seen as unsigned integers of the same width, a negative index is at least
        2**(bits - 1), so unless input_dim is larger than that (int8 or int16 indices), the maximum alone decides.
        (On a GPU backend, reading the maximum waits for the device.)"""
        if indices.size == 0:
            return
        bits = 8 * indices.dtype.itemsize
        if indices.dtype.kind == "u" or self.input_dim <= 2 ** (bits - 1):
            unsigned = indices if indices.dtype.kind == "u" else indices.view(f"uint{bits}")
            if int(unsigned.max()) < self.input_dim:
                return
        elif int(indices.min()) >= 0 and int(indices.max()) < self.input_dim:
            return
        low, high = int(indices.min()), int(indices.max())
        bad = low if low < 0 else high
        raise OpIndexError(f"Embedding '{self.name}' has input_dim={self.input_dim}, so it takes indices in "
                           f"[0, {self.input_dim}); received index {bad} (the indices range over [{low}, {high}]). "
                           + ("Negative indices do not count from the end here; fix the indices (e.g. map padding "
                              "to 0 with mask_zero=True)." if bad < 0 else
                              "Raise input_dim to the vocabulary size (largest index + 1), or fix the indices."))

    def compute_mask(self, inputs, previous_mask=None):
        return ops.not_equal(inputs, 0) if self.mask_zero else None

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape), self.output_dim)

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": serialize(self.embeddings_initializer, "initializer"),
                "embeddings_regularizer": serialize(self.embeddings_regularizer, "regularizer"),
                "activity_regularizer": serialize(self.activity_regularizer, "regularizer"),
                "embeddings_constraint": serialize(self.embeddings_constraint, "constraint"),
                "mask_zero": self.mask_zero}
