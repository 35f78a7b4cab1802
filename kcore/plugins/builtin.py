"""The core as a plugin of itself: registers the ops of `kcore.ops` and their test cases."""

from kcore.plugins import hookimpl

KCORE_PLUGIN_API = 1


@hookimpl
def kcore_register(registry):
    from kcore import ops
    from kcore.ops.op import Op

    for name, obj in vars(ops).items():
        if isinstance(obj, Op) and obj.name == name:  # aliases (abs for absolute) are the same op
            registry.add("op", name, obj)


@hookimpl
def kcore_op_cases():
    from kcore.testing.cases import CASES

    return CASES
