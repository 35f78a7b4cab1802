"""What the layers of this distribution share: the names of their axes, the input-rank check with its fix, and
the move between a layout and its spatial axes.

Example:
    >>> layout(2, "channels_last")
    '(batch, rows, cols, channels)'
"""

import numbers

from kcore_layers_core import checks
from kcore_layers_core.checks import describe

from kcore.errors import ConfigError, ShapeError

_SPATIAL = {1: ("steps",), 2: ("rows", "cols"), 3: ("dim1", "dim2", "dim3")}
_FAMILY = {3: "1D", 4: "2D", 5: "3D"}


def layout(rank, data_format):
    """The axes of a `rank`-D layer's inputs, as the error messages name them."""
    spatial = ", ".join(_SPATIAL[rank])
    if data_format == "channels_first":
        return f"(batch, channels, {spatial})"
    return f"(batch, {spatial}, channels)"


def _fix(shape, rank, data_format, layer):
    received = len(shape)
    if received == rank + 1:
        example = "x[..., None]" if data_format == "channels_last" else "x[:, None]"
        return f"Add a channel axis, e.g. {example}."
    family = _FAMILY.get(received)
    if family is not None:
        name = type(layer).__name__
        for digit in "123":
            name = name.replace(f"{digit}D", family)
        return f"Inputs of rank {received} fit {name}."
    return f"Reshape the inputs to {layout(rank, data_format)}."


def check_rank(layer, shape, rank, data_format):
    """Raise a ShapeError naming the layer, the shape, what was expected and the fix, unless `shape` has rank
    `rank + 2`. `shape` may be None (unknown), which passes."""
    if shape is None or len(shape) == rank + 2:
        return
    raise ShapeError(f"{describe(layer)} expects inputs of rank {rank + 2} {layout(rank, data_format)}; received "
                     f"shape {tuple(shape)}. {_fix(shape, rank, data_format, layer)}")


def channels_of(layer, shape, rank, data_format):
    """The size of the channel axis of `shape` (checked for rank, and known)."""
    check_rank(layer, shape, rank, data_format)
    channels = shape[-1] if data_format == "channels_last" else shape[1]
    if channels is None:
        raise ShapeError(f"{describe(layer)} needs the channel axis of its inputs to be known to create its "
                         f"weights; received shape {tuple(shape)} ({data_format}).")
    return channels


def spatial_axes(rank, data_format):
    """The positions of the spatial axes in a `rank`-D layer's inputs."""
    first = 1 if data_format == "channels_last" else 2
    return tuple(range(first, first + rank))


def split(shape, data_format):
    """(batch, spatial lengths, channels) of an input shape in `data_format`."""
    shape = tuple(shape)
    if data_format == "channels_last":
        return shape[0], shape[1:-1], shape[-1]
    return shape[0], shape[2:], shape[1]


def join(batch, spatial, channels, data_format):
    """The inverse of `split`."""
    if data_format == "channels_last":
        return (batch, *spatial, channels)
    return (batch, channels, *spatial)


def floating(x, dtype):
    """`x`, cast to the layer's `dtype` when it holds integers (e.g. uint8 images)."""
    return checks.floating(x, dtype)


def pairs(value, rank, name, where):
    """`value` as one (before, after) pair of non-negative ints per spatial axis, read as Keras reads padding
    and cropping: an int (the same on every side), one int per axis (symmetric), or one pair per axis."""
    def is_int(v):
        return isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 0

    error = ConfigError(f"{where}: `{name}` must be a non-negative int, a tuple of {rank} ints, or a tuple of "
                        f"{rank} (before, after) pairs. Received: {name}={value!r}")
    if is_int(value):
        return ((int(value), int(value)),) * rank
    try:
        items = tuple(value)
    except TypeError:
        raise error from None
    if len(items) != rank:
        raise error
    result = []
    for item in items:
        if is_int(item):
            result.append((int(item), int(item)))
            continue
        try:
            before, after = item
        except (TypeError, ValueError):
            raise error from None
        if not (is_int(before) and is_int(after)):
            raise error
        result.append((int(before), int(after)))
    return tuple(result)


def flat_pair(value, name, layer):
    """A 1D layer's `padding` or `cropping` (an int, or one (start, end) pair) as `pairs` reads it."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return value
    try:
        start, end = value
    except (TypeError, ValueError):
        raise ConfigError(f"{describe(layer)}: `{name}` must be an int or a (start, end) pair of ints. Received: "
                          f"{name}={value!r}") from None
    return ((start, end),)
