"""kcore-metrics: Keras 3's accuracy, regression and confusion-matrix metrics for kcore.

Use them through kcore (`kcore.metrics.AUC()`, `metrics=["accuracy", "auc"]`); importing this package directly
works too.
"""

from kcore_metrics.accuracy import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from kcore_metrics.auc import AUC
from kcore_metrics.confusion import Precision, Recall
from kcore_metrics.reduction import Sum
from kcore_metrics.regression import (
    MeanAbsoluteError,
    MeanSquaredError,
    RootMeanSquaredError,
    mean_absolute_error,
    mean_squared_error,
)
