"""`split_dataset`: arrays (or a tuple, list or dict of arrays) split into a left and a right part."""

import numbers

import numpy as np

from kcore.errors import ConfigError, ShapeError


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """Split the samples (first axis) of `dataset` in two, as `keras.utils.split_dataset` does.

    `dataset` is an array, or a tuple, list or dict of arrays with one row per sample; each part comes back
    in the same structure. A size is a fraction in (0, 1) or a number of samples; a missing one is the
    complement of the other. The left part takes the first `left_size` samples and the right part the last
    `right_size` (when the two do not add up to all, the samples between them are left out).

    Example:
        >>> x, y = np.arange(10).reshape(5, 2), np.arange(5)
        >>> (x_left, y_left), (x_right, y_right) = split_dataset((x, y), left_size=0.8)
        >>> len(x_left), len(x_right)
        (4, 1)
    """
    if isinstance(dataset, dict):
        keys, arrays = list(dataset), [np.asarray(v) for v in dataset.values()]
    elif isinstance(dataset, (tuple, list)):
        keys, arrays = None, [np.asarray(v) for v in dataset]
    else:
        keys, arrays = None, [np.asarray(dataset)]
    if not arrays or any(a.ndim == 0 for a in arrays):
        raise ConfigError(f"split_dataset: `dataset` must be an array, or a tuple, list or dict of arrays with one "
                          f"row per sample. Received: {type(dataset).__name__}.")
    counts = {len(a) for a in arrays}
    if len(counts) != 1:
        raise ShapeError(f"split_dataset: the arrays of `dataset` have different numbers of samples "
                         f"{[len(a) for a in arrays]}; each needs one row per sample.")
    total = counts.pop()
    left, right = _sizes(left_size, right_size, total)
    order = np.arange(total)
    if shuffle:
        order = np.random.default_rng(seed).permutation(total) if seed is not None else np.random.permutation(total)
    parts = [[a[order[:left]] for a in arrays], [a[order[total - right:]] for a in arrays]]

    def rebuild(part):
        if keys is not None:
            return dict(zip(keys, part, strict=True))
        if isinstance(dataset, (tuple, list)):
            return type(dataset)(part)
        return part[0]

    return rebuild(parts[0]), rebuild(parts[1])


def _sizes(left_size, right_size, total):
    """The two sizes as numbers of samples, checked as Keras checks them."""
    if left_size is None and right_size is None:
        raise ConfigError("split_dataset: give `left_size` or `right_size` (or both). Received: left_size=None "
                          "and right_size=None")
    sizes = {}
    for name, size in (("left_size", left_size), ("right_size", right_size)):
        if size is None:
            continue
        if isinstance(size, bool) or not isinstance(size, numbers.Real):
            raise ConfigError(f"split_dataset: `{name}` must be an int, a float in (0, 1) or None. "
                              f"Received: {name}={size!r}")
        if isinstance(size, numbers.Integral):
            if not 0 < size < total:
                raise ConfigError(f"split_dataset: `{name}` as a number of samples must be in [1, {total - 1}] for "
                                  f"a dataset of {total} samples. Received: {name}={size}")
            sizes[name] = int(size)
        else:
            if not 0 < size < 1:
                raise ConfigError(f"split_dataset: `{name}` as a fraction must be in (0, 1). Received: "
                                  f"{name}={size}")
            sizes[name] = round(size * total)
    left = sizes.get("left_size", total - sizes.get("right_size", 0))
    right = sizes.get("right_size", total - left)
    if left + right > total:
        raise ConfigError(f"split_dataset: left_size={left_size} and right_size={right_size} ask for {left + right} "
                          f"samples; the dataset has {total}.")
    if left == 0 or right == 0:
        raise ConfigError(f"split_dataset: with {total} samples, left_size={left_size} and right_size={right_size} "
                          f"leave the {'left' if left == 0 else 'right'} part empty.")
    return left, right
