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
import math

from kcore import backend, ops

METHODS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5")


def _triangle(xp, d):
    return xp.maximum(0, 1 - d)


def _keys_cubic(xp, d):
    near = ((1.5 * d - 2.5) * d) * d + 1.0
    far = ((-0.5 * d + 2.5) * d - 4.0) * d + 2.0
    return xp.where(d >= 2.0, 0.0, xp.where(d >= 1.0, far, near))


def _lanczos(radius):
    def kernel(xp, d):
        safe = xp.where(d > 1e-3, d, 1.0)
        value = radius * xp.sin(math.pi * safe) * xp.sin(math.pi * safe / radius) / (math.pi ** 2 * safe ** 2)
        return xp.where(d > radius, 0.0, xp.where(d > 1e-3, value, 1.0))
    return kernel


KERNELS = {"bilinear": _triangle, "bicubic": _keys_cubic, "lanczos3": _lanczos(3.0), "lanczos5": _lanczos(5.0)}


@functools.lru_cache(maxsize=64)
def _weights(backend_name, size_in, size_out, method, antialias, dtype):
    """The (size_in, size_out) matrix of one axis (computed in float64, kept in `dtype`)."""
    xp = backend.get().xp
    scale = size_out / size_in
    spread = max(1 / scale, 1.0) if antialias else 1.0
    points = (xp.arange(size_out, dtype="float64") + 0.5) / scale - 0.5
    distance = xp.abs(points[None, :] - xp.arange(size_in, dtype="float64")[:, None]) / spread
    weights = KERNELS[method](xp, distance)
    total = weights.sum(axis=0, keepdims=True)
    weights = xp.where(xp.abs(total) > 1000 * 1.1920929e-07, weights / xp.where(total != 0, total, 1), 0.0)
    inside = (points >= -0.5) & (points <= size_in - 0.5)
    return xp.where(inside[None, :], weights, 0.0).astype(dtype)


def _nearest_indices(xp, size_in, size_out):
    return xp.floor((xp.arange(size_out, dtype="float32") + 0.5) * (size_in / size_out)).astype("int64")


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
            images = ops.take(images, _nearest_indices(xp, size_in, size), axis=axis)
            continue
        matrix = _weights(backend.get().name, size_in, size, interpolation, bool(antialias), str(images.dtype))
        images = ops.moveaxis(ops.tensordot(images, matrix, axes=([axis], [0])), -1, axis)
    return images
