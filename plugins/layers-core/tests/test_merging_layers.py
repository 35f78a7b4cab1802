"""The merging layers against NumPy, their gradients (the conformance test does not differentiate lists of
inputs), broadcasting, masks and shape errors."""

import numpy as np
import pytest

import kcore
from kcore import layers
from kcore.errors import ConfigError, ShapeError
from kcore.testing import check_gradients


def _inputs(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for shape in shapes]


ELEMENTWISE = [
    ("Add", lambda a, b, c: a + b + c),
    ("Multiply", lambda a, b, c: a * b * c),
    ("Average", lambda a, b, c: (a + b + c) / 3),
    ("Maximum", lambda a, b, c: np.maximum(np.maximum(a, b), c)),
    ("Minimum", lambda a, b, c: np.minimum(np.minimum(a, b), c)),
]


@pytest.mark.parametrize(("name", "reference"), ELEMENTWISE, ids=[n for n, _ in ELEMENTWISE])
def test_elementwise_merge_matches_numpy_and_its_gradient_matches_finite_differences(name, reference):
    a, b, c = _inputs((2, 3, 4), (2, 1, 4), (2, 4))  # the rank-2 input merges as (2, 1, 4)
    layer = getattr(layers, name)(dtype="float64")
    np.testing.assert_allclose(layer([a, b, c]), reference(a, b, c[:, None, :]), rtol=1e-12)
    check_gradients(lambda x, y, z: layer([x, y, z]), [a, b, c], name=name)


def test_subtract_takes_exactly_two_inputs():
    a, b = _inputs((2, 3), (2, 3))
    np.testing.assert_allclose(layers.Subtract(dtype="float64")([a, b]), a - b)
    with pytest.raises(ShapeError, match=r"Subtract '.*' takes 2 inputs; received 3"):
        layers.Subtract()([a, b, a])


def test_merging_mismatched_shapes_names_the_layer_and_the_shapes():
    with pytest.raises(ShapeError, match=r"Add '.*' cannot merge inputs of shapes \[\(2, 3\), \(2, 4\)\]"):
        layers.Add()(_inputs((2, 3), (2, 4)))


def test_merging_a_single_tensor_instead_of_a_list_says_to_pass_a_list():
    with pytest.raises(ShapeError, match=r"takes a list of inputs"):
        layers.Add()(np.ones((2, 3)))


def test_concatenate_matches_numpy_and_splits_its_gradient():
    a, b = _inputs((2, 3, 4), (2, 2, 4))
    layer = layers.Concatenate(axis=1, dtype="float64")
    np.testing.assert_array_equal(layer([a, b]), np.concatenate([a, b], axis=1))
    check_gradients(lambda x, y: layer([x, y]), [a, b], name="Concatenate")


@pytest.mark.parametrize("symbolic", [False, True])
def test_concatenate_of_mismatched_shapes_names_the_layer_and_the_shapes(symbolic):
    shapes = [(2, 3, 4), (2, 5, 6)]
    inputs = [layers.Input(batch_shape=s) for s in shapes] if symbolic else _inputs(*shapes)
    with pytest.raises(ShapeError, match=r"Concatenate '.*'.*\(2, 3, 4\), \(2, 5, 6\)"):
        layers.Concatenate(axis=-1)(inputs)


def test_concatenate_of_symbolic_inputs_adds_up_the_axis():
    out = layers.Concatenate()([layers.Input(shape=(5, 3)), layers.Input(shape=(5, 2))])
    assert out.shape == (None, 5, 5)


def test_concatenate_mask_joins_the_input_masks_with_all_true_for_unmasked_inputs():
    a, b = _inputs((2, 3, 4), (2, 3, 2))
    mask_a = np.array([[True, False, True], [True, True, False]])
    mask = layers.Concatenate(axis=-1).compute_mask([a, b], [mask_a, None])
    np.testing.assert_array_equal(mask, mask_a)
    assert layers.Concatenate().compute_mask([a, b], [None, None]) is None


def test_merge_mask_keeps_what_every_input_keeps():
    a, b = _inputs((1, 3, 2), (1, 3, 2))
    mask = layers.Add().compute_mask([a, b], [np.array([[True, True, False]]), np.array([[True, False, True]])])
    np.testing.assert_array_equal(mask, [[True, False, False]])


def test_dot_of_vectors_is_a_per_sample_dot_product_of_shape_batch_by_one():
    a, b = _inputs((4, 3), (4, 3))
    out = layers.Dot(axes=1, dtype="float64")([a, b])
    np.testing.assert_allclose(out, np.sum(a * b, axis=1, keepdims=True))


def test_dot_of_sequences_contracts_the_given_axes():
    a, b = _inputs((2, 3, 4), (2, 5, 4))
    layer = layers.Dot(axes=(2, 2), dtype="float64")
    np.testing.assert_allclose(layer([a, b]), np.einsum("btd,bsd->bts", a, b))
    check_gradients(lambda x, y: layer([x, y]), [a, b], name="Dot")


def test_dot_with_normalize_gives_the_cosine_similarity():
    a, b = _inputs((3, 5), (3, 5))
    cosine = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    np.testing.assert_allclose(layers.Dot(axes=1, normalize=True, dtype="float64")([a, b])[:, 0], cosine)
    layer = layers.Dot(axes=1, normalize=True, dtype="float64")
    check_gradients(lambda x, y: layer([x, y]), [a, b], name="Dot(normalize=True)")


def test_dot_of_axes_of_different_sizes_names_both_shapes():
    with pytest.raises(ShapeError, match=r"Dot '.*'.*3 \(axis 1 of shape \(2, 3\)\).*4 \(axis 1 of shape \(2, 4\)\)"):
        layers.Dot(axes=1)(_inputs((2, 3), (2, 4)))


@pytest.mark.parametrize("axes", [(1, 2, 3), "1", 1.5])
def test_dot_rejects_axes_that_are_not_an_int_or_a_pair(axes):
    with pytest.raises(ConfigError, match=r"Dot '.*'.*`axes`"):
        layers.Dot(axes=axes)


@pytest.mark.parametrize("name, cls, kwargs", [
    ("add", "Add", {}), ("subtract", "Subtract", {}), ("multiply", "Multiply", {}), ("average", "Average", {}),
    ("maximum", "Maximum", {}), ("minimum", "Minimum", {}), ("concatenate", "Concatenate", {"axis": 1}),
    ("dot", "Dot", {"axes": 1}),
])
def test_the_functional_form_of_a_merging_layer_builds_that_layer_in_a_model(name, cls, kwargs):
    a, b = kcore.Input((4,)), kcore.Input((4,))
    model = kcore.Model([a, b], getattr(kcore.layers, name)([a, b], **kwargs))
    assert type(model.layers[-1]).__name__ == cls
    x = np.random.default_rng(0).standard_normal((3, 4)).astype("float32")
    y = np.random.default_rng(1).standard_normal((3, 4)).astype("float32")
    expected = getattr(kcore.layers, cls)(**kwargs)([x, y])
    np.testing.assert_allclose(model.predict([x, y], verbose=0), expected, rtol=1e-6)
