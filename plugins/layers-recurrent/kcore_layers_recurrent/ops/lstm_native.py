"""`numpy.lstm`: the `lstm` op on the NumPy backend, with its loops over time in C (`lstm_step.c`).

Each timestep of the NumPy form is one matrix product and about fifteen ufunc calls on `(batch, units)` blocks;
at the sizes people train, those calls cost more than their arithmetic. This kernel takes the calls it was
written for (float32, the default activations, no mask) in one of two forms:

- `_sequence`, where kcore's thread team runs NumPy's OpenBLAS (`kcore_backend_numpy.team`): each loop over time
  is one C call, its steps shared by the team's threads, a slice of the units each; the layouts are Keras's, so
  that every weight gradient is one matrix product;
- `_Steps`, elsewhere: the op as written (`lstm.run`), each step's elementwise work one C call.

Every other call, or every call where nothing could be compiled, goes to the op as written.
"""

import ctypes
import functools
import pathlib

import numpy as np

from kcore_layers_recurrent.ops import sequence as seq
from kcore_layers_recurrent.ops.lstm import _EXP_SCALE, _NAMES, run

_SOURCE = pathlib.Path(__file__).with_name("lstm_step.c")
_P, _N = ctypes.c_void_p, ctypes.c_int64
_SIGNATURES = {
    "lstm_forward_step": [_N] + [_P] * 9,
    "lstm_backward_step": [_N] + [_P] * 12,
    "sum_gate_blocks": [_N, _P, _P, _P],
    "lstm_forward_sequence": [_P, _P, ctypes.c_int],
    "lstm_backward_sequence": [_P, _P, ctypes.c_int],
}


class _Sequence(ctypes.Structure):
    """`struct lstm_sequence` of lstm_step.c."""

    _fields_ = [("time", _N), ("batch", _N), ("units", _N), ("z", _P), ("r", _P), ("hs", _P), ("cs", _P),
                ("tanh_c", _P), ("d_out", _P), ("dh", _P), ("dc", _P), ("dz", _P), ("sgemm", _P),
                ("barrier", _P), ("failed", ctypes.c_int)]


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
    if library is not None and xp is np:
        from kcore_backend_numpy import team

        threads, blas = team.team(), team.blas()
        if threads is not None:
            return _sequence(library, threads, blas, *arrays, go_backwards=params.get("go_backwards", False))
    steps = _Steps(library) if library is not None else None
    return run(xp, *arrays, mask=mask, steps_in_c=steps, **params)


def _sequence(library, threads, blas, inputs, kernel, recurrent_kernel, bias, initial_h, initial_c, go_backwards):
    """The op's value and VJPs, each loop over time one C call run by the thread team `threads`."""
    u = seq.check_shapes("lstm", inputs, kernel, recurrent_kernel, 4)
    scale = np.repeat(np.asarray(_EXP_SCALE, np.float32), u)  # see lstm._EXP_SCALE
    steps = seq.time_steps(np, inputs, go_backwards, ones=bias is not None)
    time, batch = steps.shape[:2]
    flat_steps = steps.reshape(time * batch, -1)
    z = np.matmul(flat_steps, seq.with_bias(np, kernel, bias) * scale).reshape(time, batch, 4 * u)
    hs = np.empty((time + 1, batch, u), np.float32)
    cs = np.empty((time + 1, batch, u), np.float32)
    hs[0] = seq.initial(np, initial_h, batch, u, np.float32)
    cs[0] = seq.initial(np, initial_c, batch, u, np.float32)
    tanh_c = np.empty((time, batch, u), np.float32)
    r_scaled = recurrent_kernel * scale  # kept alive until the C call has returned
    forward = _Sequence(time, batch, u, z.ctypes.data, r_scaled.ctypes.data, hs.ctypes.data,
                        cs.ctypes.data, tanh_c.ctypes.data, None, None, None, None, blas.sgemm, threads.barrier, 0)
    _call(library.lstm_forward_sequence, forward, threads, blas)

    def backward(cotangent):
        d_outputs, (dh, dc) = seq.unpack(np, cotangent, time, 2)
        d_outputs = np.ascontiguousarray(d_outputs, np.float32)
        dh, dc = (np.array(g, np.float32, order="C") for g in (dh, dc))
        dz = np.empty((time, batch, 4 * u), np.float32)
        sequence = _Sequence(time, batch, u, z.ctypes.data, recurrent_kernel.ctypes.data, hs.ctypes.data,
                             cs.ctypes.data, tanh_c.ctypes.data, d_outputs.ctypes.data, dh.ctypes.data,
                             dc.ctypes.data, dz.ctypes.data, blas.sgemm, threads.barrier, 0)
        _call(library.lstm_backward_sequence, sequence, threads, blas)
        flat = dz.reshape(time * batch, 4 * u)
        features = kernel.shape[0]
        # the kernel's gradient, with the bias's as its last row: one matrix product for both, made once
        weights = functools.cache(lambda: np.matmul(flat_steps.T, flat))
        return {
            "inputs": lambda: seq.batch_major(np, np.matmul(flat, kernel.T).reshape(time, batch, -1), go_backwards),
            "kernel": lambda: weights()[:features], "bias": lambda: weights()[features],
            "recurrent_kernel": lambda: np.matmul(hs[:-1].reshape(time * batch, u).T, flat),
            "initial_h": lambda: np.matmul(dz[0], recurrent_kernel.T), "initial_c": lambda: dc,
        }

    shared = seq.SharedBackward(backward)
    packed = seq.pack(np, hs[1:], (hs[time], cs[time]))
    present = (True, True, True, bias is not None, initial_h is not None, initial_c is not None)
    return packed, shared.vjps(_NAMES, present)


def _call(function, sequence, threads, blas):
    """One loop over time on the team, OpenBLAS single-threaded inside (each of the team's threads calls it)."""
    with blas.single_threaded():
        function(ctypes.byref(sequence), threads.run, threads.members)
    if sequence.failed:
        raise MemoryError("kcore's LSTM kernel could not allocate its buffers for this batch; use a smaller batch "
                          "or fewer units, or free memory.")


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
