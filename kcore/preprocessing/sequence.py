"""`keras.preprocessing.sequence`: padding lists of sequences to one length (see kcore.utils.sequence_utils)."""

from kcore.utils.sequence_utils import pad_sequences

__all__ = ["pad_sequences"]
