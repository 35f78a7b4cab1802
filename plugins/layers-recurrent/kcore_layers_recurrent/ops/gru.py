"""`ops.gru`: a whole GRU sequence in one op, with backpropagation through time written by hand.

Keras 3's equations, gates in the order z, r, h. With `reset_after=True` (the default, cuDNN's convention) the
bias is `(2, 3u)`: an input bias and a recurrent bias, and the reset gate multiplies the recurrent projection:

    xz, xr, xh = split(x_t @ kernel + input_bias, 3)
    rz, rr, rh = split(h_{t-1} @ recurrent_kernel + recurrent_bias, 3)
    z = sigmoid(xz + rz);  r = sigmoid(xr + rr);  hh = tanh(xh + r * rh)
    h_t = z * h_{t-1} + (1 - z) * hh

With `reset_after=False` the bias is `(3u,)` and the reset gate multiplies the state before its projection:
`hh = tanh(xh + (r * h_{t-1}) @ recurrent_kernel[:, 2u:])`.
"""

from kcore.errors import ShapeError
from kcore.ops import op
from kcore_layers_recurrent.ops import sequence as seq

_NAMES = ("inputs", "kernel", "recurrent_kernel", "bias", "initial_h")


def _biases(xp, bias, units, reset_after):
    if bias is None:
        return None, None
    expected = (2, 3 * units) if reset_after else (3 * units,)
    if tuple(bias.shape) != expected:
        raise ShapeError(f"ops.gru: with reset_after={reset_after} the bias must have shape {expected}; received "
                         f"shape {tuple(bias.shape)}.")
    return (bias[0], bias[1]) if reset_after else (bias, None)


@op(inputs=5)
def gru(xp, inputs, kernel, recurrent_kernel, bias=None, initial_h=None, mask=None, go_backwards=False,
        reset_after=True, activation="tanh", recurrent_activation="sigmoid", zero_output_for_mask=False):
    """Run a GRU over `inputs` (batch, timesteps, features).

    Args:
        kernel, recurrent_kernel: `(features, 3u)` and `(u, 3u)`, gates z, r, h.
        bias: `(2, 3u)` with `reset_after`, else `(3u,)`; or None.
        initial_h: the initial state `(batch, u)`; None for zeros.
        mask, go_backwards, zero_output_for_mask, activation, recurrent_activation: as for `ops.lstm`.

    Returns:
        `(batch, timesteps + 1, u)`: the outputs of every timestep, then the final state.

    Example:
        >>> x, k, r = np.ones((2, 5, 3), "float32"), np.ones((3, 6), "float32"), np.eye(2, 6, dtype="float32")
        >>> ops.gru(x, k, r).shape
        (2, 6, 2)
    """
    act, d_act = seq.activation(activation, "gru")
    ract, d_ract = seq.activation(recurrent_activation, "gru")
    u = seq.check_shapes("gru", inputs, kernel, recurrent_kernel, 3)
    input_bias, recurrent_bias = _biases(xp, bias, u, reset_after)
    steps, gates = seq.project(xp, inputs, kernel, input_bias, go_backwards)  # becomes z, r, hh in place
    keep = seq.time_mask(xp, "gru", mask, inputs, go_backwards)
    time, batch = steps.shape[:2]
    dtype = gates.dtype
    hs = xp.empty((time + 1, batch, u), dtype)
    hs[0] = seq.initial(xp, initial_h, batch, u, dtype)
    # what the candidate's recurrent projection acts on: rh (reset_after) or r * h_{t-1} (reset before)
    saved = xp.empty((time, batch, u), dtype)
    zr_kernel, h_kernel = recurrent_kernel[:, : 2 * u], recurrent_kernel[:, 2 * u:]
    for t in range(time):
        x, h_prev = gates[t], hs[t]
        if reset_after:
            rec = xp.matmul(h_prev, recurrent_kernel)
            if recurrent_bias is not None:
                rec += recurrent_bias
            x[:, : 2 * u] += rec[:, : 2 * u]
            ract(xp, x[:, : 2 * u])
            saved[t] = rec[:, 2 * u:]
            x[:, 2 * u:] += x[:, u: 2 * u] * saved[t]
        else:
            x[:, : 2 * u] += xp.matmul(h_prev, zr_kernel)
            ract(xp, x[:, : 2 * u])
            xp.multiply(x[:, u: 2 * u], h_prev, out=saved[t])
            x[:, 2 * u:] += xp.matmul(saved[t], h_kernel)
        z, hh = x[:, :u], act(xp, x[:, 2 * u:])
        h = hh + z * (h_prev - hh)
        hs[t + 1] = h if keep is None else xp.where(keep[t], h, h_prev)
    outputs = hs[1:] if keep is None or not zero_output_for_mask else xp.where(keep, hs[1:], 0)

    def backward(cotangent):
        d_outputs, (dh,) = seq.unpack(xp, cotangent, time, 1)
        if keep is not None and zero_output_for_mask:
            d_outputs = xp.where(keep, d_outputs, 0)
        d_gates = xp.empty_like(gates)  # gradients of the pre-activations of z, r, hh
        d_saved = xp.empty_like(saved)  # gradient of what `saved` holds
        for t in reversed(range(time)):
            dh += d_outputs[t]
            dh_step, dh_kept = seq.split_by_mask(xp, dh, None if keep is None else keep[t])
            x, dx, h_prev = gates[t], d_gates[t], hs[t]
            z, r, hh = x[:, :u], x[:, u: 2 * u], x[:, 2 * u:]
            dx[:, :u] = d_ract(xp, dh_step * (h_prev - hh), z)
            dx[:, 2 * u:] = d_act(xp, dh_step * (1 - z), hh)
            dh = dh_step * z
            if reset_after:
                dx[:, u: 2 * u] = d_ract(xp, dx[:, 2 * u:] * saved[t], r)
                xp.multiply(dx[:, 2 * u:], r, out=d_saved[t])
                dh += xp.matmul(dx[:, : 2 * u], zr_kernel.T)
                dh += xp.matmul(d_saved[t], h_kernel.T)
            else:
                xp.matmul(dx[:, 2 * u:], h_kernel.T, out=d_saved[t])
                dx[:, u: 2 * u] = d_ract(xp, d_saved[t] * h_prev, r)
                dh += d_saved[t] * r
                dh += xp.matmul(dx[:, : 2 * u], zr_kernel.T)
            if dh_kept is not None:
                dh += dh_kept
        thunks = seq.input_gradients(xp, d_gates, steps, kernel, go_backwards)
        d_input_bias, states = thunks["bias"], hs[:-1]

        def d_recurrent_kernel():  # the candidate's columns act on h (reset after) or on r * h (reset before)
            d_candidate = seq.transposed_product(xp, states, d_saved) if reset_after else (
                seq.transposed_product(xp, saved, d_gates[:, :, 2 * u:]))
            return xp.concatenate([seq.transposed_product(xp, states, d_gates[:, :, : 2 * u]), d_candidate], axis=1)

        def d_bias():
            if not reset_after:
                return d_input_bias()
            d_inputs_part = d_input_bias()
            return xp.stack([d_inputs_part, xp.concatenate([d_inputs_part[: 2 * u], d_saved.sum(axis=(0, 1))])])

        thunks.update(recurrent_kernel=d_recurrent_kernel, bias=d_bias, initial_h=lambda: dh)
        return thunks

    shared = seq.SharedBackward(backward)
    packed = seq.pack(xp, outputs, (hs[time],))
    present = (True, True, True, bias is not None, initial_h is not None)
    return packed, shared.vjps(_NAMES, present)
