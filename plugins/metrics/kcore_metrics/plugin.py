"""kcore's entry point into this distribution: registers every metric under each name Keras 3 accepts for it.

Functions are registered under their snake_case names (the training loop wraps them in a running mean), classes
under their class names, and classes that have no function twin also under Keras's string aliases ("auc",
"mse", ...), which `kcore.metrics.get` instantiates with their defaults.
"""

from kcore.plugins import hookimpl

KCORE_PLUGIN_API = 1


def components():
    """name -> metric class or function, for every name this plugin provides."""
    from kcore_metrics import accuracy, auc, confusion, reduction, regression

    functions = [accuracy.binary_accuracy, accuracy.categorical_accuracy, accuracy.sparse_categorical_accuracy,
                 accuracy.top_k_categorical_accuracy, accuracy.sparse_top_k_categorical_accuracy,
                 regression.mean_squared_error, regression.mean_absolute_error]
    classes = [accuracy.Accuracy, accuracy.BinaryAccuracy, accuracy.CategoricalAccuracy,
               accuracy.SparseCategoricalAccuracy, accuracy.TopKCategoricalAccuracy,
               accuracy.SparseTopKCategoricalAccuracy, reduction.Sum, regression.MeanSquaredError,
               regression.MeanAbsoluteError, regression.RootMeanSquaredError, auc.AUC, confusion.Precision,
               confusion.Recall]
    names = {fn.__name__: fn for fn in functions}
    names.update({cls.__name__: cls for cls in classes})
    names.update({"accuracy": accuracy.Accuracy, "sum": reduction.Sum, "auc": auc.AUC,
                  "precision": confusion.Precision, "recall": confusion.Recall,
                  "root_mean_squared_error": regression.RootMeanSquaredError,
                  "mse": regression.MeanSquaredError, "MSE": regression.MeanSquaredError,
                  "mae": regression.MeanAbsoluteError, "MAE": regression.MeanAbsoluteError})
    return names


@hookimpl
def kcore_register(registry):
    for name, component in components().items():
        registry.add("metric", name, component)
