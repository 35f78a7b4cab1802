"""CategoryEncoding and Discretization: Keras 3's documented examples, per-element NumPy references, shapes and
dtypes for rank-1 and rank-2 inputs, adapt's quantile boundaries (against values of Keras 3.15's algorithm), errors,
config round trips, and CategoryEncoding after IntegerLookup in a model trained with fit."""

import numpy as np
import pytest
from kcore_layers_preprocessing.category_encoding import CategoryEncoding
from kcore_layers_preprocessing.discretization import Discretization
from kcore_layers_preprocessing.integer_lookup import IntegerLookup

import kcore
from kcore import layers
from kcore.errors import ConfigError, DTypeError, OpIndexError, ShapeError
from kcore.testing import check_gradients

RNG = np.random.default_rng(0)


def bag_reference(tokens, depth, weights=None):
    """Per sample (row), the sum of the weights (1 each by default) of each token, by a Python loop."""
    tokens = np.atleast_2d(tokens)
    weights = np.ones(tokens.shape) if weights is None else np.atleast_2d(weights)
    out = np.zeros((len(tokens), depth))
    for row in range(len(tokens)):
        for token, weight in zip(tokens[row], weights[row], strict=True):
            out[row, token] += weight
    return out


# -- CategoryEncoding --------------------------------------------------------------------------------------


def test_category_encoding_reproduces_keras_examples():
    one_hot = CategoryEncoding(num_tokens=4, output_mode="one_hot")([3, 2, 0, 1])
    np.testing.assert_array_equal(one_hot, np.eye(4)[[3, 2, 0, 1]])
    multi = CategoryEncoding(num_tokens=4, output_mode="multi_hot")([[0, 1], [0, 0], [1, 2], [3, 1]])
    np.testing.assert_array_equal(multi, [[1, 1, 0, 0], [1, 0, 0, 0], [0, 1, 1, 0], [0, 1, 0, 1]])
    weights = np.array([[.1, .2], [.1, .1], [.2, .3], [.4, .2]])
    counted = CategoryEncoding(num_tokens=4, output_mode="count")([[0, 1], [0, 0], [1, 2], [3, 1]],
                                                                   count_weights=weights)
    np.testing.assert_allclose(counted, [[.1, .2, 0, 0], [.2, 0, 0, 0], [0, .2, .3, 0], [0, .2, 0, .4]], rtol=1e-6)
    assert counted.dtype == np.float32


@pytest.mark.parametrize("shape", [(6, 5), (1, 9), (4, 1)])
def test_category_encoding_matches_a_per_token_reference(shape):
    tokens = RNG.integers(0, 7, size=shape)
    counts = bag_reference(tokens, 7)
    count_layer, multi_layer = CategoryEncoding(7, output_mode="count"), CategoryEncoding(7)
    np.testing.assert_array_equal(count_layer(tokens), counts)
    np.testing.assert_array_equal(multi_layer(tokens), counts > 0)
    one_hot = CategoryEncoding(7, output_mode="one_hot")(tokens)
    expected = np.eye(7)[tokens[:, 0]] if shape[-1] == 1 else np.eye(7)[tokens]
    np.testing.assert_array_equal(one_hot, expected)
    weights = RNG.uniform(-1, 2, size=shape)
    np.testing.assert_allclose(count_layer(tokens, count_weights=weights), bag_reference(tokens, 7, weights),
                               rtol=1e-5, atol=1e-6)
    for out in (count_layer(tokens), multi_layer(tokens), one_hot):
        assert out.dtype == np.float32


@pytest.mark.parametrize(("mode", "rank1", "column", "matrix"), [
    ("multi_hot", (5,), (3, 5), (3, 5)),
    ("count", (5,), (3, 5), (3, 5)),
    ("one_hot", (4, 5), (3, 5), (3, 4, 5)),
])
def test_category_encoding_output_shapes_follow_keras(mode, rank1, column, matrix):
    layer = CategoryEncoding(5, output_mode=mode)
    for tokens, shape in ((np.array([0, 4, 4, 2]), rank1), (np.array([[1], [0], [3]]), column),
                          (np.array([[1, 2, 0, 0], [4, 4, 4, 4], [3, 1, 2, 0]]), matrix)):
        assert layer(tokens).shape == shape
        assert layer.compute_output_shape(tokens.shape) == shape
    symbolic = layer(layers.Input(shape=(4,), dtype="int32"))
    assert tuple(symbolic.shape) == (None, *matrix[1:])
    # a rank-1 input is one sample: its tokens are counted together
    np.testing.assert_array_equal(CategoryEncoding(5, output_mode="count")(np.array([0, 4, 4, 2])), [1, 0, 1, 0, 2])


def test_category_encoding_takes_whole_floats_and_its_dtype():
    np.testing.assert_array_equal(CategoryEncoding(3)(np.array([[2.0, 0.0]])), [[1, 0, 1]])
    out = CategoryEncoding(3, output_mode="count", dtype="float64")(np.array([[2, 2, 1]]))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [[0, 1, 2]])


def test_count_weights_carry_gradients():
    tokens = np.array([[0, 2, 2], [1, 1, 3]])
    layer = CategoryEncoding(4, output_mode="count", dtype="float64")
    check_gradients(lambda w: layer(tokens, count_weights=w), [RNG.uniform(size=(2, 3))])


def test_category_encoding_refuses_tokens_outside_the_range():
    layer = CategoryEncoding(num_tokens=3)
    with pytest.raises(OpIndexError, match=r"\[0, num_tokens=3\).*\[3\]"):
        layer(np.array([[0, 3]]))
    with pytest.raises(IndexError, match=r"\[-1\]"):
        CategoryEncoding(3, output_mode="one_hot")(np.array([-1, 2]))
    with pytest.raises(DTypeError, match="integer tokens"):
        layer(np.array([[0.5, 1.0]]))
    with pytest.raises(ShapeError, match="rank 1"):
        layer(np.zeros((2, 2, 2), "int32"))


def test_category_encoding_refuses_bad_arguments():
    for kwargs, message in (({}, "num_tokens` must be set"), ({"num_tokens": 0}, "int >= 1"),
                            ({"num_tokens": 2.5}, "int >= 1"), ({"num_tokens": 3, "output_mode": "tf_idf"},
                                                                "output_mode"),
                            ({"num_tokens": 3, "sparse": True}, "sparse")):
        with pytest.raises(ConfigError, match=message):
            CategoryEncoding(**kwargs)
    with pytest.raises(ConfigError, match="count_weights"):
        CategoryEncoding(3)(np.array([[0, 1]]), count_weights=np.ones((1, 2)))
    with pytest.raises(ShapeError, match="count_weights"):
        CategoryEncoding(3, output_mode="count")(np.array([[0, 1]]), count_weights=np.ones((1, 3)))


def test_category_encoding_config_round_trips_with_keras_keys():
    layer = CategoryEncoding(num_tokens=6, output_mode="binary", name="bag")
    config = layer.get_config()
    assert {k: config[k] for k in ("name", "num_tokens", "output_mode")} == {
        "name": "bag", "num_tokens": 6, "output_mode": "multi_hot"}
    clone = CategoryEncoding.from_config(config)
    assert clone.get_config() == config
    tokens = np.array([[5, 0, 5]])
    np.testing.assert_array_equal(clone(tokens), layer(tokens))
    # a config as Keras writes it (with or without "sparse")
    keras_config = {"name": "category_encoding", "trainable": True, "dtype": "float32", "num_tokens": 3,
                    "output_mode": "count", "sparse": False}
    np.testing.assert_array_equal(CategoryEncoding.from_config(keras_config)(np.array([[1, 1]])), [[0, 2, 0]])


def test_integer_lookup_then_category_encoding_trains_with_fit():
    kcore.utils.set_random_seed(0)
    rng = np.random.default_rng(1)
    codes = np.array([101, 205, 333, 420, 512])
    x = rng.choice(np.append(codes, [7, 999]), size=(128, 3))  # 7 and 999 are out of vocabulary
    y = np.isin(x, [205, 512]).any(axis=1).astype("float32")[:, None]
    lookup = IntegerLookup(vocabulary=codes)
    inputs = layers.Input(shape=(3,), dtype="int64")
    bag = CategoryEncoding(num_tokens=lookup.vocabulary_size(), output_mode="multi_hot")(lookup(inputs))
    model = kcore.Model(inputs, layers.Dense(1, activation="sigmoid")(bag))
    assert tuple(bag.shape) == (None, 6)
    model.compile(optimizer=kcore.optimizers.Adam(learning_rate=0.1), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=15, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.95
    assert model.predict(x[:4], verbose=0).shape == (4, 1)


# -- Discretization ----------------------------------------------------------------------------------------

KERAS_INPUT = np.array([[-1.5, 1.0, 3.4, .5], [0.0, 3.0, 1.3, 0.0]])


def bins_reference(x, boundaries):
    """The bin of each value: how many boundaries are <= it (values compared in float32, as Keras does)."""
    x = np.asarray(x, dtype="float32").astype("float64")
    return (x[..., None] >= np.asarray(boundaries)).sum(axis=-1)


def test_discretization_reproduces_keras_examples():
    out = Discretization(bin_boundaries=[0., 1., 2.])(KERAS_INPUT)
    np.testing.assert_array_equal(out, [[0, 2, 3, 1], [1, 3, 2, 1]])
    assert out.dtype == np.int32
    layer = Discretization(num_bins=4, epsilon=0.01)
    layer.adapt(KERAS_INPUT)
    np.testing.assert_array_equal(layer(KERAS_INPUT), [[0, 2, 3, 2], [1, 3, 3, 1]])


def test_discretization_matches_a_per_value_reference_in_every_mode():
    boundaries = [-1.0, -0.2, 0.0, 0.0, 0.7, 1.5]  # a repeated boundary leaves an empty bin, as in Keras
    x = np.round(RNG.uniform(-2, 2, size=(5, 4)), 1)  # many values exactly on a boundary
    ids = bins_reference(x, boundaries)
    depth = len(boundaries) + 1
    np.testing.assert_array_equal(Discretization(bin_boundaries=boundaries)(x), ids)
    np.testing.assert_array_equal(Discretization(bin_boundaries=boundaries, output_mode="one_hot")(x),
                                  np.eye(depth)[ids])
    counts = bag_reference(ids, depth)
    np.testing.assert_array_equal(Discretization(bin_boundaries=boundaries, output_mode="count")(x), counts)
    multi = Discretization(bin_boundaries=boundaries, output_mode="multi_hot")(x)
    np.testing.assert_array_equal(multi, counts > 0)
    assert multi.dtype == np.float32


def test_discretization_compares_floats_in_float32_as_keras():
    # float32(0.7) < 0.7 and float32(0.1) > 0.1: Keras casts float inputs to floatx before bucketizing
    np.testing.assert_array_equal(Discretization(bin_boundaries=[0.7])(np.array([0.7, 0.1])), [0, 0])
    np.testing.assert_array_equal(Discretization(bin_boundaries=[0.1])(np.array([0.7, 0.1])), [1, 1])
    np.testing.assert_array_equal(Discretization(bin_boundaries=[2])(np.array([1, 2, 3])), [0, 1, 1])


@pytest.mark.parametrize(("mode", "rank1", "column", "matrix"), [
    ("int", (4,), (3, 1), (3, 4)),
    ("one_hot", (4, 3), (3, 3), (3, 4, 3)),
    ("multi_hot", (3,), (3, 3), (3, 3)),
    ("count", (3,), (3, 3), (3, 3)),
])
def test_discretization_output_shapes_follow_keras(mode, rank1, column, matrix):
    layer = Discretization(bin_boundaries=[0.0, 1.0], output_mode=mode)
    for x, shape in ((np.array([-1.0, 0.5, 2.0, 2.0]), rank1), (np.array([[0.5], [3.0], [-2.0]]), column),
                     (RNG.normal(size=(3, 4)), matrix)):
        assert layer(x).shape == shape
        assert layer.compute_output_shape(x.shape) == shape
    symbolic = layer(layers.Input(shape=(4,)))
    assert tuple(symbolic.shape) == (None, *matrix[1:])
    assert symbolic.dtype == ("int32" if mode == "int" else "float32")
    # before adapt, shape inference counts `num_bins` bins
    assert Discretization(num_bins=5, output_mode=mode).compute_output_shape((None, 4))[-1] == (
        4 if mode == "int" else 5)


def test_adapt_interpolates_the_quantiles_of_one_small_batch():
    x = RNG.normal(size=(10, 5)).astype("float32")  # 50 values, fewer than 1/epsilon: each kept with weight 1
    layer = Discretization(num_bins=4)
    layer.adapt(x)
    fractions = np.sort(x.reshape(-1)).astype("float64")
    expected = np.interp(np.arange(1, 4) / 4, np.arange(1, 51) / 50, fractions)
    np.testing.assert_allclose(layer.bin_boundaries, expected, rtol=1e-6)
    np.testing.assert_array_equal(layer(x), bins_reference(x, layer.bin_boundaries))
    # fewer values than bins: the sorted values but the last are the boundaries
    few = Discretization(num_bins=8)
    few.adapt(np.array([3.0, -1.0, 2.5, 7.0, 0.5]))
    assert few.bin_boundaries == [-1.0, 0.5, 2.5, 3.0]


def test_adapt_over_batches_matches_keras_3_15():
    # expected boundaries computed by Keras 3.15's summarize / merge_summaries / get_bin_boundaries
    data = np.random.default_rng(7).normal(size=(300, 2)).astype("float32")
    layer = Discretization(num_bins=5)
    layer.adapt(data)
    np.testing.assert_allclose(layer.bin_boundaries, [-0.9717088937759399, -0.3045879602432251,
                                                      0.05430355295538902, 0.6469035148620605], rtol=1e-6)
    batched = Discretization(num_bins=5, epsilon=0.05)
    batched.adapt(iter([data[:100], data[100:200], data[200:]]))
    expected = [-0.8758830428123474, -0.2607981562614441, 0.1095941886305809, 0.7593411803245544]
    np.testing.assert_allclose(batched.bin_boundaries, expected, rtol=1e-6)
    first_only = Discretization(num_bins=5, epsilon=0.05)
    first_only.adapt([data[:100], data[100:200], data[200:]], steps=1)
    alone = Discretization(num_bins=5, epsilon=0.05)
    alone.adapt(data[:100])
    assert first_only.bin_boundaries == alone.bin_boundaries != batched.bin_boundaries
    batched.adapt(data[:100])  # adapting again starts over
    assert batched.bin_boundaries == alone.bin_boundaries


def test_discretization_errors_name_the_problem():
    for kwargs, message in (({}, "either"), ({"num_bins": 3, "bin_boundaries": [0.0]}, "not both"),
                            ({"num_bins": 0}, "int >= 1"), ({"num_bins": 3, "epsilon": 0}, "epsilon"),
                            ({"bin_boundaries": [1.0, 0.0]}, "sorted"), ({"bin_boundaries": ["a"]}, "numbers"),
                            ({"bin_boundaries": [0.0], "output_mode": "tf_idf"}, "output_mode"),
                            ({"bin_boundaries": [0.0], "output_mode": "count", "sparse": True}, "sparse")):
        with pytest.raises(ConfigError, match=message):
            Discretization(**kwargs)
    with pytest.raises(ConfigError, match="call adapt"):
        Discretization(num_bins=3)(np.zeros(3))
    with pytest.raises(ConfigError, match="nothing to adapt"):
        Discretization(bin_boundaries=[0.0]).adapt(np.zeros(3))
    with pytest.raises(ConfigError, match="no values"):
        Discretization(num_bins=3).adapt([])
    with pytest.raises(DTypeError, match="numbers"):
        Discretization(bin_boundaries=[0.0])(np.array(["a"]))


def test_discretization_config_round_trips_with_the_adapted_boundaries():
    layer = Discretization(num_bins=4, output_mode="count", name="buckets")
    layer.adapt(KERAS_INPUT)
    config = layer.get_config()
    assert config["bin_boundaries"] == layer.bin_boundaries and config["num_bins"] == 4
    assert {k: config[k] for k in ("epsilon", "output_mode", "sparse", "name")} == {
        "epsilon": 0.01, "output_mode": "count", "sparse": False, "name": "buckets"}
    clone = Discretization.from_config(config)
    assert clone.get_config() == config
    np.testing.assert_array_equal(clone(KERAS_INPUT), layer(KERAS_INPUT))
    given = Discretization(bin_boundaries=(0.0, 1.0))
    assert Discretization.from_config(given.get_config()).bin_boundaries == [0.0, 1.0]
    # a model holding the adapted layer rebuilds it from its config
    inputs = layers.Input(shape=(4,))
    model = kcore.Model(inputs, layer(inputs))
    rebuilt = kcore.Model.from_config(model.get_config())
    np.testing.assert_array_equal(rebuilt(KERAS_INPUT), layer(KERAS_INPUT))
