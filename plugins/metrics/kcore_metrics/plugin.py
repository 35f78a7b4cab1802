"""kcore's entry point into this distribution: registers every metric under each name Keras 3 accepts for it.

Functions are registered under their snake_case names (the training loop wraps them in a running mean), classes
under their class names, and classes that have no function twin also under Keras's string aliases ("auc",
"mse", ...), which `kcore.metrics.get` instantiates with their defaults.
"""

from kcore.plugins import hookimpl
from kcore.utils import naming

KCORE_PLUGIN_API = 1


def components():
    """name -> metric class or function, for every name this plugin provides."""
    from kcore_metrics import (
        accuracy,
        auc,
        confusion,
        constrained,
        correlation,
        f_score,
        hinge,
        iou,
        probabilistic,
        r2_score,
        reduction,
        regression,
    )

    functions = [accuracy.binary_accuracy, accuracy.categorical_accuracy, accuracy.sparse_categorical_accuracy,
                 accuracy.top_k_categorical_accuracy, accuracy.sparse_top_k_categorical_accuracy,
                 regression.mean_squared_error, regression.mean_absolute_error]
    classes = [accuracy.Accuracy, accuracy.BinaryAccuracy, accuracy.CategoricalAccuracy,
               accuracy.SparseCategoricalAccuracy, accuracy.TopKCategoricalAccuracy,
               accuracy.SparseTopKCategoricalAccuracy, reduction.Sum, regression.MeanSquaredError,
               regression.MeanAbsoluteError, regression.RootMeanSquaredError, auc.AUC, confusion.Precision,
               confusion.Recall]
    # Classes Keras also accepts under their snake_case names ("binary_crossentropy", "kl_divergence",
    # "log_cosh_error", "f_beta_score", ...): the loss-wrapping metrics take their values from kcore-losses.
    snake_case_classes = [
        probabilistic.BinaryCrossentropy, probabilistic.CategoricalCrossentropy,
        probabilistic.SparseCategoricalCrossentropy, probabilistic.KLDivergence, probabilistic.Poisson,
        hinge.Hinge, hinge.SquaredHinge, hinge.CategoricalHinge, regression.MeanAbsolutePercentageError,
        regression.MeanSquaredLogarithmicError, regression.LogCoshError, regression.CosineSimilarity,
        confusion.TruePositives, confusion.TrueNegatives, confusion.FalsePositives, confusion.FalseNegatives,
        f_score.F1Score, f_score.FBetaScore, r2_score.R2Score,
        iou.IoU, iou.MeanIoU, iou.BinaryIoU, iou.OneHotIoU, iou.OneHotMeanIoU,  # "io_u", "mean_io_u", ... as Keras
        correlation.PearsonCorrelation, correlation.ConcordanceCorrelation,
        constrained.PrecisionAtRecall, constrained.RecallAtPrecision, constrained.SensitivityAtSpecificity,
        constrained.SpecificityAtSensitivity]
    names = {fn.__name__: fn for fn in functions}
    names.update({cls.__name__: cls for cls in classes + snake_case_classes})
    names.update({naming.to_snake_case(cls.__name__): cls for cls in snake_case_classes})
    names.update({"accuracy": accuracy.Accuracy, "sum": reduction.Sum, "auc": auc.AUC,
                  "precision": confusion.Precision, "recall": confusion.Recall,
                  "root_mean_squared_error": regression.RootMeanSquaredError,
                  "mse": regression.MeanSquaredError, "MSE": regression.MeanSquaredError,
                  "mae": regression.MeanAbsoluteError, "MAE": regression.MeanAbsoluteError,
                  "mape": regression.MeanAbsolutePercentageError, "MAPE": regression.MeanAbsolutePercentageError,
                  "msle": regression.MeanSquaredLogarithmicError, "MSLE": regression.MeanSquaredLogarithmicError,
                  "bce": probabilistic.BinaryCrossentropy, "BCE": probabilistic.BinaryCrossentropy})
    return names


@hookimpl
def kcore_register(registry):
    for name, component in components().items():
        registry.add("metric", name, component)
