"""Losses. The contract (`Loss`, `LossFunctionWrapper`) is here; the losses themselves come from plugins
(first-party: kcore-losses) and are found by name: `kcore.losses.MeanSquaredError`, `loss="mse"`.
"""

from kcore.losses.loss import Loss, LossFunctionWrapper, reduce_weighted_values
from kcore.plugins.namespace import make_get, namespace_dir, namespace_getattr

__getattr__ = namespace_getattr("loss", globals())
__dir__ = namespace_dir("loss", globals())
get = make_get("loss")
