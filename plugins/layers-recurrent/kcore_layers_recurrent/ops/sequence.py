"""What the whole-sequence recurrent ops share: the time-major layout, the input projection, masks, the packed
output, the activations they fuse, and one backward pass through time shared by the VJPs of every input.

A recurrent op takes a batch-major sequence `(batch, timesteps, features)` and works time-major inside, so that
step `t` reads one contiguous `(batch, ...)` block. Its value is the output sequence followed by the final
states along the time axis, `(batch, timesteps + n_states, units)`, because an op returns one array; the
layers slice it (basic slices: views, whose VJPs are cheap).
"""

import functools

from kcore.errors import ConfigError, ShapeError

# -- the activations a fused step applies in place, each with its derivative from its output ----------------


def _tanh(xp, x):
    return xp.tanh(x, out=x)


def _sigmoid(xp, x):
    """0.5 * tanh(x / 2) + 0.5: one transcendental, and no exp that could overflow."""
    x *= 0.5
    xp.tanh(x, out=x)
    x *= 0.5
    x += 0.5
    return x


def _relu(xp, x):
    return xp.maximum(x, 0, out=x)


def _hard_sigmoid(xp, x):
    """relu6(x + 3) / 6, as Keras 3 defines it."""
    x += 3
    x /= 6
    return xp.clip(x, 0, 1, out=x)


def _linear(xp, x):
    return x


def _d_tanh(xp, y, out):
    xp.multiply(y, y, out=out)
    return xp.subtract(1, out, out=out)


def _d_sigmoid(xp, y, out):
    xp.subtract(1, y, out=out)
    return xp.multiply(out, y, out=out)


def _d_relu(xp, y, out):
    out[...] = y > 0
    return out


def _d_hard_sigmoid(xp, y, out):
    out[...] = (y > 0) & (y < 1)
    out /= 6
    return out


def _d_linear(xp, y, out):
    out[...] = 1
    return out


#: name -> `(xp, y, out) -> out`: the activation's derivative at x written into `out`, from y = activation(x)
DERIVATIVES = {"tanh": _d_tanh, "sigmoid": _d_sigmoid, "relu": _d_relu, "hard_sigmoid": _d_hard_sigmoid,
               "linear": _d_linear}


def _chain(derivative):
    return lambda xp, g, y: g * derivative(xp, y, xp.empty_like(y))


#: name -> (activation applied in place, `(xp, g, y) -> g * activation'(x)` where y = activation(x))
ACTIVATIONS = {name: (function, _chain(DERIVATIVES[name])) for name, function in
               {"tanh": _tanh, "sigmoid": _sigmoid, "relu": _relu, "hard_sigmoid": _hard_sigmoid,
                "linear": _linear}.items()}


def activation(name, op_name):
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ConfigError(f"ops.{op_name}: the activation {name!r} has no fused form; use one of "
                         f"{sorted(ACTIVATIONS)}, or run the cell step by step (kcore.layers.RNN does that for "
                         f"any other activation).") from None


# -- layout ---------------------------------------------------------------------------------------------------


def check_shapes(op_name, inputs, kernel, recurrent_kernel, gates):
    if inputs.ndim != 3:
        raise ShapeError(f"ops.{op_name} expects inputs of rank 3 (batch, timesteps, features); received shape "
                         f"{tuple(inputs.shape)}.")
    units = recurrent_kernel.shape[0]
    expected = ((inputs.shape[2], gates * units), (units, gates * units))
    if tuple(kernel.shape) != expected[0] or tuple(recurrent_kernel.shape) != expected[1]:
        raise ShapeError(f"ops.{op_name}: for inputs with {inputs.shape[2]} features and {units} units, kernel and "
                         f"recurrent_kernel must have shapes {expected[0]} and {expected[1]}; received "
                         f"{tuple(kernel.shape)} and {tuple(recurrent_kernel.shape)}.")
    return units


def time_steps(xp, inputs, go_backwards, ones=False):
    """The inputs time-major in processing order, `(timesteps, batch, features)`, as a contiguous copy; with
    `ones`, one more feature of ones, so that a bias riding along as the kernel's last row (`with_bias`) is added
    by the matrix product, and its gradient comes out of the kernel's own."""
    time_major = xp.swapaxes(inputs, 0, 1)
    time_major = time_major[::-1] if go_backwards else time_major
    if not ones:
        return xp.ascontiguousarray(time_major)
    time, batch, features = time_major.shape
    steps = xp.empty((time, batch, features + 1), dtype=inputs.dtype)
    steps[:, :, :features] = time_major
    steps[:, :, features] = 1
    return steps


def with_bias(xp, kernel, bias):
    """The kernel, with the bias (if any) as one more row: the weights that `time_steps(..., ones=True)` take."""
    return kernel if bias is None else xp.concatenate([kernel, xp.reshape(bias, (1, -1))], axis=0)


def project(xp, inputs, kernel, bias, go_backwards):
    """The steps (`time_steps`, with ones where there is a bias), and their projection through `kernel` plus
    `bias` for every timestep in one matrix product, `(timesteps, batch, columns)`."""
    steps = time_steps(xp, inputs, go_backwards, ones=bias is not None)
    time, batch = steps.shape[:2]
    projected = xp.matmul(steps.reshape(time * batch, -1), with_bias(xp, kernel, bias))
    return steps, projected.reshape(time, batch, -1)


def time_mask(xp, op_name, mask, inputs, go_backwards):
    """The mask `(batch, timesteps)` as `(timesteps, batch, 1)` booleans in processing order, or None."""
    if mask is None:
        return None
    mask = xp.asarray(mask)
    if tuple(mask.shape) != tuple(inputs.shape[:2]):
        raise ShapeError(f"ops.{op_name}: the mask must have shape (batch, timesteps) = {tuple(inputs.shape[:2])}; "
                         f"received shape {tuple(mask.shape)}.")
    mask = xp.swapaxes(mask.astype(bool, copy=False), 0, 1)
    return xp.ascontiguousarray(mask[::-1] if go_backwards else mask)[:, :, None]


def initial(xp, state, batch, units, dtype):
    return xp.zeros((batch, units), dtype) if state is None else state


def pack(xp, outputs, finals):
    """Time-major outputs `(timesteps, batch, units)` and final states `(batch, units)` as one batch-major array
    `(batch, timesteps + len(finals), units)`."""
    time, batch, units = outputs.shape
    packed = xp.empty((batch, time + len(finals), units), dtype=outputs.dtype)
    packed[:, :time] = xp.swapaxes(outputs, 0, 1)
    for i, state in enumerate(finals):
        packed[:, time + i] = state
    return packed


def unpack(xp, g, time, count):
    """The cotangent of a packed value: the outputs' part time-major and contiguous, and each final state's."""
    outputs = xp.ascontiguousarray(xp.swapaxes(g[:, :time], 0, 1))
    return outputs, [g[:, time + i].copy() for i in range(count)]


def split_by_mask(xp, grad, keep):
    """The gradient of `where(keep, new, old)`: its part for `new` and its part for `old`."""
    if keep is None:
        return grad, None
    return xp.where(keep, grad, 0), xp.where(keep, 0, grad)


def input_gradients(xp, d_projected, steps, kernel, go_backwards):
    """Thunks for the gradients of the inputs, kernel and bias of `project`, given the gradient of its output and
    the steps `project` returned."""
    time, batch, gates = d_projected.shape
    flat = d_projected.reshape(time * batch, gates)
    features = kernel.shape[0]
    # the kernel's gradient, with the bias's as its last row: one matrix product for both, made once
    weights = functools.cache(lambda: xp.matmul(steps.reshape(time * batch, -1).T, flat))

    def d_inputs():
        return batch_major(xp, xp.matmul(flat, kernel.T).reshape(time, batch, -1), go_backwards)

    return {"inputs": d_inputs, "kernel": lambda: weights()[:features], "bias": lambda: weights()[features]}


def batch_major(xp, d_steps, go_backwards):
    """The gradient of the steps `(timesteps, batch, features)` as the inputs' `(batch, timesteps, features)`."""
    return xp.swapaxes(d_steps[::-1] if go_backwards else d_steps, 0, 1)


def transposed_product(xp, left, right):
    """sum over t of left[t].T @ right[t] for `(timesteps, batch, m)` and `(timesteps, batch, n)`: one GEMM."""
    time, batch, _ = left.shape
    return xp.matmul(left.reshape(time * batch, -1).T, right.reshape(time * batch, -1))


class SharedBackward:
    """One backward pass through time per cotangent, shared by the VJPs of all the op's inputs.

    `backward(g)` runs the loop over time and returns a thunk per input name; each input's VJP evaluates only
    its own thunk (a matrix product for a weight, a copy for a state), so nothing is computed for an input that
    needs no gradient. The autodiff engine hands every VJP of one node the same cotangent object.
    """

    def __init__(self, backward):
        self.backward = backward
        self.cotangent = None
        self.thunks = None

    def vjp(self, name):
        def vjp(g):
            if g is not self.cotangent:
                self.cotangent, self.thunks = g, self.backward(g)
            return self.thunks[name]()

        return vjp

    def vjps(self, names, present):
        """The op's VJP tuple: one per input name, None where that input was not given."""
        return tuple(self.vjp(name) if given else None for name, given in zip(names, present, strict=True))
