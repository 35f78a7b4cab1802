"""RandomGaussianBlur: blur images with a Gaussian kernel of a random width while training."""

import numbers

from kcore import backend, ops
from kcore.errors import ConfigError
from kcore_layers_preprocessing.color import unit_factor
from kcore_layers_preprocessing.image_layer import (
    ImageLayer,
    check_value_range,
    describe,
    factor_range,
    keras_value,
    seed_generator,
)

SIGMA_EPSILON = 1e-6  # Keras adds it to the drawn sigmas, so sigma = 0 stays finite


def kernel_sizes(where, kernel_size):
    """Keras's `kernel_size`: an odd int k (k, k), or a pair of odd ints (width size, height size)."""
    kernel_size = keras_value(kernel_size)
    sizes = kernel_size if isinstance(kernel_size, (list, tuple)) else (kernel_size, kernel_size)
    if len(sizes) != 2 or any(isinstance(k, bool) or not isinstance(k, numbers.Integral) or k <= 0 or k % 2 == 0
                              for k in sizes):
        raise ConfigError(f"{where}: `kernel_size` must be a positive odd int or a pair of them (width, height), "
                          f"e.g. 3 or (3, 5). Received: kernel_size={kernel_size!r}")
    return int(sizes[0]), int(sizes[1])


def sigma_range(where, sigma):
    """Keras's `sigma`: a number s in [0, 1] means [0, s]; a pair of non-negative numbers means itself, sorted."""
    sigma = keras_value(sigma)
    if isinstance(sigma, (list, tuple)):
        return factor_range(where, "sigma", sigma, 0.0, float("inf"))
    return unit_factor(where, "sigma", sigma)


def gaussian_kernel(xp, size, sigma, dtype):
    """The normalised 1-D Gaussian of `size` taps centred on the middle one."""
    x = xp.arange(size, dtype=dtype) - (size - 1) / 2
    kernel = xp.exp(-0.5 * (x / sigma) ** 2)
    return (kernel / kernel.sum()).astype(dtype)


def blur(images, kernel_x, kernel_y):
    """Each channel of a channels-last batch convolved with `outer(kernel_y, kernel_x)`, zero padded ("same"), as
    two 1-D passes (the kernel is separable)."""
    height, width = images.shape[1], images.shape[2]
    rows, cols = len(kernel_y) // 2, len(kernel_x) // 2
    padded = ops.pad(images, ((0, 0), (rows, rows), (cols, cols), (0, 0)))
    across = None
    for i, tap in enumerate(kernel_x):
        term = ops.multiply(ops.get_item(padded, (slice(None), slice(None), slice(i, i + width))), float(tap))
        across = term if across is None else ops.add(across, term)
    out = None
    for i, tap in enumerate(kernel_y):
        term = ops.multiply(ops.get_item(across, (slice(None), slice(i, i + height))), float(tap))
        out = term if out is None else ops.add(out, term)
    return out


class RandomGaussianBlur(ImageLayer):
    """While training, blurs each image with probability p, p drawn per image from `factor` (a number f: [0, f];
    a pair: [lower, upper]; each in [0, 1]), by convolving it (zero padded, same size) with the Gaussian kernel
    `outer(g_y, g_x)` of `kernel_size` taps, where g_x and g_y are normalised 1-D Gaussians whose standard
    deviations are drawn once per batch from `sigma` (plus 1e-6), as in Keras; then clips every image to
    `value_range`. At inference, returns the images.

    Example:
        >>> layer = RandomGaussianBlur(factor=(1.0, 1.0), kernel_size=3, sigma=(1.0, 1.0))
        >>> image = np.zeros((1, 3, 3, 1), "float32"); image[0, 1, 1] = 100.0
        >>> round(float(layer(image, training=True)[0, 1, 1, 0]), 2)  # 100 * (e^0 / (1 + 2 e^-0.5))^2
        20.42
    """

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255), data_format=None, seed=None,
                 **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        where = describe(self)
        self.factor = unit_factor(where, "factor", factor)
        self.kernel_size = kernel_sizes(where, kernel_size)
        self.sigma = sigma_range(where, sigma)
        self.value_range = check_value_range(where, value_range)
        self.seed = seed
        self.seed_generator = seed_generator(where, seed)

    def transform(self, images):
        xp = backend.get().xp
        n = images.shape[0]
        apply = self.uniform((n,), 0.0, 1.0) < self.uniform((n,), *self.factor)
        sigma_x, sigma_y = self.uniform((2,), *self.sigma) + SIGMA_EPSILON
        blurred = blur(images, gaussian_kernel(xp, self.kernel_size[0], sigma_x, images.dtype),
                       gaussian_kernel(xp, self.kernel_size[1], sigma_y, images.dtype))
        return ops.clip(ops.where(apply[:, None, None, None], blurred, images), *self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor), "kernel_size": list(self.kernel_size),
                "sigma": list(self.sigma), "value_range": list(self.value_range), "seed": self.seed}
