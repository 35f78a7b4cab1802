"""Models: `Sequential`, functional `Model(inputs, outputs)`, and subclassed `Model`."""

from kcore.models.functional import Functional
from kcore.models.model import Model
from kcore.models.sequential import Sequential


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Load a `.keras` archive (see `kcore.saving.load_model`)."""
    from kcore.saving import load_model as load

    return load(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


__all__ = ["Functional", "Model", "Sequential", "load_model"]
