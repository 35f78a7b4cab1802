"""`pad_sequences`: a list of sequences of different lengths as one padded array, as Keras makes it."""

import itertools

import numpy as np

from kcore.errors import ConfigError, ShapeError


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    """Pad (and truncate) `sequences` to one length: an array of shape `(len(sequences), maxlen, ...)`.

    `maxlen` defaults to the longest sequence. Sequences longer than `maxlen` lose their start
    (`truncating="pre"`) or their end ("post"); shorter ones get `value` before them (`padding="pre"`) or
    after ("post"). The elements of a sequence may themselves be arrays (e.g. feature vectors).

    Example:
        >>> pad_sequences([[1, 2, 3], [4]], maxlen=2)
        array([[2, 3],
               [0, 4]], dtype=int32)
    """
    if not hasattr(sequences, "__len__"):
        raise ConfigError(f"pad_sequences: `sequences` must be a list (or array) of sequences. Received a "
                          f"{type(sequences).__name__}.")
    for name, choice in (("padding", padding), ("truncating", truncating)):
        if choice not in ("pre", "post"):
            raise ConfigError(f"pad_sequences: `{name}` must be 'pre' or 'post'. Received: {name}={choice!r}")
    if maxlen is not None and (isinstance(maxlen, bool) or not isinstance(maxlen, (int, np.integer)) or maxlen < 0):
        raise ConfigError(f"pad_sequences: `maxlen` must be None or a non-negative int. Received: {maxlen!r}")
    count = len(sequences)
    try:
        lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=count)
    except TypeError as e:
        raise ShapeError(f"pad_sequences: every element of `sequences` must be a sequence (list or array); "
                         f"{e}.") from e
    is_text = np.issubdtype(np.dtype(dtype), np.str_) or np.dtype(dtype) == object
    if isinstance(value, str) and not is_text:
        raise ConfigError(f"pad_sequences: `dtype` {dtype!r} cannot hold the padding value {value!r}; pass "
                          f"dtype=object (or a str dtype) to pad with strings.")
    non_empty = list(itertools.compress(sequences, lengths))
    try:
        flat = np.concatenate(non_empty).astype(dtype, copy=False) if non_empty else np.zeros(0, dtype)
    except ValueError as e:
        raise ShapeError(f"pad_sequences: the elements of the sequences must all have one shape; {e}.") from e
    sample_shape = flat.shape[1:]
    maxlen = int(lengths.max(initial=0)) if maxlen is None else int(maxlen)

    out = np.full((count, maxlen, *sample_shape), value, dtype=dtype)
    kept = np.minimum(lengths, maxlen)
    rows = np.repeat(np.arange(count), kept)
    within = np.arange(kept.sum()) - np.repeat(np.cumsum(kept) - kept, kept)  # 0.. kept-1 in each row
    starts = np.cumsum(lengths) - lengths  # where each sequence begins in `flat`
    if truncating == "pre":
        starts = starts + lengths - kept
    columns = within if padding == "post" else within + np.repeat(maxlen - kept, kept)
    out[rows, columns] = flat[np.repeat(starts, kept) + within]
    return out
