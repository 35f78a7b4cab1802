"""Window arithmetic shared by the convolution and pooling ops and layers: argument tuples, output lengths, the
padding that Keras's (and TensorFlow's) "same", "valid" and "causal" mean, and one call's `Window`.

Example:
    >>> same_padding(28, kernel=3, stride=2, dilation=1)   # TensorFlow's rule: the odd pixel goes at the end
    (0, 1)
    >>> output_length(28, kernel=3, stride=2, dilation=1, padding="same")
    14
"""

import dataclasses
import functools
import numbers

from kcore import config
from kcore.errors import ConfigError, ShapeError

PADDINGS = ("valid", "same", "causal")


def spatial_tuple(value, rank, name, where, allow_zero=False):
    """`value` (an int, or a sequence of `rank` ints) as a tuple of `rank` ints, each >= 1 (>= 0 if allowed)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        values = (int(value),) * rank
    else:
        try:
            values = tuple(value)
        except TypeError:
            values = ()
        bad = len(values) != rank or any(isinstance(v, bool) or not isinstance(v, numbers.Integral) for v in values)
        if bad:
            raise ConfigError(f"{where}: `{name}` must be an int or a tuple of {rank} ints. "
                              f"Received: {name}={value!r}")
        values = tuple(int(v) for v in values)
    low = 0 if allow_zero else 1
    if any(v < low for v in values):
        raise ConfigError(f"{where}: every value of `{name}` must be {'>= 0' if allow_zero else 'positive'}. "
                          f"Received: {name}={value!r}")
    return values


def padding_mode(value, where, allow_causal=False):
    allowed = PADDINGS if allow_causal else PADDINGS[:2]
    mode = value.lower() if isinstance(value, str) else value
    if mode not in allowed:
        raise ConfigError(f"{where}: `padding` must be one of {allowed}. Received: padding={value!r}")
    return mode


def data_format(value, where):
    """`value`, or the configured `image_data_format` when it is None, checked."""
    fmt = config.image_data_format() if value is None else value.lower() if isinstance(value, str) else value
    if fmt not in ("channels_last", "channels_first"):
        raise ConfigError(f"{where}: `data_format` must be 'channels_last' or 'channels_first'. "
                          f"Received: data_format={value!r}")
    return fmt


def effective_kernel(kernel, dilation):
    """The span of a dilated kernel: `(kernel - 1) * dilation + 1`."""
    return (kernel - 1) * dilation + 1


def same_padding(length, kernel, stride, dilation):
    """(before, after) padding of "same", as TensorFlow and Keras pad: the total that makes `ceil(length /
    stride)` windows fit, the larger half at the end."""
    out = -(-length // stride)
    total = max((out - 1) * stride + effective_kernel(kernel, dilation) - length, 0)
    return total // 2, total - total // 2


def paddings(spatial, kernels, strides, dilations, padding):
    """One (before, after) pair per spatial axis for `padding` "valid", "same" or "causal"."""
    if padding == "valid":
        return [(0, 0)] * len(spatial)
    if padding == "causal":
        return [(effective_kernel(k, d) - 1, 0) for k, d in zip(kernels, dilations, strict=True)]
    return [same_padding(n, k, s, d) for n, k, s, d in zip(spatial, kernels, strides, dilations, strict=True)]


def output_length(length, kernel, stride, dilation, padding):
    """The number of windows along one axis (None for an unknown length)."""
    if length is None:
        return None
    if padding in ("same", "causal"):
        return -(-length // stride)
    return (length - effective_kernel(kernel, dilation)) // stride + 1


def transpose_padding(kernel, stride, dilation, padding, output_padding):
    """Keras's (left, right) padding of the stride-dilated input of a transposed convolution (as its JAX backend
    computes it): the output is `(n - 1) * stride + 1 + left + right - effective_kernel + 1` long."""
    span = effective_kernel(kernel, dilation)
    if padding == "valid":
        extra = max(span, stride) - span if output_padding is None else output_padding
        return span - 1, span - 1 + extra
    total = stride + span - 2 if output_padding is None else span + span % 2 - 2 + output_padding
    left = min(total // 2 + total % 2, span - 1)
    return left, total - left


def transpose_output_length(length, kernel, stride, dilation, padding, output_padding):
    if length is None:
        return None
    left, right = transpose_padding(kernel, stride, dilation, padding, output_padding)
    return (length - 1) * stride + left + right - effective_kernel(kernel, dilation) + 2


@dataclasses.dataclass(frozen=True)
class Window:
    """One call's window geometry, over the channels-last input's spatial axes."""

    kernel: tuple
    strides: tuple
    dilations: tuple
    pads: tuple  # (before, after) per spatial axis
    spatial: tuple  # input lengths
    out: tuple  # output lengths

    @property
    def padded(self):
        return tuple(n + b + a for n, (b, a) in zip(self.spatial, self.pads, strict=True))


def remembered(fn):
    """`fn`, a pure function of shapes and arguments that checks them and works out a geometry, with its results
    remembered by argument: a model calls its ops with the same few shapes on every step. Errors are not
    remembered (they are raised again), and lists count as tuples."""
    cache = {}

    @functools.wraps(fn)
    def cached(*args, **kwargs):
        if not kwargs:  # the common call: the arguments as they came are the key
            try:
                return cache[args]
            except (KeyError, TypeError):
                pass
        try:
            key = tuple(tuple(a) if type(a) is list else a for a in args)
            if kwargs:
                key += tuple(sorted(kwargs.items()))
            return cache[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable argument: `fn` checks it and says what is wrong
            return fn(*args, **kwargs)
        if len(cache) >= 1024:
            cache.clear()
        result = cache[key] = fn(*args, **kwargs)
        return result

    return cached


@remembered
def window(name, spatial, kernel, strides, padding, dilation_rate, allow_causal=False):
    """Check a call's window arguments and work out its geometry."""
    rank = len(spatial)
    where = f"ops.{name}"
    strides = spatial_tuple(strides, rank, "strides", where)
    dilations = spatial_tuple(dilation_rate, rank, "dilation_rate", where)
    padding = padding_mode(padding, where, allow_causal=allow_causal)
    if padding == "causal" and rank != 1:
        raise ShapeError(f"{where}: padding='causal' is for 1D inputs only; received {rank} spatial axes.")
    pads = tuple(paddings(spatial, kernel, strides, dilations, padding))
    out = tuple(output_length(n, k, s, d, padding)
                for n, k, s, d in zip(spatial, kernel, strides, dilations, strict=True))
    if min(out, default=1) <= 0:
        raise ShapeError(f"{where}: a window of size {tuple(kernel)} (dilation {dilations}) does not fit in the "
                         f"spatial shape {tuple(spatial)} with padding={padding!r}: the output would be empty. "
                         f"Use padding='same', a smaller kernel, or larger inputs.")
    return Window(tuple(kernel), strides, dilations, pads, tuple(spatial), out)
