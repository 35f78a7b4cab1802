"""`numpy.lstm`: the `lstm` op on the NumPy backend, with its loops over time in C (`lstm_step.c`).

Each timestep of the NumPy form is one matrix product and about fifteen ufunc calls on `(batch, units)` blocks;
at the sizes people train, those calls cost more than their arithmetic. This kernel keeps the matrix products in
NumPy's BLAS and does each step's elementwise work in one C call, compiled on first use by
`kcore_backend_numpy.native`. It takes the calls it was written for (float32, the default activations, no mask)
and hands every other call, or every call where nothing could be compiled, to the op as written.
"""

import ctypes
import functools
import pathlib

from kcore_layers_recurrent.ops.lstm import run

_SOURCE = pathlib.Path(__file__).with_name("lstm_step.c")
_P, _N = ctypes.c_void_p, ctypes.c_int64
_SIGNATURES = {
    "lstm_forward_step": [_N] + [_P] * 9,
    "lstm_backward_step": [_N] + [_P] * 12,
    "sum_gate_blocks": [_N, _P, _P, _P],
}


@functools.cache
def compiled():
    """The C steps as a ctypes library, or None where they cannot be built (`native.load` says why)."""
    from kcore_backend_numpy import native

    return native.declared(_SOURCE, _SIGNATURES)


def lstm(xp, inputs, kernel, recurrent_kernel, bias=None, initial_h=None, initial_c=None, mask=None, **params):
    arrays = (inputs, kernel, recurrent_kernel, bias, initial_h, initial_c)
    takes = (mask is None and params.get("activation", "tanh") == "tanh"
             and params.get("recurrent_activation", "sigmoid") == "sigmoid"
             and all(a is None or getattr(a, "dtype", None) == xp.float32 for a in arrays))
    library = compiled() if takes else None
    steps = _Steps(library) if library is not None else None
    return run(xp, *arrays, mask=mask, steps_in_c=steps, **params)


class _Steps:
    """The loops over time of `lstm.run`, each step's elementwise work one C call on raw addresses."""

    def __init__(self, library):
        self.library = library

    def forward(self, xp, gates, r_forward, hs, cs, tanh_c):
        time, batch, u = tanh_c.shape
        n, state = batch * u, batch * u * 4  # floats in one (batch, units) block; bytes in one
        recurrent = xp.empty((4, batch, u), xp.float32)
        z, gate, step = gates.ctypes.data, gates.strides[0], gates.strides[1]
        h, c, tc, r = hs.ctypes.data, cs.ctypes.data, tanh_c.ctypes.data, recurrent.ctypes.data
        forward_step = self.library.lstm_forward_step
        for t in range(time):
            xp.matmul(hs[t], r_forward, out=recurrent)
            zt = z + t * step
            forward_step(n, zt, zt + gate, zt + 2 * gate, zt + 3 * gate, r, c + t * state, c + (t + 1) * state,
                         tc + t * state, h + (t + 1) * state)

    def backward(self, xp, gates, d_gates, r_backward, cs, tanh_c, d_outputs, dh, dc):
        time, batch, u = tanh_c.shape
        n, state = batch * u, batch * u * 4
        per_gate = xp.empty((4, batch, u), xp.float32)
        dh = xp.add(dh, d_outputs[time - 1], dtype=xp.float32)  # fresh, contiguous buffers the C steps own
        dc = xp.ascontiguousarray(dc, dtype=xp.float32)
        z, dz, gate, step = gates.ctypes.data, d_gates.ctypes.data, gates.strides[0], gates.strides[1]
        c, tc, d_out, p = cs.ctypes.data, tanh_c.ctypes.data, d_outputs.ctypes.data, per_gate.ctypes.data
        dh_address, dc_address = dh.ctypes.data, dc.ctypes.data
        backward_step, sum_gates = self.library.lstm_backward_step, self.library.sum_gate_blocks
        for t in reversed(range(time)):
            if t < time - 1:  # dh = the gradient through h_{t+1}'s gates, plus what the output at t receives
                sum_gates(n, p, d_out + t * state, dh_address)
            zt, dzt = z + t * step, dz + t * step
            backward_step(n, zt, zt + gate, zt + 2 * gate, zt + 3 * gate, tc + t * state, c + t * state,
                          dh_address, dc_address, dzt, dzt + gate, dzt + 2 * gate, dzt + 3 * gate)
            xp.matmul(d_gates[:, t], r_backward, out=per_gate)
        sum_gates(n, p, None, dh_address)
        return dh, dc
