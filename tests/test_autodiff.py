"""The tape, Variables and value_and_grad: what a custom training loop relies on."""

import sys

import numpy as np
import pytest

import kcore
from kcore import GradientTape, Variable, ops
from kcore.errors import DTypeError, GradientError, ShapeError


def test_ops_outside_a_tape_return_plain_arrays_and_record_nothing():
    w = Variable(np.ones((2, 2), "float32"))
    out = ops.multiply(w, 3.0)
    assert type(out) is np.ndarray
    assert out.dtype == np.float32


def test_gradient_of_a_sum_of_squares_is_twice_the_variable():
    w = Variable(np.array([1.0, -2.0, 3.0], "float32"))
    with GradientTape() as tape:
        loss = ops.sum(w * w)
    grad = tape.gradient(loss, w)
    np.testing.assert_allclose(grad, [2.0, -4.0, 6.0])
    assert grad.dtype == np.float32


def test_a_variable_used_twice_accumulates_both_contributions():
    w = Variable(np.array([2.0], "float32"))
    with GradientTape() as tape:
        y = ops.exp(w) + w * w * w  # d/dw = exp(w) + 3 w^2
    np.testing.assert_allclose(tape.gradient(y, w), [np.exp(2.0) + 12.0], rtol=1e-6)


def test_unconnected_sources_get_none_or_zeros():
    a, b = Variable([1.0]), Variable([2.0, 3.0])
    with GradientTape() as tape:
        y = ops.sum(a * 2.0)
    assert tape.gradient(y, [a, b])[1] is None
    np.testing.assert_array_equal(tape.gradient(y, b, unconnected_gradients="zero"), [0.0, 0.0])


def test_non_trainable_variables_are_not_watched_unless_asked():
    frozen = Variable([1.0, 2.0], trainable=False)
    with GradientTape() as tape:
        y = ops.sum(frozen * frozen)
    assert tape.gradient(y, frozen) is None
    with GradientTape() as tape:
        tape.watch(frozen)
        y = ops.sum(frozen * frozen)
    np.testing.assert_allclose(tape.gradient(y, frozen), [2.0, 4.0])


def test_watch_accessed_variables_false_watches_only_what_is_watched():
    a, b = Variable([1.0]), Variable([1.0])
    with GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(a)
        y = ops.sum(a * b * 5.0)
    grads = tape.gradient(y, [a, b])
    np.testing.assert_allclose(grads[0], [5.0])
    assert grads[1] is None


def test_watched_arrays_are_differentiable():
    with GradientTape() as tape:
        x = tape.watch(np.array([1.0, 2.0], "float32"))
        y = ops.sum(ops.log(x))
    np.testing.assert_allclose(tape.gradient(y, x), [1.0, 0.5])


def test_tensors_from_an_earlier_tape_are_constants_in_a_later_one():
    w = Variable([3.0])
    with GradientTape():
        h = w * w
    with GradientTape() as tape:
        y = ops.sum(h * w)  # h is a constant 9 here
    np.testing.assert_allclose(tape.gradient(y, w), [9.0])


def test_only_the_vjps_on_a_path_to_a_source_run():
    from kcore.ops import op

    calls = []

    @op(inputs=2)
    def spy(xp, x, y):
        def grad_x(g):
            calls.append("x")
            return g

        def grad_y(g):
            calls.append("y")
            return g

        return x + y, (grad_x, grad_y)

    a, b = Variable([1.0]), Variable([1.0])
    with GradientTape() as tape:
        y = ops.sum(spy(a, b))
    tape.gradient(y, [a])
    assert calls == ["x"]


def test_a_long_chain_does_not_hit_the_recursion_limit():
    w = Variable([1.0])
    with GradientTape() as tape:
        y = w
        for _ in range(sys.getrecursionlimit() + 500):
            y = y * 1.0
        total = ops.sum(y)
    np.testing.assert_allclose(tape.gradient(total, w), [1.0])


def test_gradient_accepts_output_gradients():
    w = Variable([1.0, 1.0])
    with GradientTape() as tape:
        y = w * 3.0
    np.testing.assert_allclose(tape.gradient(y, w, output_gradients=np.array([1.0, 2.0], "float32")), [3.0, 6.0])


def test_value_and_grad_returns_value_gradients_and_aux():
    f = kcore.value_and_grad(lambda x, y: (ops.sum(x * y), "aux"), argnums=(0, 1), has_aux=True)
    (value, aux), (gx, gy) = f(np.array([1.0, 2.0], "float32"), np.array([3.0, 4.0], "float32"))
    assert float(value) == 11.0 and aux == "aux"
    np.testing.assert_allclose(gx, [3.0, 4.0])
    np.testing.assert_allclose(gy, [1.0, 2.0])


def test_gradient_of_something_not_a_source_is_a_clear_error():
    with GradientTape() as tape:
        y = ops.sum(Variable([1.0]) * 2.0)
    with pytest.raises(GradientError, match=r"tape\.watch"):
        tape.gradient(y, np.ones(1))


def test_incompatible_shapes_name_the_op_and_the_shapes():
    with pytest.raises(ShapeError, match=r"ops\.add.*\(2, 3\).*\(4,\)"):
        ops.add(np.ones((2, 3), "float32"), np.ones(4, "float32"))


def test_wrong_dtype_names_the_op_and_the_dtypes():
    with pytest.raises(DTypeError, match=r"ops\.exp.*<U"):
        ops.exp(np.array(["a", "b"]))


def test_kcore_errors_are_also_the_builtin_errors():
    with pytest.raises(ValueError):
        ops.multiply(np.ones((2, 3)), np.ones((3, 2)))


def test_variable_defaults_to_float32_and_assign_checks_shape():
    v = Variable([[1.0, 2.0]], name="w")
    assert v.dtype == np.float32 and v.shape == (1, 2)
    with pytest.raises(ShapeError, match=r"'w'.*assign.*\(1, 2\).*\(3,\)"):
        v.assign(np.ones(3))
    v.assign_add([[1.0, 1.0]])
    np.testing.assert_array_equal(v.numpy(), [[2.0, 3.0]])


def test_variable_numpy_is_a_copy():
    v = Variable([1.0, 2.0])
    v.numpy()[0] = 100.0
    assert float(v.value[0]) == 1.0


def test_variable_from_a_callable_initializer_needs_a_shape():
    with pytest.raises(kcore.errors.ConfigError, match="shape"):
        Variable(lambda shape, dtype: np.zeros(shape, dtype))
    v = Variable(lambda shape, dtype: np.zeros(shape, dtype), shape=(2, 3))
    assert v.shape == (2, 3) and v.dtype == np.float32


def test_numpy_arrays_on_the_left_defer_to_kcore():
    w = Variable([2.0])
    with GradientTape() as tape:
        y = ops.sum(np.array([3.0], "float32") * w)
    assert isinstance(y, kcore.Tensor)
    np.testing.assert_allclose(tape.gradient(y, w), [3.0])


def test_variables_hold_contiguous_arrays_even_from_transposed_values():
    v = Variable(np.ones((3, 4), "float32").T)
    assert v.value.flags.c_contiguous
    w = Variable(lambda shape, dtype: np.ones(shape[::-1], dtype).T, shape=(4, 3))
    assert w.value.flags.c_contiguous


def test_the_gradients_of_many_slices_of_one_array_add_up_as_dense_ones_would():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 7, 2)).astype("float32")
    weights = rng.normal(size=(7, 3, 2)).astype("float32")
    with kcore.GradientTape() as tape:
        xs = tape.watch(x)
        steps = ops.unstack(xs, axis=1)  # seven slices of one array, each with its own weight
        total = ops.sum(ops.stack([ops.multiply(s, w) for s, w in zip(steps, weights, strict=True)]))
        total = ops.add(total, ops.sum(ops.multiply(xs, 2.0)))  # and a dense use of the same array
        total = ops.add(total, ops.sum(xs[:, 1:3]))  # and an overlapping slice
    grad = np.asarray(tape.gradient(total, xs))
    expected = np.swapaxes(weights, 0, 1) + 2.0
    expected[:, 1:3] += 1.0
    np.testing.assert_allclose(grad, expected, rtol=1e-6)
    assert grad.dtype == np.float32


def test_summing_cotangents_never_writes_into_an_array_the_caller_or_a_vjp_handed_over():
    x = np.arange(4.0, dtype="float32")
    seed = np.ones(4, "float32")
    with kcore.GradientTape() as tape:
        xs = tape.watch(x)
        y = ops.add(xs, 0.0)  # its VJP hands the seed itself to xs
        out = ops.add(ops.add(y, ops.multiply(xs, 3.0)), ops.concatenate([xs[:2], xs[2:]]))
    grad = np.asarray(tape.gradient(out, xs, output_gradients=seed))
    np.testing.assert_array_equal(grad, np.full(4, 5.0, "float32"))
    np.testing.assert_array_equal(seed, np.ones(4, "float32"))


def test_a_slice_alone_gives_a_dense_gradient_with_zeros_elsewhere():
    x = np.arange(6.0).reshape(2, 3)
    with kcore.GradientTape() as tape:
        xs = tape.watch(x)
        out = ops.sum(xs[1])
    grad = tape.gradient(out, xs)
    assert isinstance(grad, np.ndarray)
    np.testing.assert_array_equal(grad, [[0, 0, 0], [1, 1, 1]])
