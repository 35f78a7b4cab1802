"""What every optimizer here shares: argument checks and the gradient in the variable's dtype."""

from kcore import backend
from kcore.errors import ConfigError


def xp():
    return backend.get().xp


def backend_kernel(name):
    """The active backend's kernel `<backend>.<name>` where an installed plugin registers one, else None: how an
    optimizer's update takes a backend's fused form (`numpy.adam_update`, `adam_native.py`)."""
    from kcore.plugins import manager

    return manager().registry.find("kernel", f"{backend.get().name}.{name}")


def blocks(*arrays):
    """Matching flat slices of same-shape `arrays`, one cache-sized block at a time (the backend's
    `elementwise_block`), so that an update's several passes read each block from memory once; the arrays whole
    when the backend asks for that, or when one of them is not contiguous (a flat slice would be a copy)."""
    size = getattr(backend.get(), "elementwise_block", None)
    n = arrays[0].size
    if size is None or n <= size or not all(a.flags.c_contiguous for a in arrays):
        yield arrays
        return
    flat = [a.reshape(-1) for a in arrays]
    for start in range(0, n, size):
        yield tuple(a[start:start + size] for a in flat)


def in_dtype_of(gradient, variable):
    """`gradient` in `variable`'s dtype (as Keras casts it), without a copy when it already is."""
    return gradient if gradient.dtype == variable.value.dtype else gradient.astype(variable.value.dtype)


def check_fraction(optimizer, name, value, closed=True):
    """`value` must be a number in [0, 1] (or [0, 1) when not `closed`)."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1
    if not ok or (not closed and value == 1):
        interval = "[0, 1]" if closed else "[0, 1)"
        raise ConfigError(f"{optimizer}: `{name}` must be a float in {interval}. Received: {name}={value!r}")
    return float(value)


def check_positive(optimizer, name, value, allow_zero=False):
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and (value >= 0 if allow_zero else value > 0)
    if not ok:
        bound = ">= 0" if allow_zero else "> 0"
        raise ConfigError(f"{optimizer}: `{name}` must be a number {bound}. Received: {name}={value!r}")
    return float(value)


def moment_slots(optimizer, var_list):
    """Keras's `momentum` and `velocity` slots of Adam-like optimizers, interleaved per variable as Keras files
    them: (momentums, velocities)."""
    momentums, velocities = [], []
    for v in var_list:
        momentums.append(optimizer.add_variable_from_reference(v, "momentum"))
        velocities.append(optimizer.add_variable_from_reference(v, "velocity"))
    return momentums, velocities
