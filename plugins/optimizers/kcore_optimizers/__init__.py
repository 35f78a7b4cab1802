"""kcore-optimizers: Keras 3's optimizers and learning-rate schedules for kcore.

Users reach them through kcore by name (`optimizer="adam"`, `kcore.optimizers.Adam(learning_rate=1e-3)`,
`kcore.optimizers.schedules.CosineDecay(...)`); importing this package directly is only needed to subclass
or test them.
"""

from kcore_optimizers.adadelta import Adadelta
from kcore_optimizers.adafactor import Adafactor
from kcore_optimizers.adagrad import Adagrad
from kcore_optimizers.adam import Adam
from kcore_optimizers.adamax import Adamax
from kcore_optimizers.adamw import AdamW
from kcore_optimizers.ftrl import Ftrl
from kcore_optimizers.lamb import Lamb
from kcore_optimizers.lion import Lion
from kcore_optimizers.nadam import Nadam
from kcore_optimizers.rmsprop import RMSprop
from kcore_optimizers.schedules import (
    CosineDecay,
    CosineDecayRestarts,
    ExponentialDecay,
    InverseTimeDecay,
    PiecewiseConstantDecay,
    PolynomialDecay,
)
from kcore_optimizers.sgd import SGD
