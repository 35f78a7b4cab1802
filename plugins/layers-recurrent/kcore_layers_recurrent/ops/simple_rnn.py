"""`ops.simple_rnn`: a whole Elman RNN sequence in one op, with backpropagation through time written by hand.

    h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)
"""

from kcore.ops import op
from kcore_layers_recurrent.ops import sequence as seq

_NAMES = ("inputs", "kernel", "recurrent_kernel", "bias", "initial_h")


@op(inputs=5)
def simple_rnn(xp, inputs, kernel, recurrent_kernel, bias=None, initial_h=None, mask=None, go_backwards=False,
               activation="tanh", zero_output_for_mask=False):
    """Run a fully connected RNN over `inputs` (batch, timesteps, features).

    Args:
        kernel, recurrent_kernel, bias: `(features, u)`, `(u, u)` and `(u,)` (or None).
        initial_h: the initial state `(batch, u)`; None for zeros.
        mask, go_backwards, zero_output_for_mask, activation: as for `ops.lstm`.

    Returns:
        `(batch, timesteps + 1, u)`: the outputs of every timestep, then the final state.

    Example:
        >>> x, k, r = np.ones((2, 5, 3), "float32"), np.ones((3, 2), "float32"), np.eye(2, dtype="float32")
        >>> ops.simple_rnn(x, k, r).shape
        (2, 6, 2)
    """
    act, d_act = seq.activation(activation, "simple_rnn")
    u = seq.check_shapes("simple_rnn", inputs, kernel, recurrent_kernel, 1)
    steps, hidden = seq.project(xp, inputs, kernel, bias, go_backwards)  # pre-activations, then h_t in place
    keep = seq.time_mask(xp, "simple_rnn", mask, inputs, go_backwards)
    time, batch = steps.shape[:2]
    hs = xp.empty((time + 1, batch, u), hidden.dtype)
    hs[0] = seq.initial(xp, initial_h, batch, u, hidden.dtype)
    for t in range(time):
        h = hidden[t]
        h += xp.matmul(hs[t], recurrent_kernel)
        act(xp, h)
        hs[t + 1] = h if keep is None else xp.where(keep[t], h, hs[t])
    outputs = hs[1:] if keep is None or not zero_output_for_mask else xp.where(keep, hs[1:], 0)

    def backward(cotangent):
        d_outputs, (dh,) = seq.unpack(xp, cotangent, time, 1)
        if keep is not None and zero_output_for_mask:
            d_outputs = xp.where(keep, d_outputs, 0)
        d_hidden = xp.empty_like(hidden)
        recurrent_t = recurrent_kernel.T
        for t in reversed(range(time)):
            dh += d_outputs[t]
            dh_step, dh_kept = seq.split_by_mask(xp, dh, None if keep is None else keep[t])
            d_hidden[t] = d_act(xp, dh_step, hidden[t])
            dh = xp.matmul(d_hidden[t], recurrent_t)
            if dh_kept is not None:
                dh += dh_kept
        thunks = seq.input_gradients(xp, d_hidden, steps, kernel, go_backwards)
        thunks["recurrent_kernel"] = lambda: seq.transposed_product(xp, hs[:-1], d_hidden)
        thunks["initial_h"] = lambda: dh
        return thunks

    shared = seq.SharedBackward(backward)
    packed = seq.pack(xp, outputs, (hs[time],))
    return packed, shared.vjps(_NAMES, (True, True, True, bias is not None, initial_h is not None))
