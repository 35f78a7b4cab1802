"""`ops.lstm`: a whole LSTM sequence in one op, with backpropagation through time written by hand.

    i, f, g, o = split(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias, 4)     (Keras 3's gate order)
    c_t = sigmoid(f) * c_{t-1} + sigmoid(i) * tanh(g)
    h_t = sigmoid(o) * tanh(c_t)

(`sigmoid` is the recurrent activation and `tanh` the activation.) The inputs of every timestep are projected in
one matrix product; each step then costs one `(batch, units) @ (units, 4 * units)` product and a few fused
elementwise operations. The backward pass walks the saved gates once, backwards in time, and forms the weight
gradients at the end, each as one matrix product over all timesteps.
"""

from kcore.ops import op
from kcore_layers_recurrent.ops import sequence as seq

_NAMES = ("inputs", "kernel", "recurrent_kernel", "bias", "initial_h", "initial_c")


@op(inputs=6)
def lstm(xp, inputs, kernel, recurrent_kernel, bias=None, initial_h=None, initial_c=None, mask=None,
         go_backwards=False, activation="tanh", recurrent_activation="sigmoid", zero_output_for_mask=False):
    """Run an LSTM over `inputs` (batch, timesteps, features).

    Args:
        kernel, recurrent_kernel, bias: `(features, 4u)`, `(u, 4u)` and `(4u,)` (or None), gates i, f, c, o.
        initial_h, initial_c: the initial states `(batch, u)`; None for zeros.
        mask: booleans `(batch, timesteps)`; a masked step keeps the previous states, and outputs the previous
            output (or zeros, with `zero_output_for_mask`).
        go_backwards: process the timesteps last to first; the outputs come in processing order.
        activation, recurrent_activation: names among `sequence.ACTIVATIONS`.

    Returns:
        `(batch, timesteps + 2, u)`: the outputs of every timestep, then the final h, then the final c.

    Example:
        >>> x, k, r = np.ones((2, 5, 3), "float32"), np.ones((3, 8), "float32"), np.eye(2, 8, dtype="float32")
        >>> ops.lstm(x, k, r).shape
        (2, 7, 2)
    """
    act, d_act = seq.activation(activation, "lstm")
    ract, d_ract = seq.activation(recurrent_activation, "lstm")
    u = seq.check_shapes("lstm", inputs, kernel, recurrent_kernel, 4)
    # The default activations take one tanh over all four gates: sigmoid(a) = 0.5 * tanh(a / 2) + 0.5, with the
    # halving folded into copies of the weights (exact: a power of two). The gates saved are the same.
    fold = activation == "tanh" and recurrent_activation == "sigmoid"
    k_forward, r_forward, b_forward = kernel, recurrent_kernel, bias
    if fold:
        half = xp.full((4 * u,), 0.5, dtype=kernel.dtype)
        half[2 * u: 3 * u] = 1
        k_forward, r_forward = kernel * half, recurrent_kernel * half
        b_forward = None if bias is None else bias * half
    steps, gates = seq.project(xp, inputs, k_forward, b_forward, go_backwards)  # pre-activations, then gates
    keep = seq.time_mask(xp, "lstm", mask, inputs, go_backwards)
    time, batch = steps.shape[:2]
    dtype = gates.dtype
    hs = xp.empty((time + 1, batch, u), dtype)  # hs[t + 1] is the state after step t; hs[0] the initial one
    cs = xp.empty((time + 1, batch, u), dtype)
    hs[0] = seq.initial(xp, initial_h, batch, u, dtype)
    cs[0] = seq.initial(xp, initial_c, batch, u, dtype)
    tanh_c = xp.empty((time, batch, u), dtype)  # activation(c_t), kept for the backward pass
    for t in range(time):
        z = gates[t]
        z += xp.matmul(hs[t], r_forward)
        if fold:
            xp.tanh(z, out=z)
            for sigmoid in (z[:, : 2 * u], z[:, 3 * u:]):
                sigmoid *= 0.5
                sigmoid += 0.5
        else:
            ract(xp, z[:, : 2 * u])
            act(xp, z[:, 2 * u: 3 * u])
            ract(xp, z[:, 3 * u:])
        i, f, g, o = z[:, :u], z[:, u: 2 * u], z[:, 2 * u: 3 * u], z[:, 3 * u:]
        c = f * cs[t]
        c += i * g
        tanh_c[t] = c
        h = o * act(xp, tanh_c[t])
        if keep is None:
            cs[t + 1], hs[t + 1] = c, h
        else:
            cs[t + 1], hs[t + 1] = xp.where(keep[t], c, cs[t]), xp.where(keep[t], h, hs[t])
    outputs = hs[1:] if keep is None or not zero_output_for_mask else xp.where(keep, hs[1:], 0)

    def backward(cotangent):
        d_outputs, (dh, dc) = seq.unpack(xp, cotangent, time, 2)
        if keep is not None and zero_output_for_mask:
            d_outputs = xp.where(keep, d_outputs, 0)
        d_gates = xp.empty_like(gates)
        recurrent_t = recurrent_kernel.T
        for t in reversed(range(time)):
            dh += d_outputs[t]
            dh_step, dh_kept = seq.split_by_mask(xp, dh, None if keep is None else keep[t])
            dc_step, dc_kept = seq.split_by_mask(xp, dc, None if keep is None else keep[t])
            z, dz = gates[t], d_gates[t]
            i, f, g, o = z[:, :u], z[:, u: 2 * u], z[:, 2 * u: 3 * u], z[:, 3 * u:]
            dz[:, 3 * u:] = d_ract(xp, dh_step * tanh_c[t], o)
            dc_step = dc_step + d_act(xp, dh_step * o, tanh_c[t])
            dz[:, :u] = d_ract(xp, dc_step * g, i)
            dz[:, u: 2 * u] = d_ract(xp, dc_step * cs[t], f)
            dz[:, 2 * u: 3 * u] = d_act(xp, dc_step * i, g)
            dc = dc_step * f
            dh = xp.matmul(dz, recurrent_t)
            if keep is not None:
                dc += dc_kept
                dh += dh_kept
        thunks = seq.input_gradients(xp, d_gates, steps, kernel, go_backwards)
        thunks["recurrent_kernel"] = lambda: seq.transposed_product(xp, hs[:-1], d_gates)
        thunks["initial_h"], thunks["initial_c"] = (lambda: dh), (lambda: dc)
        return thunks

    shared = seq.SharedBackward(backward)
    packed = seq.pack(xp, outputs, (hs[time], cs[time]))
    present = (True, True, True, bias is not None, initial_h is not None, initial_c is not None)
    return packed, shared.vjps(_NAMES, present)
