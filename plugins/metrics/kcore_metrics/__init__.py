"""kcore-metrics: Keras 3's accuracy, regression, probabilistic, hinge, confusion-matrix, F-score, IoU and
correlation metrics for kcore.

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
from kcore_metrics.confusion import FalseNegatives, FalsePositives, Precision, Recall, TrueNegatives, TruePositives
from kcore_metrics.constrained import (
    PrecisionAtRecall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
)
from kcore_metrics.correlation import ConcordanceCorrelation, PearsonCorrelation
from kcore_metrics.f_score import F1Score, FBetaScore
from kcore_metrics.hinge import CategoricalHinge, Hinge, SquaredHinge
from kcore_metrics.iou import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from kcore_metrics.probabilistic import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
)
from kcore_metrics.r2_score import R2Score
from kcore_metrics.reduction import Sum
from kcore_metrics.regression import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    RootMeanSquaredError,
    mean_absolute_error,
    mean_squared_error,
)
