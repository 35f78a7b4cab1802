"""kcore's entry point into acme-kcore: the plugin API it speaks, what it registers, and its test cases."""

from kcore.plugins import hookimpl

#: The kcore plugin API this plugin is written for; a kcore speaking another one refuses it with a clear message.
KCORE_PLUGIN_API = 1


def components():
    """kind -> {registered name: component}: every name here is declared in pyproject.toml too."""
    from acme_kcore import Charbonnier, ScaledDense, SignSGD, charbonnier

    return {"layer": {"ScaledDense": ScaledDense},
            "loss": {"charbonnier": charbonnier, "Charbonnier": Charbonnier},
            "optimizer": {"SignSGD": SignSGD, "sign_sgd": SignSGD}}


@hookimpl
def kcore_register(registry):
    for kind, named in components().items():
        for name, component in named.items():
            registry.add(kind, name, component)


@hookimpl
def kcore_layer_cases():
    from kcore.testing import LayerCase

    return [LayerCase("ScaledDense", {"units": 3}, input_shape=(2, 4)),
            LayerCase("ScaledDense", {"units": 2, "use_bias": False, "gain": 2.0}, input_shape=(3, 2, 5)),
            LayerCase("ScaledDense", {"units": 4, "activation": "tanh"}, input_shape=(2, 3))]


@hookimpl
def kcore_loss_cases():
    from kcore.testing import LossCase

    return [LossCase("charbonnier"), LossCase("Charbonnier", kwargs={"epsilon": 0.1})]
