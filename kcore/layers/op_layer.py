"""`OpLayer`: an op applied to symbolic tensors (`x + residual`, `ops.concatenate([a, b])`) in a functional
model, recorded as a layer so the model can replay and save it."""

from kcore.layers.layer import Layer


class OpLayer(Layer):
    """Calls the op `op` with the graph's tensors at `positions` and the `constants` elsewhere."""

    def __init__(self, op, constants=None, params=None, positions=None, **kwargs):
        from kcore.utils import naming

        kwargs["name"] = kwargs.get("name") or naming.unique_name(op)
        super().__init__(**kwargs)
        self.op = op
        self.constants = {int(k): v for k, v in (constants or {}).items()}
        self.params = dict(params or {})
        self.positions = list(positions or [0])
        self.built = True

    def call(self, *tensors):
        from kcore.plugins import manager

        args = [None] * (len(self.positions) + len(self.constants))
        for i, tensor in zip(self.positions, tensors, strict=True):
            args[i] = tensor
        for i, value in self.constants.items():
            args[i] = value
        return manager().get("op", self.op)(*args, **self.params)

    def _autocast(self, x):
        return x  # an op keeps the dtypes it is given, as it would outside a model

    def get_config(self):
        return {**super().get_config(), "op": self.op, "constants": {str(k): v for k, v in self.constants.items()},
                "params": self.params, "positions": self.positions}
