"""`ops.lstm`: a whole LSTM sequence in one op, with backpropagation through time written by hand.

    i, f, g, o = split(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias, 4)     (Keras 3's gate order)
    c_t = sigmoid(f) * c_{t-1} + sigmoid(i) * tanh(g)
    h_t = sigmoid(o) * tanh(c_t)

(`sigmoid` is the recurrent activation and `tanh` the activation.) The inputs of every timestep are projected in
one matrix product per gate; each step then costs one `(batch, units) @ (units, units)` product per gate and a few
elementwise operations on contiguous blocks (the gate-major layout of `gates.py`), written into buffers allocated
once. The backward pass walks the saved gates once, backwards in time, and forms the weight gradients at the end,
each as one matrix product per gate over all timesteps.
"""

import contextlib

from kcore.ops import op
from kcore_layers_recurrent.ops import gates as gate_major
from kcore_layers_recurrent.ops import sequence as seq

_NAMES = ("inputs", "kernel", "recurrent_kernel", "bias", "initial_h", "initial_c")


#: With the default activations, every gate comes out of one exp: sigmoid(a) = 1 / (1 + exp(-a)) for i, f, o and
#: tanh(a) = 2 * sigmoid(2a) - 1 for the candidate. These factors, folded into copies of the weights, make the
#: pre-activations the arguments of that exp (exactly: they are powers of two).
_EXP_SCALE = (-1, -1, -2, -1)


def _quiet_overflow(xp):
    """exp may overflow to inf for large arguments; 1 / (1 + inf) = 0 is then the right limit, not an error."""
    errstate = getattr(xp, "errstate", None)
    return errstate(over="ignore") if errstate is not None else contextlib.nullcontext()


def _tanh_into(xp, x, out):
    """tanh(x) = 2 / (1 + exp(-2x)) - 1 into `out`: NumPy's float32 exp is several times faster than its tanh."""
    xp.multiply(x, -2, out=out)
    xp.exp(out, out=out)
    out += 1
    xp.divide(2, out, out=out)
    out -= 1
    return out


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
    return run(xp, inputs, kernel, recurrent_kernel, bias, initial_h, initial_c, mask, go_backwards, activation,
               recurrent_activation, zero_output_for_mask)


def run(xp, inputs, kernel, recurrent_kernel, bias=None, initial_h=None, initial_c=None, mask=None,
        go_backwards=False, activation="tanh", recurrent_activation="sigmoid", zero_output_for_mask=False,
        steps_in_c=None):
    """The `lstm` op's value and VJPs; `steps_in_c` (from the `numpy.lstm` kernel, `lstm_native.py`) runs the
    loops over time in C."""
    act, _ = seq.activation(activation, "lstm")
    ract, _ = seq.activation(recurrent_activation, "lstm")
    u = seq.check_shapes("lstm", inputs, kernel, recurrent_kernel, 4)
    fused = activation == "tanh" and recurrent_activation == "sigmoid"
    scale = _EXP_SCALE if fused else None
    steps, gates = gate_major.project(xp, inputs, kernel, bias, go_backwards, 4, scale)  # then the gates, in place
    r_forward = gate_major.blocks(xp, recurrent_kernel, 4, scale)
    keep = seq.time_mask(xp, "lstm", mask, inputs, go_backwards)
    time, batch = steps.shape[:2]
    dtype = gates.dtype
    hs = xp.empty((time + 1, batch, u), dtype)  # hs[t + 1] is the state after step t; hs[0] the initial one
    cs = xp.empty((time + 1, batch, u), dtype)
    hs[0] = seq.initial(xp, initial_h, batch, u, dtype)
    cs[0] = seq.initial(xp, initial_c, batch, u, dtype)
    tanh_c = xp.empty((time, batch, u), dtype)  # activation(c_t), kept for the backward pass
    if steps_in_c is not None:
        steps_in_c.forward(xp, gates, r_forward, hs, cs, tanh_c)
    else:
        _forward_loop(xp, gates, r_forward, hs, cs, tanh_c, keep, fused, act, ract)
    outputs = hs[1:] if keep is None or not zero_output_for_mask else xp.where(keep, hs[1:], 0)

    def backward(cotangent):
        d_outputs, (dh, dc) = seq.unpack(xp, cotangent, time, 2)
        if keep is not None and zero_output_for_mask:
            d_outputs = xp.where(keep, d_outputs, 0)
        d_gates = xp.empty_like(gates)  # gradients of the pre-activations, gate-major
        r_backward = xp.swapaxes(gate_major.blocks(xp, recurrent_kernel, 4), 1, 2)  # (4, u, u): each gate's R.T
        if steps_in_c is not None:
            dh, dc = steps_in_c.backward(xp, gates, d_gates, r_backward, cs, tanh_c, d_outputs, dh, dc)
        else:
            dh, dc = _backward_loop(xp, gates, d_gates, r_backward, cs, tanh_c, d_outputs, dh, dc, keep,
                                    seq.DERIVATIVES[activation], seq.DERIVATIVES[recurrent_activation])
        thunks = gate_major.input_gradients(xp, d_gates, steps, kernel, go_backwards)
        thunks["recurrent_kernel"] = lambda: gate_major.transposed_product(xp, hs[:-1], d_gates)
        thunks["initial_h"], thunks["initial_c"] = (lambda: dh), (lambda: dc)
        return thunks

    shared = seq.SharedBackward(backward)
    packed = seq.pack(xp, outputs, (hs[time], cs[time]))
    present = (True, True, True, bias is not None, initial_h is not None, initial_c is not None)
    return packed, shared.vjps(_NAMES, present)


def _forward_loop(xp, gates, r_forward, hs, cs, tanh_c, keep, fused, act, ract):
    """The steps forward: gates become the activated gates, hs[t + 1], cs[t + 1] and tanh_c[t] are written."""
    time, batch, u = tanh_c.shape
    recurrent, candidate_input = xp.empty((4, batch, u), gates.dtype), xp.empty((batch, u), gates.dtype)
    with _quiet_overflow(xp):
        for t in range(time):
            z, c, h = gates[:, t], cs[t + 1], hs[t + 1]  # z: (4, batch, u), gates i, f, g, o
            z += xp.matmul(hs[t], r_forward, out=recurrent)
            i, f, g, o = z
            if fused:
                xp.exp(z, out=z)
                z += 1
                xp.divide(1, z, out=z)
                g *= 2
                g -= 1
            else:
                ract(xp, z[:2])
                act(xp, g)
                ract(xp, o)
            xp.multiply(f, cs[t], out=c)
            c += xp.multiply(i, g, out=candidate_input)
            if fused:
                _tanh_into(xp, c, tanh_c[t])
            else:
                tanh_c[t] = c
                act(xp, tanh_c[t])
            xp.multiply(o, tanh_c[t], out=h)
            if keep is not None:
                cs[t + 1], hs[t + 1] = xp.where(keep[t], c, cs[t]), xp.where(keep[t], h, hs[t])


def _backward_loop(xp, gates, d_gates, r_backward, cs, tanh_c, d_outputs, dh, dc, keep, d_act, d_ract):
    """The steps backward: d_gates is written; returns the gradients reaching the initial h and c."""
    time, batch, u = tanh_c.shape
    through_c, per_gate = xp.empty((batch, u), gates.dtype), xp.empty((4, batch, u), gates.dtype)
    for t in reversed(range(time)):
        dh += d_outputs[t]
        dh_step, dh_kept = seq.split_by_mask(xp, dh, None if keep is None else keep[t])
        dc_step, dc_kept = seq.split_by_mask(xp, dc, None if keep is None else keep[t])
        z, dz, tc = gates[:, t], d_gates[:, t], tanh_c[t]
        i, f, g, o = z
        di, df, dg, do = dz
        d_act(xp, tc, through_c)  # dc_step += dh * o * act'(c)
        through_c *= o
        through_c *= dh_step
        dc_step += through_c
        d_ract(xp, z, dz)  # the derivatives of the activations, from their outputs (dg's is replaced)
        d_act(xp, g, dg)
        di *= g  # ... times what each gate multiplied, then times dc (i, f, g) or dh (o)
        df *= cs[t]
        dg *= i
        do *= tc
        dz[:3] *= dc_step
        do *= dh_step
        dc = xp.multiply(dc_step, f, out=dc_step)
        xp.matmul(dz, r_backward, out=per_gate)  # dh = sum over gates of dz[k] @ R[k].T
        dh = xp.add(per_gate[0], per_gate[1], out=dh)  # (dh_step and dh_kept no longer need its buffer)
        dh += per_gate[2]
        dh += per_gate[3]
        if keep is not None:
            dc += dc_kept
            dh += dh_kept
    return dh, dc
