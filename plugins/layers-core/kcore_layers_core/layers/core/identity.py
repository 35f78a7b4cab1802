"""Identity: a layer that returns its inputs."""

from kcore.layers.layer import Layer


class Identity(Layer):
    """Returns its inputs unchanged (a placeholder, e.g. where a configurable block has nothing to do).

    Example:
        >>> Identity()(np.ones((2, 3), "float32")).shape
        (2, 3)
    """

    supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape
