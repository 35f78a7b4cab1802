"""Models: `Sequential`, functional `Model(inputs, outputs)`, and subclassed `Model`."""

from kcore.models.functional import Functional
from kcore.models.model import Model
from kcore.models.sequential import Sequential

__all__ = ["Functional", "Model", "Sequential"]
