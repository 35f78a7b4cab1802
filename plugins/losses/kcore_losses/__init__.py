"""kcore-losses: Keras 3's losses for kcore, as per-sample functions and as reducing classes.

Users reach them through kcore by name (`loss="mse"`, `kcore.losses.Huber(delta=2.0)`); importing this
package directly is only needed to subclass or test them.
"""

from kcore_losses.classes import (
    CTC,
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    CategoricalGeneralizedCrossEntropy,
    CategoricalHinge,
    Circle,
    CosineSimilarity,
    Dice,
    Hinge,
    Huber,
    KLDivergence,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
    Tversky,
)
from kcore_losses.ctc import ctc
from kcore_losses.focal import binary_focal_crossentropy, categorical_focal_crossentropy
from kcore_losses.hinge import categorical_hinge, hinge, squared_hinge
from kcore_losses.overlap import dice, tversky
from kcore_losses.probabilistic import (
    binary_crossentropy,
    categorical_crossentropy,
    categorical_generalized_cross_entropy,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
)
from kcore_losses.regression import (
    cosine_similarity,
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from kcore_losses.similarity import circle
