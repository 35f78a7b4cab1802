"""The fused kernels' sources, checked without a GPU.

1. Compiled for the CPU by g++, they compute what the ops' own NumPy code computes: each kernel's loop body and
   the shared preamble, exactly as handed to `cupy.ElementwiseKernel`, wrapped in a plain C++ loop and called
   through ctypes in place of the compiled ElementwiseKernel, while kernels.py's own Python code (which kernel
   gets which array) runs unchanged. This checks the formulas, the constants and the dtypes.
2. Where NVRTC and CuPy's headers are installed (a GPU is not needed), they compile as CUDA, laid out as CuPy lays
   out an ElementwiseKernel, and the float32 kernels contain no float64 instruction.

Neither checks CUDA's math library, CuPy's launch or the speed: only the backend conformance suite and the
benchmarks on a GPU do.
"""

import ctypes
import re
import shutil
import subprocess

import numpy as np
import pytest
from kcore_backend_cupy import kernels

import kcore
from kcore.testing.backends import assert_same

pytestmark = pytest.mark.skipif(shutil.which("g++") is None, reason="g++ is needed to compile the kernels for the CPU")

_CTYPES = {"float32": "float", "float64": "double"}


def _parameters(spec):
    return [re.fullmatch(r"T (\w+)", part.strip()).group(1) for part in spec.split(",")]


def _cpu_function(sources, name, dtype):
    in_params, out_params, body = sources[name]
    inputs, (output,) = _parameters(in_params), _parameters(out_params)
    arguments = ", ".join([f"const {_CTYPES[dtype]}* in_{p}" for p in inputs] + [f"{_CTYPES[dtype]}* out_{output}"])
    loads = " ".join(f"T {p} = in_{p}[k];" for p in inputs)
    return (f'extern "C" void {name}_{dtype}({arguments}, long n) {{\n'
            f"    typedef {_CTYPES[dtype]} T;\n"
            f"    for (long k = 0; k < n; ++k) {{ {loads} T {output}; {body} out_{output}[k] = {output}; }}\n}}\n")


def compile_for_cpu(sources, folder):
    """`sources` (name -> ElementwiseKernel arguments, as kernels._SOURCES) compiled by g++ in `folder`; returns a
    stand-in for `kernels._kernel`: name -> a callable on NumPy arrays, as the ElementwiseKernel is on CuPy's."""
    functions = "".join(_cpu_function(sources, name, dtype) for name in sources for dtype in _CTYPES)
    (folder / "kernels.cpp").write_text(f"#include <cmath>\nusing namespace std;\n#define __device__\n"
                                        f"{kernels._PREAMBLE}\n{functions}")
    subprocess.run(["g++", "-O2", "-shared", "-fPIC", "-o", str(folder / "kernels.so"), str(folder / "kernels.cpp")],
                   check=True, capture_output=True)
    library = ctypes.CDLL(str(folder / "kernels.so"))

    def kernel(name):
        def call(*arrays):
            dtype = str(arrays[0].dtype)
            assert all(str(a.dtype) == dtype for a in arrays) and dtype in _CTYPES, "a kernel got mixed dtypes"
            arrays = [np.ascontiguousarray(a) for a in np.broadcast_arrays(*arrays)]
            out = np.empty_like(arrays[0])
            function = getattr(library, f"{name}_{dtype}")
            function(*[a.ctypes.data_as(ctypes.c_void_p) for a in (*arrays, out)], ctypes.c_long(out.size))
            return out

        return call

    return kernel


@pytest.fixture(scope="module")
def cpu_kernels(tmp_path_factory):
    return compile_for_cpu(kernels._SOURCES, tmp_path_factory.mktemp("kernels"))


def _inputs(dtype):
    """Both tails, the kinks, tiny and huge magnitudes: where a careless formula overflows or cancels."""
    grid = np.linspace(-12, 12, 481)
    special = [-1e4, -88.0, -30.0, -5.5, -1e-3, -1e-30, -0.0, 0.0, 1e-30, 1e-3, 5.5, 30.0, 88.0, 1e4]
    x = np.concatenate([grid, special]).astype(dtype)
    return x, np.random.default_rng(0).standard_normal(x.shape).astype(dtype)


def _compare(op_name, params, dtype):
    x, g = _inputs(dtype)
    out, (vjp,) = kernels.KERNELS[op_name](np, x, **params)
    want_out, (want_vjp,) = getattr(kcore.ops, op_name).fn(np, x, **params)
    what = f"cupy.{op_name}{params or ''} ({dtype}), its CUDA C++ compiled for the CPU"
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(vjp(g))), f"{what}: a non-finite value"
    assert_same(out, want_out, f"{what}: value")
    assert_same(vjp(g), want_vjp(g), f"{what}: gradient")


@pytest.mark.parametrize("op_name, params", [("relu", {}), ("sigmoid", {}), ("silu", {}),
                                             ("gelu", {"approximate": True}), ("gelu", {"approximate": False})])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fused_kernel_compiled_for_the_cpu_matches_the_ops_numpy_code(cpu_kernels, monkeypatch, op_name, params,
                                                                      dtype):
    monkeypatch.setattr(kernels, "_kernel", cpu_kernels)
    _compare(op_name, params, dtype)


def test_the_comparison_catches_a_kernel_with_a_wrong_constant(tmp_path, monkeypatch):
    """The gradient of the tanh gelu with 3 * 0.0447 for 3 * 0.044715: a slip the test above must not let by."""
    in_params, out_params, body = kernels._SOURCES["gelu_tanh_grad"]
    assert "((T)(0.134145))" in body
    broken = {**kernels._SOURCES, "gelu_tanh_grad": (in_params, out_params, body.replace("0.134145", "0.1341"))}
    monkeypatch.setattr(kernels, "_kernel", compile_for_cpu(broken, tmp_path))

    with pytest.raises(AssertionError, match="gradient: differs from the NumPy backend"):
        _compare("gelu", {"approximate": True}, "float64")


# -- 2. NVRTC -----------------------------------------------------------------------------------------------------


def _nvrtc():
    """NVRTC as CuPy 14 finds it (cuda.pathfinder), else by its soname (LD_LIBRARY_PATH); None when absent."""
    try:
        from cuda import pathfinder

        return ctypes.CDLL(pathfinder.load_nvidia_dynamic_lib("nvrtc").abs_path)
    except Exception:
        pass
    for name in ("libnvrtc.so.13", "libnvrtc.so.12"):
        try:
            return ctypes.CDLL(name)
        except OSError:
            pass
    return None


def _cupy_include():
    try:
        import cupy
    except ImportError:
        return None
    import pathlib

    folder = pathlib.Path(cupy.__file__).parent / "_core" / "include"
    return folder if (folder / "cupy" / "carray.cuh").is_file() else None


def _as_cupy_lays_it_out(name, ctype):
    """The translation unit CuPy 14 generates for an ElementwiseKernel on contiguous 1-D arrays of `ctype`."""
    in_params, out_params, body = kernels._SOURCES[name]
    inputs, outputs = _parameters(in_params), _parameters(out_params)
    headers = "".join(f"#include <cupy/{h}>\n" for h in ("complex.cuh", "carray.cuh", "atomics.cuh",
                                                          "math_constants.h"))
    params = ", ".join([f"const CArray<{ctype}, 1, 1, 1> _raw_{p}" for p in inputs]
                       + [f"CArray<{ctype}, 1, 1, 1> _raw_{p}" for p in outputs] + ["CIndexer<1, 1> _ind"])
    refs = " ".join([f"const T &{p} = _raw_{p}[_ind.get()];" for p in inputs]
                    + [f"T &{p} = _raw_{p}[_ind.get()];" for p in outputs])
    return (f"{headers}typedef {ctype} T;\n{kernels._PREAMBLE}\n"
            f'extern "C" __global__ void kcore_fused_{name}({params}) {{\n'
            f"  CUPY_FOR(i, _ind.size()) {{ _ind.set(i); {refs} {body}; }}\n}}\n")


def _compile_with_nvrtc(library, source, include):
    options = [f"-I{include}", *(f"-I{include}/cupy/_cccl/{part}" for part in ("cub", "thrust", "libcudacxx")),
               "--gpu-architecture=compute_80", "--device-as-default-execution-space"]
    program, size = ctypes.c_void_p(), ctypes.c_size_t()
    assert library.nvrtcCreateProgram(ctypes.byref(program), source.encode(), b"kernel.cu", 0, None, None) == 0
    try:
        status = library.nvrtcCompileProgram(program, len(options),
                                             (ctypes.c_char_p * len(options))(*[o.encode() for o in options]))
        library.nvrtcGetProgramLogSize(program, ctypes.byref(size))
        log = ctypes.create_string_buffer(size.value)
        library.nvrtcGetProgramLog(program, log)
        if status != 0:
            return None, log.value.decode(errors="replace")
        library.nvrtcGetPTXSize(program, ctypes.byref(size))
        ptx = ctypes.create_string_buffer(size.value)
        library.nvrtcGetPTX(program, ptx)
        return ptx.value.decode(), log.value.decode(errors="replace")
    finally:
        library.nvrtcDestroyProgram(ctypes.byref(program))


@pytest.mark.parametrize("name", sorted(kernels._SOURCES))
def test_kernels_compile_as_cupy_lays_them_out_and_float32_ones_never_compute_in_float64(name):
    library, include = _nvrtc(), _cupy_include()
    if library is None or include is None:
        pytest.skip("needs NVRTC and CuPy's headers (pip install cupy-cuda12x nvidia-cuda-nvrtc-cu12; no GPU needed)")
    for ctype in ("float", "double"):
        ptx, log = _compile_with_nvrtc(library, _as_cupy_lays_it_out(name, ctype), include)
        assert ptx is not None, f"kernel {name} ({ctype}) does not compile:\n{log[:4000]}"
        if ctype == "float":
            wide = sorted(set(re.findall(r"\b[a-z]+(?:\.[a-z0-9]+)*\.f64\b", ptx)))
            assert not wide, f"kernel {name} (float32) computes in float64: {wide}"
