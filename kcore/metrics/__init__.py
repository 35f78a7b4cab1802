"""Metrics. The contract (`Metric`) is here; the metrics come from plugins (first-party: kcore-metrics) and are
found by name: `kcore.metrics.AUC`, `metrics=["accuracy"]`.
"""

from kcore.metrics.metric import Metric
from kcore.metrics.reduction import Mean, MeanMetricWrapper
from kcore.plugins.namespace import make_get, namespace_dir, namespace_getattr

__getattr__ = namespace_getattr("metric", globals())
__dir__ = namespace_dir("metric", globals())
get = make_get("metric")
