"""`PyDataset`: a sequence of batches that `fit` can index (Keras 3's `keras.utils.PyDataset`)."""


class PyDataset:
    """Subclass it and implement `__len__` (batches per epoch) and `__getitem__(index)` returning a batch
    `(x, y)` or `(x, y, sample_weight)`; `on_epoch_end` is called after each epoch.

    Example:
        >>> class Batches(PyDataset):
        ...     def __init__(self, x, y, batch_size, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.x, self.y, self.batch_size = x, y, batch_size
        ...     def __len__(self):
        ...         return -(-len(self.x) // self.batch_size)
        ...     def __getitem__(self, i):
        ...         s = slice(i * self.batch_size, (i + 1) * self.batch_size)
        ...         return self.x[s], self.y[s]
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self.workers, self.use_multiprocessing, self.max_queue_size = workers, use_multiprocessing, max_queue_size

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement __len__ (the number of batches).")

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__(index) returning a batch.")

    def on_epoch_end(self):
        """Called at the end of every epoch, e.g. to reshuffle."""

    @property
    def num_batches(self):
        return len(self)
