"""kcore's entry point into this distribution: registers the optimizers (under their class names and Keras's
lowercase aliases) and the learning-rate schedules."""

from kcore.plugins import hookimpl

KCORE_PLUGIN_API = 1

OPTIMIZERS = ("SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "Adadelta", "Adamax", "Nadam", "Lion", "Lamb",
              "Adafactor", "Ftrl")

SCHEDULES = ("ExponentialDecay", "PiecewiseConstantDecay", "PolynomialDecay", "InverseTimeDecay", "CosineDecay",
             "CosineDecayRestarts")


def names():
    """`{kind: [names]}` this plugin registers, as declared in pyproject.toml."""
    return {"optimizer": [*OPTIMIZERS, *(n.lower() for n in OPTIMIZERS)], "schedule": list(SCHEDULES),
            "kernel": ["numpy.adam_update"]}


@hookimpl
def kcore_register(registry):
    import kcore_optimizers

    for name in OPTIMIZERS:
        registry.add("optimizer", name, getattr(kcore_optimizers, name))
        registry.add("optimizer", name.lower(), getattr(kcore_optimizers, name))  # Keras's get("adam")
    for name in SCHEDULES:
        registry.add("schedule", name, getattr(kcore_optimizers, name))
    from kcore_optimizers import adam_native

    registry.add("kernel", "numpy.adam_update", adam_native.adam_update)  # found by Adam, not bound to an op
