"""kcore's errors: one small hierarchy under `KcoreError`.

Each class also subclasses the built-in exception it refines, so `except ValueError:` written for NumPy or
Keras keeps working. A message says what went wrong, where, what was received, what was expected, and the fix.
"""


class KcoreError(Exception):
    """Base class of every error kcore raises on purpose."""


class ConfigError(KcoreError, ValueError):
    """A bad setting: an argument, the config file, or an environment variable."""


class ShapeError(KcoreError, ValueError):
    """Arrays whose shapes do not fit together (an op's inputs, a layer's input, x against y)."""


class DTypeError(KcoreError, TypeError):
    """An array of a dtype the op or layer cannot use."""


class PluginError(KcoreError, ImportError):
    """A plugin that failed to import, register, or that is built for another plugin API."""


class MissingPluginError(PluginError):
    """A name provided by a distribution that is not installed."""


class DuplicateNameError(PluginError):
    """Two plugins provide the same name of the same kind."""


class UnknownNameError(KcoreError, ValueError):
    """A name that no installed plugin, and no known distribution, provides."""


class BackendError(KcoreError, RuntimeError):
    """The selected backend cannot run here (not installed, no device)."""


class GradientError(KcoreError, RuntimeError):
    """A gradient asked of something that was not recorded."""


class OpIndexError(KcoreError, IndexError):
    """An index or label outside the range of the axis it addresses."""


class MissingDependencyError(KcoreError, ImportError):
    """An optional package or program that a feature needs (matplotlib, Graphviz) is not installed."""


class DownloadError(KcoreError, OSError):
    """A file that could not be downloaded (offline, refused, cut off, HTTP error)."""


class ChecksumError(DownloadError, ValueError):
    """A downloaded or cached file whose hash is not the one expected: corrupt, truncated or replaced."""


class NonFiniteLossError(KcoreError, FloatingPointError):
    """Training produced a NaN or infinite loss or gradient; the update of that step was not applied."""


class NonFiniteDataError(KcoreError, ValueError):
    """Training or evaluation data holding NaN or infinity."""
