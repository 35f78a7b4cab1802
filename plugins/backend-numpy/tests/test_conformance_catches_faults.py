"""The conformance suite is only worth running if it fails for a backend that is wrong: these tests register
NumPy-based backends with one deliberate fault each and check that the suite names it."""

import numpy as np
import pytest
from kcore_backend_numpy import NumpyBackend

import kcore.backend
import kcore.plugins
from kcore.testing import backends as conformance
from kcore.testing import collect_op_cases


@pytest.fixture
def register():
    """`register(name, backend_class, kernels={op: fn})` adds a backend under `name` for this test only."""
    plugins = kcore.plugins.manager()
    plugins.hooks  # noqa: B018  (creates the registry's built-in ops)

    def add(name, backend_class, kernels=None):
        plugins.registry.add("backend", name, type(backend_class.__name__, (backend_class,), {"name": name}))
        for op_name, kernel in (kernels or {}).items():
            plugins.registry.add("kernel", f"{name}.{op_name}", kernel)

    yield add
    kcore.plugins.reset()
    kcore.backend.activate()


def _exp_off_by_a_thousandth(xp, x):
    out = xp.exp(x) * 1.001
    return out, (lambda g: g * out / 1.001,)


def _exp_with_a_wrong_gradient(xp, x):
    out = xp.exp(x)
    return out, (lambda g: 2 * g * out,)


def _add_in_float64(xp, x, y):
    out = xp.add(x, y).astype("float64")
    return out, (lambda g: g, lambda g: g)


class _UpcastingBackend(NumpyBackend):
    def to_numpy(self, x):
        return np.asarray(x, dtype="float64")


class _Float64RandomBackend(NumpyBackend):
    class _Rng:
        def __init__(self, seed):
            self.rng = np.random.default_rng(seed)

        def standard_normal(self, size, dtype="float64"):
            return self.rng.standard_normal(size)  # ignores dtype: a silent float64

        def __getattr__(self, name):  # random, integers, permutation: as NumPy's
            return getattr(self.rng, name)

    def rng(self, seed):
        return self._Rng(seed)


def _call(op_name, backend_name, *args):
    """One call compared across backends, as each example of the property test does."""
    case = collect_op_cases()[op_name]
    conformance.check_backend_call(kcore.plugins.manager().get("op", op_name), case, list(args), {}, backend_name)


def test_property_test_fails_for_an_op_whose_values_differ_and_passes_the_others(register):
    register("faulty", NumpyBackend, {"exp": _exp_off_by_a_thousandth})
    with pytest.raises(AssertionError, match=r"ops\.exp on backend 'faulty' with float32 inputs: differs"):
        conformance.check_backend_op_case(collect_op_cases()["exp"], "faulty", max_examples=5)
    conformance.check_backend_op_case(collect_op_cases()["log"], "faulty", max_examples=5)


def test_suite_fails_for_an_op_whose_gradient_differs(register):
    register("faulty", NumpyBackend, {"exp": _exp_with_a_wrong_gradient})
    with pytest.raises(AssertionError, match=r"ops\.exp on backend 'faulty' with float32 inputs: gradient 0"):
        _call("exp", "faulty", np.linspace(-1, 1, 6).reshape(2, 3))


def test_suite_fails_for_an_op_that_changes_the_dtype(register):
    register("faulty", NumpyBackend, {"add": _add_in_float64})
    with pytest.raises(AssertionError, match=r"ops\.add .* float32 inputs: dtype float64, the NumPy backend "
                                             r"gives float32"):
        _call("add", "faulty", np.ones((2, 3)), np.ones(3))


def test_suite_fails_for_a_backend_whose_conversion_to_numpy_changes_the_dtype(register):
    register("faulty", _UpcastingBackend)
    with pytest.raises(AssertionError, match="float32 came back as float64"):
        conformance.check_numpy_round_trip("faulty")


def test_suite_fails_for_random_numbers_that_ignore_the_dtype(register):
    register("faulty", _Float64RandomBackend)
    with pytest.raises(AssertionError, match=r"random\.normal has dtype float64, not float32"):
        conformance.check_float32_defaults("faulty")


def test_suite_fails_for_a_backend_registered_under_another_name(register):
    kcore.plugins.manager().registry.add("backend", "alias", NumpyBackend)
    with pytest.raises(AssertionError, match="backend 'alias' calls itself 'numpy'"):
        conformance.check_backend_instance("alias")


def test_a_faithful_copy_of_numpy_passes_and_the_reference_stays_active_afterwards(register):
    register("copy", NumpyBackend)
    kcore.backend.activate("numpy")
    conformance.check_backend_op_case(collect_op_cases()["matmul"], "copy", max_examples=5)
    conformance.check_training_matches_reference("copy")
    assert kcore.backend.active.name == "numpy"
