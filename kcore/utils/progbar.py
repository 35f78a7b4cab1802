"""The Keras-style progress bar: `12/63 ━━━━━━━━━━━━━━━━━━━━ ETA: 1s 21ms/step - loss: 0.4312`."""

import sys
import time


def _format_value(value):
    # a per-class metric (an array) shows its mean, as in Keras
    value = float(value.mean() if getattr(value, "ndim", 0) else value)
    return f"{value:.4f}" if abs(value) >= 1e-3 or value == 0 else f"{value:.4e}"


def _format_time(seconds):
    if seconds >= 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds >= 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{round(seconds)}s"


class Progbar:
    """Progress of `target` steps (None when unknown). verbose=1: a live bar (or one line per epoch when the
    output is not a terminal); verbose=2: one line at the end; verbose=0: nothing.

    Example:
        >>> bar = Progbar(10)
        >>> for step in range(1, 11):
        ...     bar.update(step, [("loss", 0.5)])
    """

    def __init__(self, target, width=20, verbose=1, unit_name="step", stream=None):
        self.target, self.width, self.verbose, self.unit_name = target, width, verbose, unit_name
        self.stream = stream or sys.stdout
        self.live = verbose == 1 and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.perf_counter()
        self._last_width = 0
        self._last_draw = 0.0

    def _line(self, current, values, finished):
        elapsed = time.perf_counter() - self.start
        per_unit = elapsed / max(current, 1)
        if self.target is not None:
            digits = len(str(self.target))
            filled = int(self.width * min(current, self.target) / max(self.target, 1))
            bar = "━" * filled + "─" * (self.width - filled) if self.verbose == 1 else ""
            head = f"{current:>{digits}}/{self.target} {bar}".rstrip()
        else:
            head = f"{current}"
        if finished or not self.target:
            timing = _format_time(elapsed)
        else:
            timing = f"ETA: {_format_time(per_unit * (self.target - current))}"
        rate = f"{per_unit * 1e3:.0f}ms" if per_unit >= 1e-3 else f"{per_unit * 1e6:.0f}us"
        rate += f"/{self.unit_name}"
        metrics = "".join(f" - {name}: {_format_value(value)}" for name, value in values)
        return f"{head} {timing} {rate}{metrics}" if self.verbose == 1 else f"{head} - {timing} - {rate}{metrics}"

    def update(self, current, values=(), finalize=None):
        """Show step `current` with `values`, a list of (name, number) pairs."""
        finished = finalize if finalize is not None else (self.target is not None and current >= self.target)
        if self.verbose == 0 or (not finished and not self.live):
            return
        now = time.perf_counter()
        if not finished and now - self._last_draw < 0.05:
            return  # redrawing faster than the eye follows costs more than the step
        self._last_draw = now
        line = self._line(current, values, finished)
        if self.live:
            self.stream.write("\r" + line + " " * max(0, self._last_width - len(line)))
            self._last_width = len(line)
            if finished:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
