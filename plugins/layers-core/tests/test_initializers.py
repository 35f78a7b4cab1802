"""Initializers: their statistics, seeds, dtypes and configs."""

import math

import numpy as np
import pytest
from kcore_layers_core.initializers import CLASSES, compute_fans

from kcore import initializers, layers
from kcore.errors import ConfigError, DTypeError
from kcore.utils import set_random_seed


def test_glorot_uniform_draws_within_its_limit_with_the_uniform_variance():
    fan_in, fan_out = 300, 200
    values = initializers.GlorotUniform(seed=0)((fan_in, fan_out))
    limit = math.sqrt(6 / (fan_in + fan_out))
    assert values.dtype == np.float32 and values.shape == (fan_in, fan_out)
    assert np.abs(values).max() <= limit and np.abs(values).max() > 0.99 * limit
    assert abs(values.var() - limit ** 2 / 3) < 0.02 * limit ** 2 / 3


@pytest.mark.parametrize(("name", "scale", "fan"), [("HeNormal", 2.0, "in"), ("LecunNormal", 1.0, "in"),
                                                    ("GlorotNormal", 1.0, "avg")])
def test_truncated_normal_variance_scalers_have_the_target_standard_deviation(name, scale, fan):
    shape = (3, 3, 40, 60)  # a conv kernel: fans count its receptive field
    fan_in, fan_out = 9 * 40, 9 * 60
    values = getattr(initializers, name)(seed=1)(shape)
    n = fan_in if fan == "in" else (fan_in + fan_out) / 2
    assert abs(values.std() - math.sqrt(scale / n)) < 0.02 * math.sqrt(scale / n)
    assert np.abs(values).max() <= 2 * math.sqrt(scale / n) / 0.87962566103423978 + 1e-6  # truncated at 2 stddev


@pytest.mark.parametrize(("name", "limit"), [("HeUniform", lambda fi, fo: math.sqrt(6 / fi)),
                                             ("LecunUniform", lambda fi, fo: math.sqrt(3 / fi))])
def test_uniform_variance_scalers_draw_within_their_limit(name, limit):
    values = getattr(initializers, name)(seed=2)((100, 50))
    assert np.abs(values).max() <= limit(100, 50) and np.abs(values).max() > 0.98 * limit(100, 50)


def test_variance_scaling_untruncated_normal_has_the_target_standard_deviation():
    values = initializers.VarianceScaling(scale=3.0, mode="fan_out", distribution="untruncated_normal",
                                          seed=0)((100, 400))
    assert abs(values.std() - math.sqrt(3.0 / 400)) < 0.01 * math.sqrt(3.0 / 400)


def test_compute_fans_counts_the_receptive_field_of_conv_kernels():
    assert compute_fans((5, 7)) == (5, 7)
    assert compute_fans((3, 3, 16, 32)) == (144, 288)
    assert compute_fans((4,)) == (4, 4)


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (2, 3, 5)])
def test_orthogonal_gives_orthonormal_columns_or_rows_times_the_gain(shape):
    values = np.asarray(initializers.Orthogonal(gain=2.0, seed=0)(shape), dtype="float64")
    matrix = values.reshape(-1, shape[-1])
    small = matrix.T @ matrix if matrix.shape[0] >= matrix.shape[1] else matrix @ matrix.T
    np.testing.assert_allclose(small, 4.0 * np.eye(len(small)), atol=1e-5)


def test_identity_is_the_scaled_identity_matrix():
    np.testing.assert_array_equal(initializers.Identity(gain=3.0)((2, 3)), 3.0 * np.eye(2, 3))
    with pytest.raises(ConfigError, match=r"2-D"):
        initializers.Identity()((2, 2, 2))


def test_constant_zeros_and_ones_fill_in_the_requested_dtype():
    assert initializers.Constant(2.5)((2, 2), dtype="float64").tolist() == [[2.5, 2.5], [2.5, 2.5]]
    assert initializers.get("zeros")((3,), dtype="int32").dtype == np.int32
    assert initializers.get("ones")((3,)).dtype == np.float32


def test_random_uniform_defaults_to_plus_minus_five_hundredths():
    values = initializers.get("uniform")((1000,))
    assert values.min() >= -0.05 and values.max() <= 0.05 and values.min() < -0.045


def test_random_initializers_refuse_integer_dtypes():
    with pytest.raises(DTypeError, match=r"RandomNormal.*int32"):
        initializers.RandomNormal()((2,), dtype="int32")


def test_a_seeded_initializer_repeats_and_unseeded_ones_differ_per_weight():
    seeded = initializers.GlorotUniform(seed=5)
    np.testing.assert_array_equal(seeded((4, 4)), seeded((4, 4)))
    unseeded = initializers.GlorotUniform()
    assert (unseeded((4, 4)) != unseeded((4, 4))).any()
    first, second = layers.Dense(4), layers.Dense(4)
    x = np.ones((1, 4), "float32")
    first(x), second(x)
    assert (first.kernel.numpy() != second.kernel.numpy()).any()


def test_set_random_seed_repeats_unseeded_initializers():
    def draw():
        set_random_seed(123)
        return initializers.GlorotUniform()((3, 3)), initializers.RandomNormal()((3,))

    for a, b in zip(draw(), draw(), strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_every_initializer_config_round_trips(cls):
    instance = cls()
    assert type(instance).from_config(instance.get_config()).get_config() == instance.get_config()


def test_initializer_configs_have_keras_3_keys():
    assert initializers.GlorotUniform(seed=3).get_config() == {"seed": 3}
    assert initializers.VarianceScaling().get_config() == {"scale": 1.0, "mode": "fan_in",
                                                           "distribution": "truncated_normal", "seed": None}
    assert set(initializers.RandomNormal().get_config()) == {"mean", "stddev", "seed"}
    assert set(initializers.RandomUniform().get_config()) == {"minval", "maxval", "seed"}
    assert initializers.Orthogonal().get_config() == {"gain": 1.0, "seed": None}


@pytest.mark.parametrize(("kwargs", "match"), [({"scale": 0}, "scale"), ({"mode": "fan_sum"}, "mode"),
                                               ({"distribution": "cauchy"}, "distribution")])
def test_variance_scaling_rejects_bad_arguments_naming_them(kwargs, match):
    with pytest.raises(ConfigError, match=f"VarianceScaling.*{match}"):
        initializers.VarianceScaling(**kwargs)
