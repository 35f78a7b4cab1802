"""`LossMetric`: the running weighted mean of a per-sample loss that the losses plugin (kcore-losses) provides.

The loss function is looked up by name in kcore's registry at each update (`kcore.losses.get(name)`), so the
formula lives once, in kcore-losses, and this package does not import it: installing kcore-metrics alone works,
and only these metrics need kcore-losses.
"""

from kcore.errors import MissingPluginError, UnknownNameError
from kcore_metrics.shapes import as_array
from kcore_metrics.wrapper import MeanWrapper


def loss_function(owner, loss):
    """The per-sample loss function registered as `loss`, or an error naming `owner` and the fix."""
    import kcore.losses

    try:
        return kcore.losses.get(loss)
    except (MissingPluginError, UnknownNameError) as e:
        raise MissingPluginError(f"{owner} computes the loss {loss!r}, which comes from the kcore-losses plugin, "
                                 f"and it is not installed. Install it: pip install kcore-losses") from e


class LossMetric(MeanWrapper):
    """The weighted mean of the loss `_loss` (a registered loss name) over every sample since `reset_state`,
    times `_sign` (-1 turns a loss to be minimised into a score, as for cosine similarity)."""

    _direction = "down"
    _loss = None
    _sign = 1.0

    def __init__(self, name=None, dtype=None, **kwargs):
        super().__init__(self._values, name=name, dtype=dtype, **kwargs)

    def _values(self, y_true, y_pred, **kwargs):
        values = as_array(loss_function(type(self).__name__, self._loss)(y_true, y_pred, **kwargs))
        return -values if self._sign < 0 else values
