"""Sampling images at transformed coordinates: the one helper behind RandomRotation, RandomZoom and
RandomTranslation.

An output pixel (y, x) of image n reads its input at the point that the image's transform maps it to, with
Keras's layout of a transform, `[a0, a1, a2, b0, b1, b2, c0, c1]`:

    x_in = a0 * x + a1 * y + a2        y_in = b0 * x + b1 * y + b2

in pixel units (pixel centres at integers), as `keras.ops.image.affine_transform` has it (the projective terms c0,
c1 are 0 for these layers). The input is read with nearest or bilinear interpolation between the four pixels
around the point; a pixel index outside the image is first mapped back in by the fill mode, as Keras pads the
image before interpolating:

    reflect   (d c b a | a b c d | d c b a)    about the edge, the edge pixel repeated
    wrap      (a b c d | a b c d | a b c d)
    nearest   (a a a a | a b c d | d d d d)
    constant  (k k k k | a b c d | k k k k)    k = fill_value

Everything is computed for the whole batch at once: the four corners' flat indices into the (N*H*W, C) pixels,
one `ops.take` each, and their weighted sum. `ops.take` carries the gradient back to the input pixels.
"""

from kcore import backend, ops


def affine_transform(images, transforms, interpolation="bilinear", fill_mode="reflect", fill_value=0.0):
    """`images` (N, H, W, C) sampled through `transforms` (N, 8), Keras's layout (see the module docstring).

    Example:
        >>> image = np.arange(9, dtype="float32").reshape(1, 3, 3, 1)
        >>> shift_right = np.array([[1, 0, -1, 0, 1, 0, 0, 0]], "float32")  # x_in = x - 1
        >>> affine_transform(image, shift_right, fill_mode="constant")[0, :, :, 0]
        array([[0., 0., 1.],
               [0., 3., 4.],
               [0., 6., 7.]], dtype=float32)
    """
    xp = backend.get().xp
    _, height, width, _ = images.shape
    t = xp.asarray(transforms).astype(images.dtype, copy=False)[:, :, None, None]  # (N, 8, 1, 1)
    ys = xp.arange(height, dtype=images.dtype)[:, None]
    xs = xp.arange(width, dtype=images.dtype)[None, :]
    x_in = t[:, 0] * xs + t[:, 1] * ys + t[:, 2]
    y_in = t[:, 3] * xs + t[:, 4] * ys + t[:, 5]
    return sample(images, y_in, x_in, interpolation, fill_mode, fill_value)


def _inside(xp, index, size, fill_mode):
    """`index` (ints, any values) mapped into [0, size) by the fill mode, and where it was inside already."""
    if fill_mode == "reflect":
        folded = xp.mod(index, 2 * size)
        return xp.where(folded >= size, 2 * size - 1 - folded, folded), None
    if fill_mode == "wrap":
        return xp.mod(index, size), None
    clipped = xp.clip(index, 0, size - 1)
    return clipped, (clipped == index if fill_mode == "constant" else None)


def sample(images, y, x, interpolation="bilinear", fill_mode="reflect", fill_value=0.0):
    """`images` (N, H, W, C) read at the points (y, x), each (N, H', W') in input pixel units: (N, H', W', C)."""
    xp = backend.get().xp
    n, height, width, channels = images.shape
    pixels = ops.reshape(images, (n * height * width, channels))
    first = (xp.arange(n) * (height * width)).reshape(n, 1, 1)
    if interpolation == "nearest":
        corners = [(xp.floor(y + 0.5), xp.floor(x + 0.5), None)]
    else:
        y0, x0 = xp.floor(y), xp.floor(x)
        fy, fx = y - y0, x - x0
        corners = [(y0, x0, (1 - fy) * (1 - fx)), (y0, x0 + 1, (1 - fy) * fx),
                   (y0 + 1, x0, fy * (1 - fx)), (y0 + 1, x0 + 1, fy * fx)]
    out, outside = None, None
    for yi, xi, weight in corners:
        yi, y_ok = _inside(xp, yi.astype("int64"), height, fill_mode)
        xi, x_ok = _inside(xp, xi.astype("int64"), width, fill_mode)
        if fill_mode == "constant":
            ok = (y_ok & x_ok).astype(images.dtype)
            missed = (1 - ok) if weight is None else weight * (1 - ok)
            outside = missed if outside is None else outside + missed
            weight = ok if weight is None else weight * ok
        term = ops.take(pixels, first + yi * width + xi, axis=0)
        if weight is not None:
            term = ops.multiply(term, weight[..., None])
        out = term if out is None else ops.add(out, term)
    if outside is not None and fill_value != 0:
        out = ops.add(out, (outside * fill_value)[..., None].astype(images.dtype))
    return out
