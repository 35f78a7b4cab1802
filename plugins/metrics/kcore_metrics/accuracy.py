"""Accuracy metrics: the functions give one value per sample (1.0 for a hit, 0.0 for a miss) and each class is
their running weighted mean, as in Keras 3."""

from kcore import backend, config
from kcore.errors import ConfigError
from kcore_metrics.shapes import as_array, same_rank
from kcore_metrics.wrapper import MeanWrapper


def _hits(matches):
    return matches.astype(config.floatx())


def accuracy(y_true, y_pred):
    """How often `y_pred` equals `y_true` exactly, element by element."""
    y_pred = as_array(y_pred)
    y_true, y_pred = same_rank(as_array(y_true).astype(y_pred.dtype, copy=False), y_pred)
    return _hits(y_true == y_pred)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Whether `y_pred > threshold` matches the binary label `y_true`, element by element.

    Example:
        >>> binary_accuracy([[1], [0]], [[0.7], [0.6]]).ravel().tolist()
        [1.0, 0.0]
    """
    y_true, y_pred = same_rank(as_array(y_true), as_array(y_pred))
    return _hits(y_true == (y_pred > threshold).astype(y_true.dtype))


def categorical_accuracy(y_true, y_pred):
    """Whether the arg-max of `y_pred` is the class of the one-hot label `y_true`, per sample.

    Example:
        >>> categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]).tolist()
        [0.0, 1.0]
    """
    xp = backend.get().xp
    y_pred = as_array(y_pred)
    labels = xp.argmax(as_array(y_true), axis=-1)
    if labels.ndim == y_pred.ndim:  # one-hot labels with an extra trailing axis of size 1
        labels = labels[..., 0]
    return _hits(labels == xp.argmax(y_pred, axis=-1))


def sparse_categorical_accuracy(y_true, y_pred):
    """Whether the arg-max of `y_pred` is the integer label `y_true` (shape (n,) or (n, 1)), per sample.

    Example:
        >>> sparse_categorical_accuracy([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]).tolist()
        [0.0, 1.0]
    """
    xp = backend.get().xp
    y_true, y_pred = as_array(y_true), as_array(y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return _hits(y_true == xp.argmax(y_pred, axis=-1).astype(y_true.dtype))


def _in_top_k(targets, predictions, k):
    """Whether each target's score is at least the k-th largest score of its row (ties count as in)."""
    xp = backend.get().xp
    num_classes = predictions.shape[-1]
    if k >= num_classes:
        return xp.ones(targets.shape, bool)
    kth_largest = xp.partition(predictions, num_classes - k, axis=-1)[:, num_classes - k]
    target_scores = xp.take_along_axis(predictions, targets.astype("int64")[:, None], axis=-1)[:, 0]
    return target_scores >= kth_largest


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """Whether the integer label `y_true` is among the `k` highest scores of `y_pred`, per sample. With
    `from_sorted_ids=True`, `y_pred` holds class ids sorted from the highest score down instead of scores.

    Example:
        >>> sparse_top_k_categorical_accuracy([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], k=1).tolist()
        [0.0, 1.0]
    """
    xp = backend.get().xp
    y_true, y_pred = as_array(y_true), as_array(y_pred)
    targets = y_true.reshape(-1)
    if from_sorted_ids:
        top = y_pred.reshape(-1, y_pred.shape[-1])[:, :k]
        matches = xp.any(top == targets[:, None].astype(top.dtype), axis=-1)
    else:
        matches = _in_top_k(targets, y_pred.reshape(-1, y_pred.shape[-1]), k)
    return _hits(matches).reshape(y_true.shape)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """Whether the class of the one-hot label `y_true` is among the `k` highest scores of `y_pred`, per sample.

    Example:
        >>> top_k_categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], k=1).tolist()
        [0.0, 1.0]
    """
    labels = backend.get().xp.argmax(as_array(y_true), axis=-1)
    y_pred = as_array(y_pred)
    return _hits(_in_top_k(labels.reshape(-1), y_pred.reshape(-1, y_pred.shape[-1]), k)).reshape(labels.shape)


def _check_k(owner, k):
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ConfigError(f"{owner}: `k` must be a positive int. Received: k={k!r}")


class Accuracy(MeanWrapper):
    """How often predictions equal labels exactly.

    Example:
        >>> m = Accuracy()
        >>> m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
        >>> float(m.result())
        0.75
    """

    _direction = "up"

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanWrapper):
    """How often `y_pred > threshold` matches the binary labels.

    Example:
        >>> m = BinaryAccuracy()
        >>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
        >>> float(m.result())
        0.75
    """

    _direction = "up"

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        if threshold is not None and not 0 < threshold < 1:
            raise ConfigError(f"BinaryAccuracy: `threshold` must lie strictly between 0 and 1. "
                              f"Received: threshold={threshold!r}")
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold


class CategoricalAccuracy(MeanWrapper):
    """How often the arg-max of the predictions is the class of the one-hot labels.

    Example:
        >>> m = CategoricalAccuracy()
        >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5
    """

    _direction = "up"

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanWrapper):
    """How often the arg-max of the predictions is the integer label.

    Example:
        >>> m = SparseCategoricalAccuracy()
        >>> m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5
    """

    _direction = "up"

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(MeanWrapper):
    """How often the class of the one-hot labels is among the `k` highest predictions.

    Example:
        >>> m = TopKCategoricalAccuracy(k=1)
        >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5
    """

    _direction = "up"

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        _check_k("TopKCategoricalAccuracy", k)
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(MeanWrapper):
    """How often the integer label is among the `k` highest predictions (or, with `from_sorted_ids=True`,
    among the first `k` of the class ids given sorted by score).

    Example:
        >>> m = SparseTopKCategoricalAccuracy(k=1)
        >>> m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5
    """

    _direction = "up"

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None, from_sorted_ids=False):
        _check_k("SparseTopKCategoricalAccuracy", k)
        kwargs = {"from_sorted_ids": True} if from_sorted_ids else {}  # Keras's config has the key only when set
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k, **kwargs)
        self.k, self.from_sorted_ids = k, bool(from_sorted_ids)
