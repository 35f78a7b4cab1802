"""Intersection-over-union metrics, as in Keras 3: `IoU`, `MeanIoU`, `BinaryIoU`, `OneHotIoU` and `OneHotMeanIoU`,
all computed from one weighted confusion matrix accumulated over every batch since `reset_state`."""

import numbers

from kcore import backend, config
from kcore.errors import ConfigError, ShapeError
from kcore.metrics import Metric
from kcore_metrics.shapes import as_array, weights_like


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def confusion_matrix(y_true, y_pred, num_classes, weights, dtype):
    """The (num_classes, num_classes) matrix whose cell [i, j] sums the weights of label i predicted as j.

    `y_true`, `y_pred` and `weights` are flat arrays of the same length; pairs with a label or prediction outside
    [0, num_classes) must already carry weight 0. One weighted bincount over `i * num_classes + j` fills it.

    Example:
        >>> confusion_matrix(np.array([0, 1, 1]), np.array([0, 0, 1]), 2, np.ones(3, "float32"), "float32").tolist()
        [[1.0, 0.0], [1.0, 1.0]]
    """
    xp = backend.get().xp
    cells = y_true.astype("int64") * num_classes + y_pred.astype("int64")
    # bincount accumulates in float64; the matrix is cast back to the metric's dtype at once.
    counts = xp.bincount(cells, weights, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes).astype(dtype)


class IoU(Metric):
    """`true_positives / (true_positives + false_positives + false_negatives)` for each class of
    `target_class_ids`, averaged over those of them that occur, from a confusion matrix of labels and predictions.

    Labels and predictions are class ids (`sparse_y_true` / `sparse_y_pred`), or scores whose argmax along `axis`
    gives the id. Every value is one entry of the matrix, weighted by `sample_weight`; a label equal to
    `ignore_class`, and a label or prediction outside [0, num_classes), counts nothing. A class that is neither a
    label nor a prediction is left out of the average; with none, the result is 0.

    Example:
        >>> m = IoU(num_classes=2, target_class_ids=[0])
        >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])  # matrix [[1, 1], [1, 1]]: IoU of class 0 is 1 / 3
        >>> round(float(m.result()), 4)
        0.3333
    """

    _direction = "up"

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(name=name, dtype=dtype)
        owner = type(self).__name__
        if not _is_int(num_classes) or num_classes < 1:
            raise ConfigError(f"{owner}: `num_classes` must be a positive int. Received: num_classes={num_classes!r}")
        ids = [target_class_ids] if _is_int(target_class_ids) else list(target_class_ids or ())
        if not ids or any(not _is_int(i) or not 0 <= i < num_classes for i in ids):
            raise ConfigError(f"{owner}: `target_class_ids` must be a non-empty list of class ids in "
                              f"[0, {num_classes}). Received: target_class_ids={target_class_ids!r}")
        if ignore_class is not None and not _is_int(ignore_class):
            raise ConfigError(f"{owner}: `ignore_class` must be an int or None. "
                              f"Received: ignore_class={ignore_class!r}")
        if not _is_int(axis):
            raise ConfigError(f"{owner}: `axis` must be an int. Received: axis={axis!r}")
        self.num_classes, self.target_class_ids = int(num_classes), [int(i) for i in ids]
        self.ignore_class, self.axis = ignore_class, int(axis)
        self.sparse_y_true, self.sparse_y_pred = bool(sparse_y_true), bool(sparse_y_pred)
        self.total_cm = self.add_variable((num_classes, num_classes), name="total_confusion_matrix")

    def _class_ids(self, values, sparse, role):
        values = as_array(values)
        if sparse:
            return values
        if values.ndim == 0:
            raise ShapeError(f"{type(self).__name__}: with sparse_{role}=False, `{role}` must hold one score per "
                             f"class along axis {self.axis}; received a scalar.")
        return values.argmax(axis=self.axis)

    def update_state(self, y_true, y_pred, sample_weight=None):
        owner = type(self).__name__
        xp = backend.get().xp
        y_true = self._class_ids(y_true, self.sparse_y_true, "y_true")
        y_pred = self._class_ids(y_pred, self.sparse_y_pred, "y_pred")
        if y_true.size != y_pred.size:
            raise ShapeError(f"{owner}: `y_true` and `y_pred` must hold one class id each per value. Received "
                             f"{y_true.size} labels (shape {tuple(y_true.shape)}) and {y_pred.size} predictions "
                             f"(shape {tuple(y_pred.shape)}).")
        weights = xp.ones(y_true.shape, self.dtype) if sample_weight is None else \
            weights_like(sample_weight, y_true.shape, self.dtype, owner)
        # Class ids cast to ints as Keras does (truncation): 1.0 and 1 are the same label.
        y_true, y_pred = y_true.ravel().astype("int64"), y_pred.ravel().astype("int64")
        valid = (y_true >= 0) & (y_true < self.num_classes) & (y_pred >= 0) & (y_pred < self.num_classes)
        if self.ignore_class is not None:
            valid &= y_true != self.ignore_class
        weights = xp.where(valid, weights.ravel(), 0)
        y_true, y_pred = xp.where(valid, y_true, 0), xp.where(valid, y_pred, 0)
        self.total_cm.value += confusion_matrix(y_true, y_pred, self.num_classes, weights, self.total_cm.value.dtype)

    def result(self):
        xp = backend.get().xp
        result_dtype = self.dtype if self.total_cm.value.dtype.kind == "f" else config.floatx()
        cm = self.total_cm.value.astype(result_dtype)
        true_positives = xp.diagonal(cm)
        # predicted + labelled = 2 * true_positives + false_positives + false_negatives
        denominator = cm.sum(axis=0) + cm.sum(axis=1) - true_positives
        ids = xp.asarray(self.target_class_ids)
        true_positives, denominator = true_positives[ids], denominator[ids]
        present = denominator > 1e-9
        iou = xp.where(present, true_positives / (denominator + config.epsilon()), 0)
        return xp.asarray(iou.sum() / (present.sum() + config.epsilon()), result_dtype)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class BinaryIoU(IoU):
    """`IoU` of two classes, with scores turned into class 1 where they are at least `threshold`, else class 0.

    `target_class_ids=(0, 1)` averages both IoUs; `[0]` or `[1]` gives one.

    Example:
        >>> m = BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
        >>> m.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])  # matrix [[1, 1], [1, 1]]
        >>> round(float(m.result()), 4)
        0.3333
    """

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
            raise ConfigError(f"BinaryIoU: `threshold` must be a number. Received: threshold={threshold!r}")
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = float(threshold)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = as_array(y_pred, config.floatx())
        super().update_state(y_true, (y_pred >= self.threshold).astype("int64"), sample_weight)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "target_class_ids": self.target_class_ids,
                "threshold": self.threshold}


class MeanIoU(IoU):
    """`IoU` averaged over every class (`target_class_ids=range(num_classes)`) that occurs.

    Example:
        >>> m = MeanIoU(num_classes=2)
        >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1], sample_weight=[0.3, 0.3, 0.3, 0.1])
        >>> round(float(m.result()), 4)  # (0.3 / 0.9 + 0.1 / 0.7) / 2
        0.2381
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True, sparse_y_pred=True,
                 axis=-1):
        if not _is_int(num_classes) or num_classes < 1:
            raise ConfigError(f"{type(self).__name__}: `num_classes` must be a positive int. "
                              f"Received: num_classes={num_classes!r}")
        super().__init__(num_classes, list(range(num_classes)), name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        config = super().get_config()
        del config["target_class_ids"]
        return config


class OneHotIoU(IoU):
    """`IoU` for one-hot labels: the label is the argmax of `y_true` along `axis`, and so is the prediction
    (unless `sparse_y_pred=True`, where `y_pred` holds class ids).

    Example:
        >>> y_true = np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]])
        >>> y_pred = np.array([[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]])
        >>> m = OneHotIoU(num_classes=3, target_class_ids=[0, 2])
        >>> m.update_state(y_true, y_pred, sample_weight=[0.1, 0.2, 0.3, 0.4])
        >>> round(float(m.result()), 4)  # (0 / 0.9 + 0.1 / 0.7) / 2
        0.0714
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None, sparse_y_pred=False,
                 axis=-1):
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        config = super().get_config()
        del config["sparse_y_true"]
        return config


class OneHotMeanIoU(MeanIoU):
    """`MeanIoU` for one-hot labels: the label is the argmax of `y_true` along `axis`, and so is the prediction
    (unless `sparse_y_pred=True`).

    Example:
        >>> y_true = np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]])
        >>> y_pred = np.array([[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]])
        >>> m = OneHotMeanIoU(num_classes=3)
        >>> m.update_state(y_true, y_pred, sample_weight=[0.1, 0.2, 0.3, 0.4])
        >>> round(float(m.result()), 4)  # (0 + 0 + 0.1 / 0.7) / 3
        0.0476
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        config = super().get_config()
        del config["sparse_y_true"]
        return config
