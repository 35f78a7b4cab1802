"""Argument checks shared by the layers, with messages that name the layer, the argument and the value."""

import numbers

from kcore import ops
from kcore.errors import ConfigError, ShapeError


def describe(layer):
    """How a message names a layer: `Dense 'dense_2'`."""
    return f"{type(layer).__name__} '{layer.name}'"


def positive_int(where, name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ConfigError(f"{where}: `{name}` must be a positive integer. Received: {name}={value!r}")
    return int(value)


def number(where, name, value, low=None, high=None, high_inclusive=True):
    """`value` as a float, checked to lie in [low, high] (or [low, high) when not `high_inclusive`)."""
    expected = "a number"
    if low is not None and high is not None:
        expected = f"a number in [{low}, {high}{']' if high_inclusive else ')'}"
    elif low is not None:
        expected = f"a number >= {low}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ConfigError(f"{where}: `{name}` must be {expected}. Received: {name}={value!r}")
    outside = (low is not None and value < low) or (
        high is not None and (value > high or (not high_inclusive and value == high)))
    if outside or value != value:
        raise ConfigError(f"{where}: `{name}` must be {expected}. Received: {name}={value!r}")
    return float(value)


def seed(where, value):
    if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Integral)):
        raise ConfigError(f"{where}: `seed` must be an int or None. Received: seed={value!r}")
    return None if value is None else int(value)


def data_format(where, value):
    from kcore import config

    value = config.image_data_format() if value is None else str(value).lower()
    if value not in ("channels_last", "channels_first"):
        raise ConfigError(f"{where}: `data_format` must be 'channels_last' or 'channels_first'. "
                          f"Received: data_format={value!r}")
    return value


def rank(where, shape, expected, layout):
    """Raise a ShapeError unless `shape` has rank `expected` (an int, or a minimum given as `(n, None)`)."""
    if shape is None:
        return
    low, high = expected if isinstance(expected, tuple) else (expected, expected)
    if len(shape) < low or (high is not None and len(shape) > high):
        wanted = f"rank {low}" if low == high else f"rank >= {low}"
        raise ShapeError(f"{where} expects inputs of {wanted} {layout}; received shape {tuple(shape)}.")


def floating(x, dtype):
    """`x` itself when it holds floats, else `x` cast to `dtype` (integer inputs must not upcast to float64)."""
    kind = getattr(getattr(x, "dtype", None), "kind", None)
    return x if kind == "f" else ops.cast(x, dtype)
