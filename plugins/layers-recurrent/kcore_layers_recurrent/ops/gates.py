"""The gate-major layout of a gated recurrent op: `(gates, timesteps, batch, units)`.

Keras lays the gates side by side in the columns of one `(features, gates * units)` kernel, so that a step's
pre-activations are one `(batch, gates * units)` matrix, and each gate is a strided block of it. NumPy runs an
elementwise operation on such a block about 2.5 times slower than on a contiguous one, and an LSTM step is mostly
such operations. Gate-major, each gate of each step is one contiguous `(batch, units)` block, and a step's gates
are blocks at a fixed stride that one ufunc call still covers; the matrix products become one per gate (a batched
product, as fast). The weights keep Keras's layout: `blocks` and `columns` convert at the op's boundary.
"""

import functools

from kcore_layers_recurrent.ops import sequence as seq


def blocks(xp, weights, count, scale=None):
    """`(rows, count * u)` weights as `count` contiguous `(rows, u)` blocks, `(count, rows, u)`; block k times
    `scale[k]` when a scale (a sequence of `count` numbers) is given."""
    rows, width = weights.shape
    out = xp.reshape(weights, (rows, count, width // count)).transpose(1, 0, 2).copy()
    if scale is not None:
        out *= xp.asarray(scale, dtype=out.dtype).reshape(count, 1, 1)
    return out


def columns(xp, gate_blocks):
    """`(count, rows, u)` blocks back in Keras's layout `(rows, count * u)` (a copy)."""
    count, rows, u = gate_blocks.shape
    return xp.reshape(xp.swapaxes(gate_blocks, 0, 1), (rows, count * u))


def project(xp, inputs, kernel, bias, go_backwards, count, scale=None):
    """The steps (see `sequence.time_steps`) and their projection through `kernel` plus `bias`, gate-major
    `(count, timesteps, batch, u)`, block k times `scale[k]`."""
    steps = seq.time_steps(xp, inputs, go_backwards, ones=bias is not None)
    time, batch = steps.shape[:2]
    weights = blocks(xp, seq.with_bias(xp, kernel, bias), count, scale)
    return steps, xp.matmul(steps.reshape(time * batch, -1), weights).reshape(count, time, batch, -1)


def input_gradients(xp, d_projected, steps, kernel, go_backwards):
    """Thunks for the gradients of the inputs, kernel and bias of `project`, given the gradient of its value,
    gate-major `(count, timesteps, batch, u)`."""
    count, time, batch, u = d_projected.shape
    flat = d_projected.reshape(count, time * batch, u)
    features = kernel.shape[0]
    # the kernel's gradient, with the bias's as its last row: one matrix product for both, made once
    weights = functools.cache(lambda: columns(xp, xp.matmul(steps.reshape(time * batch, -1).T, flat)))

    def d_inputs():
        per_gate = xp.matmul(flat, xp.swapaxes(blocks(xp, kernel, count), 1, 2))  # (count, time * batch, features)
        return seq.batch_major(xp, per_gate.sum(axis=0).reshape(time, batch, -1), go_backwards)

    return {"inputs": d_inputs, "kernel": lambda: weights()[:features], "bias": lambda: weights()[features]}


def transposed_product(xp, left, right):
    """sum over t of left[t].T @ right[:, t] for `(timesteps, batch, m)` and gate-major `(count, timesteps, batch,
    u)`, in Keras's layout `(m, count * u)`."""
    count, time, batch, u = right.shape
    return columns(xp, xp.matmul(left.reshape(time * batch, -1).T, right.reshape(count, time * batch, u)))
