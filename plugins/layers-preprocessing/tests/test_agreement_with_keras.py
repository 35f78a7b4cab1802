"""Files written by real Keras 3.15.1 (numpy backend): a saved model loads with equal outputs, and the affine and
resizing layers give Keras's values. Made by `KERAS_BACKEND=numpy` scripts: the model is
`Sequential([Input((6, 6, 3)), Rescaling(1/255, offset=0.1), Normalization() adapted on model_in, Resizing(4, 5),
RandomFlip("horizontal"), CenterCrop(3, 4)])`; `rot_*`, `zoom_*`, `tr_*` and `res_*` are the layers below on `x`."""

import pathlib

import numpy as np
import pytest

import kcore
from kcore import layers

DATA = pathlib.Path(__file__).parent / "data"
OUTPUTS = np.load(DATA / "keras_3_15_outputs.npz")


def test_a_model_saved_by_keras_loads_with_equal_outputs():
    model = kcore.saving.load_model(DATA / "keras_3_15_preprocessing.keras")
    assert [type(layer).__name__ for layer in model.layers] == ["Rescaling", "Normalization", "Resizing",
                                                                "RandomFlip", "CenterCrop"]
    np.testing.assert_allclose(model.predict(OUTPUTS["model_in"], verbose=0), OUTPUTS["model_out"], rtol=1e-6,
                               atol=1e-6)


def _layer(kind, fill_mode, interpolation):
    if kind == "rot":
        return layers.RandomRotation((0.07, 0.07), fill_mode=fill_mode, interpolation=interpolation, fill_value=0.3)
    if kind == "zoom":
        return layers.RandomZoom((0.3, 0.3), (-0.2, -0.2), fill_mode=fill_mode, interpolation=interpolation,
                                 fill_value=0.3)
    return layers.RandomTranslation((0.13, 0.13), (-0.31, -0.31), fill_mode=fill_mode, interpolation=interpolation,
                                    fill_value=0.3)


@pytest.mark.parametrize("kind", ["rot", "zoom", "tr"])
@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "constant", "nearest"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_affine_layers_give_keras_values(kind, fill_mode, interpolation):
    got = _layer(kind, fill_mode, interpolation)(OUTPUTS["x"], training=True)
    np.testing.assert_allclose(got, OUTPUTS[f"{kind}_{fill_mode}_{interpolation}"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "bicubic", "lanczos3"])
@pytest.mark.parametrize("antialias", [False, True])
def test_resizing_gives_keras_values(interpolation, antialias):
    got = layers.Resizing(4, 13, interpolation=interpolation, antialias=antialias)(OUTPUTS["x"])
    np.testing.assert_allclose(got, OUTPUTS[f"res_{interpolation}_{antialias}"], rtol=1e-5, atol=1e-6)
