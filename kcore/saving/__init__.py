"""Saving: configs in Keras 3's format (and, later, the .keras archive and weights files)."""

from kcore.saving.serialization import deserialize_keras_object, serialize_keras_object

__all__ = ["deserialize_keras_object", "serialize_keras_object"]
