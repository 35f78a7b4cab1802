"""kcore's entry point into this distribution: registers every loss under each name Keras 3 accepts for it."""

from kcore.plugins import hookimpl

KCORE_PLUGIN_API = 1

#: Keras 3's string aliases of the loss functions (keras.losses.get accepts these too).
ALIASES = {
    "mse": "mean_squared_error", "MSE": "mean_squared_error",
    "mae": "mean_absolute_error", "MAE": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error", "MAPE": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error", "MSLE": "mean_squared_logarithmic_error",
    "bce": "binary_crossentropy", "BCE": "binary_crossentropy",
    "kld": "kl_divergence", "KLD": "kl_divergence",
}

FUNCTIONS = ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
             "mean_squared_logarithmic_error", "huber", "log_cosh", "cosine_similarity", "binary_crossentropy",
             "categorical_crossentropy", "sparse_categorical_crossentropy", "kl_divergence", "poisson", "hinge",
             "squared_hinge", "categorical_hinge"]

CLASSES = ["MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError",
           "Huber", "LogCosh", "CosineSimilarity", "BinaryCrossentropy", "CategoricalCrossentropy",
           "SparseCategoricalCrossentropy", "KLDivergence", "Poisson", "Hinge", "SquaredHinge", "CategoricalHinge"]


def names():
    """Every name this plugin registers (kind "loss"), as declared in pyproject.toml."""
    return [*FUNCTIONS, *ALIASES, *CLASSES]


@hookimpl
def kcore_register(registry):
    import kcore_losses

    for name in (*FUNCTIONS, *CLASSES):
        registry.add("loss", name, getattr(kcore_losses, name))
    for alias, name in ALIASES.items():
        registry.add("loss", alias, getattr(kcore_losses, name))
