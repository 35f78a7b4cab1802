"""Fused CuPy kernels for four activations, registered as kind "kernel" under "cupy.<op>".

NOT YET RUN ON A GPU. Checked without one: their signatures and their hand-offs to the ops' own code
(tests/test_plugin.py); their sources compiled for the CPU by g++ against the ops' NumPy code, and compiled by
NVRTC as CuPy lays out an ElementwiseKernel, with no float64 instruction in the float32 ones
(tests/test_kernel_sources.py). The backend conformance suite compares them with the NumPy backend on a GPU;
until it has, treat them as unverified there.

Why: the op's own code computes `sigmoid(x)` as six array expressions, which on a GPU is six kernel launches and
five temporaries, each a full pass over memory. A kernel here computes the value in one pass and each VJP in one
more. The arithmetic is the op's, step for step and constant for constant (the same stable sigmoid, the same erfc
fit for the exact gelu), so results agree with the NumPy backend to rounding. The type placeholder `T` pins the
dtype (float32 in, float32 out). Anything else (integer or float16 inputs, a cotangent of another dtype, a Python
scalar) goes to the op's own implementation.

Matrix products need nothing here: `xp.matmul` on CuPy arrays is already cuBLAS (strided-batched for stacks).
There are no cuDNN convolution or RNN kernels: CuPy 14, which the `cuda12`/`cuda13` extras install, removed
its cuDNN bindings. Convolutions run as im2col and one cuBLAS GEMM per group, through the ops' own code.
"""

import functools
import math

from kcore import ops

_FLOATS = ("float32", "float64")
_GELU_C = math.sqrt(2 / math.pi)
_GELU_A = 0.044715
_ERFC_FIT = (-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
             -0.82215223, 0.17087277)  # kcore.ops.nn._erfc_nonnegative's coefficients, lowest order first


def _c(value, type_name="T"):
    """A Python float as a CUDA constant of the kernel's type, with all the digits Python keeps (so it rounds to
    float32 exactly as NumPy rounds the op's Python constant)."""
    return f"(({type_name})({value!r}))"


def _horner(coefficients, variable):
    expression = _c(coefficients[-1], "F")
    for coefficient in reversed(coefficients[:-1]):
        expression = f"{_c(coefficient, 'F')} + {variable} * ({expression})"
    return expression


_PREAMBLE = f"""
template <typename F> __device__ F kcore_sigmoid(F x) {{  // exp only sees -|x|: no overflow
    F e = exp(-(x < (F)0 ? -x : x));
    return (x >= (F)0 ? (F)1 : e) / ((F)1 + e);
}}
template <typename F> __device__ F kcore_gelu_tanh(F x) {{
    return tanh({_c(_GELU_C, "F")} * x * ((F)1 + {_c(_GELU_A, "F")} * (x * x)));
}}
template <typename F> __device__ F kcore_gelu_cdf(F x) {{  // Phi(x) from erfc(|x| / sqrt2): no tail cancels
    F z = (x < (F)0 ? -x : x) * {_c(1 / math.sqrt(2), "F")};
    F t = (F)1 / ((F)1 + (F)0.5 * z);
    F tail = (F)0.5 * (t * exp(({_horner(_ERFC_FIT, "t")}) - z * z));
    return x >= (F)0 ? (F)1 - tail : tail;
}}
"""

#: name -> (input parameters, output parameters, loop body)
_SOURCES = {
    "relu_grad": ("T g, T x", "T dx", "dx = g * (T)(x > (T)0);"),
    "sigmoid": ("T x", "T y", "y = kcore_sigmoid(x);"),
    "sigmoid_grad": ("T g, T y", "T dx", "dx = g * y * ((T)1 - y);"),
    "silu": ("T x", "T y", "y = x * kcore_sigmoid(x);"),
    "silu_grad": ("T g, T x", "T dx", "T s = kcore_sigmoid(x); dx = g * s * ((T)1 + x * ((T)1 - s));"),
    "gelu_tanh": ("T x", "T y", "T t = kcore_gelu_tanh(x); y = x * ((T)0.5 * ((T)1 + t));"),
    "gelu_tanh_grad": ("T g, T x", "T dx",
                       f"T t = kcore_gelu_tanh(x); T gate = (T)0.5 * ((T)1 + t); "
                       f"dx = g * (gate + {_c(0.5 * _GELU_C)} * x * ((T)1 - t * t) * ((T)1 + {_c(3 * _GELU_A)} * "
                       f"(x * x)));"),
    "gelu_erf": ("T x", "T y", "y = x * kcore_gelu_cdf(x);"),
    "gelu_erf_grad": ("T g, T x", "T dx",
                      f"dx = g * (kcore_gelu_cdf(x) + x * ({_c(1 / math.sqrt(2 * math.pi))} * "
                      f"exp({_c(-0.5)} * (x * x))));"),
}


@functools.cache
def _kernel(name):
    """The ElementwiseKernel `name`, made on first use (CuPy compiles it per dtype on its first call)."""
    import cupy

    in_params, out_params, body = _SOURCES[name]
    return cupy.ElementwiseKernel(in_params, out_params, body, f"kcore_fused_{name}", preamble=_PREAMBLE)


def _fits(*arrays):
    """Whether the kernels take these arguments: arrays of one dtype, float32 or float64."""
    dtypes = {str(getattr(a, "dtype", "none")) for a in arrays}
    return len(dtypes) == 1 and dtypes <= set(_FLOATS)


def relu(xp, x):
    """ops.relu: the op's forward (one `maximum` already), and a one-pass VJP."""
    out, (own_vjp,) = ops.relu.fn(xp, x)
    if not _fits(x):
        return out, (own_vjp,)
    return out, (lambda g: _kernel("relu_grad")(g, x) if _fits(g, x) else own_vjp(g),)


def sigmoid(xp, x):
    if not _fits(x):
        return ops.sigmoid.fn(xp, x)
    out = _kernel("sigmoid")(x)
    return out, (lambda g: _kernel("sigmoid_grad")(g, out) if _fits(g, out) else ops.sigmoid.fn(xp, x)[1][0](g),)


def silu(xp, x):
    if not _fits(x):
        return ops.silu.fn(xp, x)
    return _kernel("silu")(x), (lambda g: _kernel("silu_grad")(g, x) if _fits(g, x) else ops.silu.fn(xp, x)[1][0](g),)


def gelu(xp, x, approximate=True):
    if not _fits(x):
        return ops.gelu.fn(xp, x, approximate=approximate)
    name = "gelu_tanh" if approximate else "gelu_erf"

    def vjp(g):
        if _fits(g, x):
            return _kernel(f"{name}_grad")(g, x)
        return ops.gelu.fn(xp, x, approximate=approximate)[1][0](g)

    return _kernel(name)(x), (vjp,)


#: op name -> kernel, each with its op's signature and return value `(value, vjps)`
KERNELS = {"relu": relu, "sigmoid": sigmoid, "silu": silu, "gelu": gelu}
