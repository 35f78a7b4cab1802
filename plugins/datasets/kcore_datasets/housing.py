"""What the two housing datasets share: a shuffled train/test split of an (x, y) `.npz`, as Keras makes it."""

import numpy as np

from kcore.errors import ConfigError


def split(x, y, test_split, seed, name):
    if not 0 <= test_split < 1:
        raise ConfigError(f"{name}.load_data: `test_split` must be in [0, 1). Received: test_split={test_split}")
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])
