"""Optimizers. The contract (`Optimizer`, `schedules.LearningRateSchedule`) is here; the optimizers come from
plugins (first-party: kcore-optimizers) and are found by name: `kcore.optimizers.Adam`, `optimizer="adam"`.
"""

from kcore.optimizers import schedules
from kcore.optimizers.optimizer import Optimizer
from kcore.plugins.namespace import make_get, namespace_dir, namespace_getattr

__getattr__ = namespace_getattr("optimizer", globals())
__dir__ = namespace_dir("optimizer", globals())
get = make_get("optimizer")
