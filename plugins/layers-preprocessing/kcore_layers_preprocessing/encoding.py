"""Token indices to the vectors of Keras's `output_mode`s: "one_hot", "multi_hot", "count" and "tf_idf"."""

import numpy as np


def bag(ids, rows, nrows, depth, mode, idf_weights=None, dtype="float32"):
    """One `depth`-long vector per row from the indices `ids` of its tokens (`rows[i]` is the row of `ids[i]`;
    negative indices are dropped): 1 where a token occurs ("multi_hot"), how often it occurs ("count"), or that
    count times the token's inverse document frequency ("tf_idf")."""
    keep = ids >= 0
    counts = np.bincount(rows[keep] * depth + ids[keep], minlength=nrows * depth).reshape(nrows, depth)
    if mode == "multi_hot":
        return (counts > 0).astype(dtype)
    if mode == "tf_idf":  # indices past the vocabulary (pad_to_max_tokens) weigh 0
        weights = np.zeros(depth, dtype=dtype)
        weights[:len(idf_weights)] = idf_weights[:depth]
        return (counts * weights).astype(dtype, copy=False)
    return counts.astype(dtype)


def one_hot(ids, depth, dtype="float32"):
    """A `depth`-long one-hot vector for each index (all zeros for a negative, dropped index)."""
    out = np.zeros((ids.size, depth), dtype=dtype)
    flat = ids.reshape(-1)
    hits = np.flatnonzero(flat >= 0)
    out[hits, flat[hits]] = 1
    return out.reshape(*ids.shape, depth)


def categorical(ids, output_mode, depth, dtype="float32"):
    """Keras's encoding of integer indices `ids` (each in [0, depth)) for CategoryEncoding and Discretization.

    A scalar counts as one index of shape (1,). "one_hot" gives a vector per index (a trailing axis of 1 is
    replaced); "multi_hot" and "count" give one vector per sample, reducing axis 1 (axis 0 of a rank-1 input,
    which is one sample): 1 where an index occurs, or how often it occurs.
    """
    ids = ids.reshape(1) if ids.ndim == 0 else ids
    if output_mode == "one_hot":
        return one_hot(ids[..., 0] if ids.ndim > 1 and ids.shape[-1] == 1 else ids, depth, dtype)
    counts = one_hot(ids, depth, dtype).sum(axis=1 if ids.ndim > 1 else 0, dtype=dtype)
    return (counts > 0).astype(dtype) if output_mode == "multi_hot" else counts


def categorical_shape(input_shape, output_mode, depth):
    """The shape `categorical` gives for indices of `input_shape` (entries may be None)."""
    input_shape = tuple(input_shape) or (1,)
    if output_mode == "one_hot":
        kept = input_shape[:-1] if len(input_shape) > 1 and input_shape[-1] == 1 else input_shape
        return (*kept, depth)
    kept = (input_shape[0], *input_shape[2:]) if len(input_shape) > 1 else ()
    return (*kept, depth)
