"""The einsum equations and masks of multi-head attention, as Keras 3 lays them out.

Projected tensors have the shape `(batch, <other axes>, <attention axes>, heads, channels)`. Scores are
`(batch, <other axes>, heads, <query attention axes>, <key attention axes>)`, normalised over the key axes.
Letters are taken from the alphabet in order, so that equations (and kernel shapes) are the ones Keras builds.
"""

import string

from kcore import ops


def projection(free_dims, bound_dims, output_dims):
    """(equation, bias letters, output rank) of a projection that keeps `free_dims` leading axes, contracts
    `bound_dims` and adds `output_dims`: e.g. (2, 1, 2) gives 'abc,cde->abde' with bias 'de'."""
    letters = iter(string.ascii_lowercase)
    free = "".join(next(letters) for _ in range(free_dims))
    bound = "".join(next(letters) for _ in range(bound_dims))
    out = "".join(next(letters) for _ in range(output_dims))
    return f"{free}{bound},{bound}{out}->{free}{out}", out, free_dims + output_dims


def attention(rank, attention_axes):
    """(scores equation `key,query->scores`, combine equation `scores,value->output`, scores rank) for projected
    tensors of `rank` attending over `attention_axes`."""
    target = string.ascii_lowercase[:rank]
    batch = [i for i in range(rank) if i not in attention_axes and i != rank - 1]
    extra = iter(string.ascii_lowercase[rank:])
    source = "".join(target[i] if i in batch or i == rank - 1 else next(extra) for i in range(rank))
    scores = ("".join(target[i] for i in batch) + "".join(target[i] for i in attention_axes)
              + "".join(source[i] for i in attention_axes))
    return f"{source},{target}->{scores}", f"{scores},{source}->{target}", len(scores)


def causal(query_length, key_length):
    """A `(1, T, S)` boolean mask, True where query position t may attend to key position s, i.e. s <= t."""
    rows = ops.expand_dims(ops.arange(query_length, dtype="int32"), -1)
    cols = ops.expand_dims(ops.arange(key_length, dtype="int32"), 0)
    return ops.expand_dims(ops.greater_equal(rows, cols), 0)


def band(query_length, key_length, width):
    """A `(1, T, S)` boolean mask, True where |t - s| < width (a symmetric sliding window)."""
    rows = ops.expand_dims(ops.arange(query_length, dtype="int32"), -1)
    cols = ops.expand_dims(ops.arange(key_length, dtype="int32"), 0)
    return ops.expand_dims(ops.less(ops.abs(ops.subtract(rows, cols)), width), 0)


def combine(*masks):
    """The logical AND of the masks that are not None (broadcast), or None when all are."""
    result = None
    for mask in masks:
        if mask is None:
            continue
        mask = ops.cast(mask, "bool")
        result = mask if result is None else ops.logical_and(result, mask)
    return result


def call_mask(query_mask, value_mask, key_mask, mask, attention_mask, use_causal_mask, length, source,
              sliding_window=None):
    """The boolean (B, T, S) mask of an attention call, or None: the query's, value's and key's masks (a model's
    propagated `mask` fills the first two when they are not given), the causal and sliding-window bands, and the
    explicit `attention_mask`, all ANDed."""
    if isinstance(mask, (list, tuple)):  # masks a model propagated: the query's and the value's first
        query_mask = mask[0] if query_mask is None else query_mask
        value_mask = mask[1] if value_mask is None and len(mask) > 1 else value_mask
    elif mask is not None and query_mask is None:
        query_mask = mask
    return combine(
        None if query_mask is None else ops.expand_dims(ops.cast(query_mask, "bool"), -1),
        None if value_mask is None else ops.expand_dims(ops.cast(value_mask, "bool"), -2),
        None if key_mask is None else ops.expand_dims(ops.cast(key_mask, "bool"), -2),
        causal(length, source) if use_causal_mask else None,
        band(length, source, sliding_window) if sliding_window else None,
        attention_mask)
