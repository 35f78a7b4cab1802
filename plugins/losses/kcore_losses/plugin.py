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
             "squared_hinge", "categorical_hinge", "binary_focal_crossentropy", "categorical_focal_crossentropy",
             "dice", "tversky", "categorical_generalized_cross_entropy", "circle", "ctc"]

CLASSES = ["MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError",
           "Huber", "LogCosh", "CosineSimilarity", "BinaryCrossentropy", "CategoricalCrossentropy",
           "SparseCategoricalCrossentropy", "KLDivergence", "Poisson", "Hinge", "SquaredHinge", "CategoricalHinge",
           "BinaryFocalCrossentropy", "CategoricalFocalCrossentropy", "Dice", "Tversky",
           "CategoricalGeneralizedCrossEntropy", "Circle", "CTC"]


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


@hookimpl
def kcore_loss_cases():
    from kcore.testing import LossCase

    function_cases = [
        LossCase("mean_squared_error"), LossCase("mean_absolute_error", "real", "real"),
        LossCase("mean_absolute_percentage_error", "positive", "positive"),
        LossCase("mean_squared_logarithmic_error", "positive", "positive"),
        LossCase("huber"), LossCase("log_cosh"), LossCase("cosine_similarity"),
        LossCase("binary_crossentropy", "binary", "probabilities"),
        LossCase("categorical_crossentropy", "one_hot", "distribution"),
        LossCase("sparse_categorical_crossentropy", "labels", "distribution"),
        LossCase("kl_divergence", "distribution", "distribution"), LossCase("poisson", "positive", "positive"),
        LossCase("hinge", "signs", "real"), LossCase("squared_hinge", "signs", "real"),
        LossCase("categorical_hinge", "one_hot", "real"),
        LossCase("binary_focal_crossentropy", "binary", "probabilities"),
        LossCase("categorical_focal_crossentropy", "one_hot", "distribution"),
        LossCase("dice", "binary", "probabilities"), LossCase("tversky", "binary", "probabilities"),
        LossCase("categorical_generalized_cross_entropy", "labels", "distribution"),
        LossCase("circle", "labels", "real", shape=(6, 3)),
        # the kit draws "labels" of y_pred's shape without its last axis: with one time step, that is one label
        # (or the empty sequence, 0) per sample, which CTC accepts; longer sequences, repeats and padding are
        # checked in tests/test_ctc_loss.py
        LossCase("ctc", "labels", "logits", shape=(6, 1, 4)),
    ]
    class_cases = [
        LossCase("MeanSquaredError"), LossCase("MeanAbsoluteError"),
        LossCase("MeanAbsolutePercentageError", "positive", "positive"),
        LossCase("MeanSquaredLogarithmicError", "positive", "positive"),
        LossCase("Huber", kwargs={"delta": 0.5}), LossCase("LogCosh"), LossCase("CosineSimilarity"),
        LossCase("BinaryCrossentropy", "binary", "probabilities"),
        LossCase("BinaryCrossentropy", "binary", "logits", kwargs={"from_logits": True, "label_smoothing": 0.1}),
        LossCase("CategoricalCrossentropy", "one_hot", "distribution"),
        LossCase("CategoricalCrossentropy", "one_hot", "logits", kwargs={"from_logits": True}),
        LossCase("SparseCategoricalCrossentropy", "labels", "distribution"),
        LossCase("SparseCategoricalCrossentropy", "labels", "logits", kwargs={"from_logits": True}),
        LossCase("KLDivergence", "distribution", "distribution"), LossCase("Poisson", "positive", "positive"),
        LossCase("Hinge", "signs", "real"), LossCase("SquaredHinge", "signs", "real"),
        LossCase("CategoricalHinge", "one_hot", "real"),
        LossCase("BinaryFocalCrossentropy", "binary", "probabilities"),
        LossCase("BinaryFocalCrossentropy", "binary", "logits",
                 kwargs={"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5, "from_logits": True,
                         "label_smoothing": 0.1}),
        LossCase("CategoricalFocalCrossentropy", "one_hot", "distribution", kwargs={"alpha": [0.2, 0.3, 0.5]}),
        LossCase("CategoricalFocalCrossentropy", "one_hot", "logits",
                 kwargs={"gamma": 1.5, "from_logits": True, "label_smoothing": 0.1}),
        LossCase("Dice", "binary", "probabilities", kwargs={"axis": 1}),
        LossCase("Tversky", "binary", "probabilities", kwargs={"alpha": 0.7, "beta": 0.3, "axis": (1,)}),
        LossCase("CategoricalGeneralizedCrossEntropy", "labels", "distribution", kwargs={"q": 0.7}),
        LossCase("Circle", "labels", "real", kwargs={"gamma": 4.0, "margin": 0.25}, shape=(6, 3)),
        LossCase("CTC", "labels", "logits", kwargs={"reduction": "sum"}, shape=(6, 1, 4)),
    ]
    return function_cases + class_cases
