"""`plot_history`: the training curves of a `History` (what `fit` returns) drawn into an image file."""

import os

from kcore.errors import ConfigError, MissingDependencyError
from kcore.fileio import atomic_write


def plot_history(history, to_file="history.png", metrics=None, dpi=100):
    """Draw one panel per metric of `history` (a `History`, or its `.history` dict), each with its training
    curve and, when present, its validation curve (`val_<name>`), into `to_file` (png, svg, pdf, ...).
    Needs matplotlib (pip install matplotlib); it never touches pyplot's global state. Returns the path.

    Example:
        >>> history = model.fit(x, y, validation_split=0.1, epochs=5)
        >>> kcore.utils.plot_history(history, "history.png")
        'history.png'
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs:
        raise ConfigError(f"plot_history: `history` must be what fit() returns (a History) or its non-empty "
                          f"`.history` dict. Received: {type(history).__name__} {logs!r:.80}")
    names = list(metrics) if metrics is not None else [k for k in logs if not k.startswith("val_")] or list(logs)
    unknown = [n for n in names if n not in logs]
    if unknown:
        raise ConfigError(f"plot_history: no metric named {unknown} in the history; it holds {sorted(logs)}.")
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator
    except ImportError as e:
        raise MissingDependencyError(f"plot_history needs matplotlib to draw {to_file}: pip install matplotlib "
                                     f"({e}).") from e

    figure = Figure(figsize=(4.5 * len(names), 3.5), dpi=dpi, layout="constrained")
    FigureCanvasAgg(figure)
    for axes, name in zip(figure.subplots(1, len(names), squeeze=False)[0], names, strict=True):
        for key, label in ((name, "training"), (f"val_{name}", "validation")):
            if key in logs:
                values = [float(v) for v in logs[key]]
                axes.plot(range(1, len(values) + 1), values, marker="o", markersize=3, label=label)
        axes.set(title=name, xlabel="epoch")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(alpha=0.3)
        axes.legend()
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:].lower() or "png"
    with atomic_write(to_file, "wb") as f:
        figure.savefig(f, format=extension)
    return to_file
