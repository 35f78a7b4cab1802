"""`TerminateOnNaN`: stop training at the first batch whose loss is NaN or infinite."""

import math

from kcore.callbacks import Callback


class TerminateOnNaN(Callback):
    """Stop training when a batch's loss is NaN or infinite: gracefully (`model.stop_training = True`, so every
    callback's `on_train_end` still runs), or with `raise_error=True` at once with a `RuntimeError`.

    Example:
        >>> model.fit(x, y, callbacks=[TerminateOnNaN()])  # doctest: +SKIP
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(float(loss)):
            return
        if self.raise_error:
            raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: {float(loss)}. "
                               f"Terminating training immediately.")
        print(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
