"""Saving and loading models: Keras 3's `.keras` archive and `.weights.h5` files, configs, custom objects.

Example:
    >>> model.save("model.keras")
    >>> model = kcore.saving.load_model("model.keras")
    >>> model.save_weights("model.weights.h5")
"""

from kcore.saving.errors import CorruptFileError, MissingFileError, TargetExistsError, UnsafeFileError
from kcore.saving.object_registration import (
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
    register_serializable,
)
from kcore.saving.saving_lib import load_model, load_weights, save_model, save_weights
from kcore.saving.serialization import deserialize_keras_object, serialize_keras_object

__all__ = ["CorruptFileError", "MissingFileError", "TargetExistsError", "UnsafeFileError", "deserialize_keras_object",
           "get_custom_objects", "get_registered_name", "get_registered_object", "load_model", "load_weights",
           "register_keras_serializable", "register_serializable", "save_model", "save_weights",
           "serialize_keras_object"]
