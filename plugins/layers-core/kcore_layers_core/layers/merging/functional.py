"""The functional forms of the merging layers, as Keras writes them in functional models:
`x = layers.add([x, residual])` builds an `Add` layer and calls it on the inputs once.

Example:
    >>> a, b = kcore.Input((4,)), kcore.Input((4,))
    >>> layers.concatenate([a, layers.add([a, b])]).shape
    (None, 8)
"""

from kcore_layers_core.layers.merging.add import Add
from kcore_layers_core.layers.merging.average import Average
from kcore_layers_core.layers.merging.concatenate import Concatenate
from kcore_layers_core.layers.merging.dot import Dot
from kcore_layers_core.layers.merging.maximum import Maximum
from kcore_layers_core.layers.merging.minimum import Minimum
from kcore_layers_core.layers.merging.multiply import Multiply
from kcore_layers_core.layers.merging.subtract import Subtract


def add(inputs, **kwargs):
    """`Add(**kwargs)(inputs)`: the sum of the inputs."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """`Subtract(**kwargs)(inputs)`: the first of two inputs minus the second."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """`Multiply(**kwargs)(inputs)`: the elementwise product of the inputs."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """`Average(**kwargs)(inputs)`: the mean of the inputs."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """`Maximum(**kwargs)(inputs)`: the elementwise maximum of the inputs."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """`Minimum(**kwargs)(inputs)`: the elementwise minimum of the inputs."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """`Concatenate(axis=axis, **kwargs)(inputs)`: the inputs joined along `axis`."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes=-1, **kwargs):
    """`Dot(axes=axes, **kwargs)(inputs)`: the dot product of two inputs along `axes`."""
    return Dot(axes=axes, **kwargs)(inputs)


#: registered name -> function
MERGE_FUNCTIONS = {fn.__name__: fn for fn in (add, subtract, multiply, average, maximum, minimum, concatenate, dot)}
