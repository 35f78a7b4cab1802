"""What a model call does on every inference, kept cheap: the input check (remembered per shape), the layer calls
(the `training` flag of the call reaches every layer), and the masks a Sequential model hands from layer to layer.
Layers written here, so that only the core's contracts are exercised."""

import numpy as np
import pytest

import kcore
from kcore import layers, ops
from kcore.errors import ShapeError


class Recorder(layers.Layer):
    """Passes its inputs through and writes down the mask and the training flag it was called with."""

    supports_masking = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen = []

    def call(self, inputs, training=None, mask=None):
        self.seen.append((training, None if mask is None else np.asarray(mask)))
        return inputs


class ZeroMask(layers.Layer):
    """Masks the timesteps whose features are all zero, as Keras's Masking(0.0) does."""

    def call(self, inputs):
        return inputs

    def compute_mask(self, inputs, previous_mask=None):
        return ops.any(ops.not_equal(inputs, 0.0), axis=-1)


def test_the_input_check_remembers_good_shapes_and_still_refuses_a_bad_one_after_them():
    model = kcore.Sequential([layers.Input((4,)), Recorder()])
    other = kcore.Sequential([layers.Input((5,)), Recorder()])
    for _ in range(2):
        model(np.ones((2, 4), "float32"))
        other(np.ones((3, 5), "float32"))
    with pytest.raises(ShapeError, match=r"expects shape \(None, 4\).*received shape \(2, 5\)"):
        model(np.ones((2, 5), "float32"))
    with pytest.raises(ShapeError, match=r"expects shape \(None, 5\).*received shape \(3, 4\)"):
        other(np.ones((3, 4), "float32"))
    with pytest.raises(ShapeError, match=r"received shape \(4,\)"):
        model(np.ones(4, "float32"))


def test_every_layer_gets_the_training_flag_of_the_model_call():
    first, second = Recorder(), Recorder()
    model = kcore.Sequential([layers.Input((3,)), first, second])
    x = np.ones((2, 3), "float32")
    first.seen.clear(), second.seen.clear()  # the shape inference of the model's build
    model(x)
    model(x, training=True)
    model.predict_on_batch(x)
    assert [t for t, _ in first.seen] == [t for t, _ in second.seen] == [None, True, False]


def test_a_sequential_model_hands_a_mask_on_from_the_layer_that_makes_it():
    before, after, last = Recorder(), Recorder(), Recorder()
    model = kcore.Sequential([layers.Input((3, 2)), before, ZeroMask(), after, last])
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]]], "float32")
    model(x)
    assert before.seen[-1][1] is None
    for layer in (after, last):  # Recorder supports masking: the mask goes on through it
        np.testing.assert_array_equal(layer.seen[-1][1], [[True, False, True]])


def test_an_input_whose_last_axis_is_one_takes_data_without_that_axis_and_the_reverse():
    # as Keras's functional models do: (batch,) strings feed Input(shape=(1,)); (batch, 28, 28) feeds (28, 28, 1)
    images = np.random.RandomState(0).rand(3, 6, 6).astype("float32")
    model = kcore.Sequential([layers.Input((6, 6, 1)), Recorder()])
    np.testing.assert_array_equal(model(images), images[..., None])
    flat = kcore.Sequential([layers.Input((6,)), Recorder()])
    np.testing.assert_array_equal(flat(images[:, :, :1]), images[:, :, 0])
    inputs = layers.Input((1,))
    functional = kcore.Model(inputs, Recorder()(inputs))
    for _ in range(2):  # the second call goes through the remembered shape
        assert functional(np.arange(4.0, dtype="float32")).shape == (4, 1)
    with pytest.raises(ShapeError, match=r"expects shape \(None, 6, 6, 1\).*received shape \(3, 6, 5\)"):
        model(images[:, :, :5])
    with pytest.raises(ShapeError, match=r"expects shape \(None, 6\).*received shape \(3, 6, 2\)"):
        flat(images[:, :, :2])
