"""The backend conformance suite, as a pytest module: everything a kcore backend must do the way NumPy does.

Run it on the configured backend (kcore-backend-numpy must be installed too: it is the reference):

    KCORE_BACKEND=mybackend python -m pytest --pyargs kcore.testing.backend_conformance

or from Python, `kcore.testing.run_backend_conformance("mybackend")`. A backend plugin runs it from its own
tests by importing the tests and naming itself (as plugins/backend-numpy/tests/test_conformance.py does):

    from kcore.testing.backend_conformance import *  # noqa: F403

    @pytest.fixture
    def backend_name():
        return "mybackend"

Every op registered by any installed plugin is replayed from its `OpCase` (`KCORE_CONFORMANCE_EXAMPLES` calls
each, default 10) and compared with the NumPy backend: values, dtypes, shapes and gradients
(`kcore.testing.backends.check_backend_op_case`).
"""

import os

import pytest

from kcore.testing import backends as _conformance

__all__ = ["backend_name", "test_backend_is_installed_and_describes_itself",
           "test_every_plugin_gives_well_formed_op_cases", "test_every_registered_op_has_a_case",
           "test_float32_is_the_default_everywhere", "test_gradient_descent_lands_where_numpy_lands",
           "test_numpy_arrays_round_trip_through_the_backend", "test_op_agrees_with_the_numpy_backend",
           "test_seeded_random_numbers_repeat_and_follow_their_distribution"]

EXAMPLES = int(os.environ.get("KCORE_CONFORMANCE_EXAMPLES", "10"))


def _ops_and_cases():
    from kcore.plugins import manager
    from kcore.testing import collect_op_cases

    plugins = manager()
    plugins.load_all()
    ops = {name: plugins.registry.owner_of("op", name) for name in plugins.registry.names("op")}
    errors = []
    return ops, collect_op_cases(errors), errors


OPS, CASES, ERRORS = _ops_and_cases()


@pytest.fixture
def backend_name():
    """The backend under test: the configured one (KCORE_BACKEND, or the config file). Override to pin one."""
    from kcore import backend

    return backend.backend()


def test_backend_is_installed_and_describes_itself(backend_name):
    _conformance.check_backend_instance(backend_name)


def test_numpy_arrays_round_trip_through_the_backend(backend_name):
    _conformance.check_numpy_round_trip(backend_name)


def test_float32_is_the_default_everywhere(backend_name):
    _conformance.check_float32_defaults(backend_name)


def test_seeded_random_numbers_repeat_and_follow_their_distribution(backend_name):
    _conformance.check_random_numbers(backend_name)


def test_gradient_descent_lands_where_numpy_lands(backend_name):
    _conformance.check_training_matches_reference(backend_name)


def test_every_plugin_gives_well_formed_op_cases():
    assert not ERRORS, "\n".join(str(e) for e in ERRORS)


def test_every_registered_op_has_a_case():
    missing = {name: owner for name, owner in OPS.items() if name not in CASES}
    assert not missing, f"ops without an OpCase cannot be compared across backends: {missing}"


@pytest.mark.parametrize("op_name", sorted(OPS))
def test_op_agrees_with_the_numpy_backend(backend_name, op_name):
    if op_name not in CASES:
        pytest.fail(f"ops.{op_name} ({OPS[op_name]}) has no OpCase to replay")
    _conformance.check_backend_op_case(CASES[op_name], backend_name, max_examples=EXAMPLES)
