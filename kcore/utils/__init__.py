"""Utilities users expect from `keras.utils`.

Every name but `set_random_seed` lives in its own module, imported on first use, so that `import kcore` stays
free of NumPy.
"""

import importlib as _importlib
import random as _python_random

_LAZY = {
    "PyDataset": "kcore.training.py_dataset",
    "Progbar": "kcore.utils.progbar",
    "get_file": "kcore.utils.file_utils",
    "to_categorical": "kcore.utils.numerical_utils",
    "normalize": "kcore.utils.numerical_utils",
    "pad_sequences": "kcore.utils.sequence_utils",
    "split_dataset": "kcore.utils.dataset_utils",
    "timeseries_dataset_from_array": "kcore.utils.timeseries_utils",
    "plot_model": "kcore.utils.model_visualization",
    "model_to_dot": "kcore.utils.model_visualization",
    "plot_history": "kcore.utils.history_plot",
    "text_dataset_from_directory": "kcore.utils.text_dataset_utils",
    "image_dataset_from_directory": "kcore.utils.image_dataset_utils",
    "load_img": "kcore.utils.image_utils",
    "img_to_array": "kcore.utils.image_utils",
    "array_to_img": "kcore.utils.image_utils",
    "save_img": "kcore.utils.image_utils",
}


def __getattr__(name):
    if name in _LAZY:
        value = getattr(_importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kcore.utils' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


def set_random_seed(seed):
    """Seed Python's `random`, NumPy's global generator and kcore's global seed, so that a whole run
    (initial weights, shuffling, dropout) repeats exactly on the NumPy backend."""
    import numpy

    from kcore import random

    _python_random.seed(seed)
    numpy.random.seed(seed)
    random.set_global_seed(seed)
