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
