"""Resizing a channels-last batch of images, as `keras.ops.image.resize` does: half-pixel centres.

- "nearest": output pixel i of n reads input pixel floor((i + 0.5) * m / n) along each axis (of length m).
- "bilinear", "bicubic", "lanczos3", "lanczos5": along each axis, output pixel i is a weighted sum of the input
  pixels around the point s = (i + 0.5) * m / n - 0.5, with the method's kernel of the distance, the weights
  normalised to sum to 1 (so at the borders the edge pixel takes the missing weight). With `antialias`, a
  downsampling kernel is widened by m / n, so that every input pixel counts.

An axis is resized by one matrix product with its (m, n) weight matrix, made once per size and kept; the
gradient flows back through `ops.tensordot`.
"""

import functools

from kcore import backend, ops
from kcore.utils import image_utils

METHODS = image_utils.RESIZE_METHODS


@functools.lru_cache(maxsize=64)
def _weights(backend_name, size_in, size_out, method, antialias, dtype):
    """One axis's (size_in, size_out) matrix (made in float64 by kcore.utils.image_utils, kept in `dtype`)."""
    return backend.get().xp.asarray(image_utils.resize_weights(size_in, size_out, method, antialias), dtype=dtype)


def resize(images, height, width, interpolation="bilinear", antialias=False):
    """`images` (N, H, W, C) resized to (N, height, width, C).

    Example:
        >>> resize(np.arange(4, dtype="float32").reshape(1, 1, 4, 1), 1, 2)[0, 0, :, 0]
        array([0.5, 2.5], dtype=float32)
    """
    xp = backend.get().xp
    for axis, size in ((1, height), (2, width)):
        size_in = images.shape[axis]
        if size_in == size:
            continue
        if interpolation == "nearest":
            images = ops.take(images, xp.asarray(image_utils.nearest_indices(size_in, size)), axis=axis)
            continue
        matrix = _weights(backend.get().name, size_in, size, interpolation, bool(antialias), str(images.dtype))
        images = ops.moveaxis(ops.tensordot(images, matrix, axes=([axis], [0])), -1, axis)
    return images
