"""Smoke tests of the examples on a small slice: each runs as a script, trains for one epoch on a few real digits,
prints its final lines, and writes a model that loads again."""

import importlib.util
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

import kcore

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def run_example(name, *args, cwd):
    """Run examples/<name>.py with `args`; return its stdout, failing with its stderr when it fails."""
    done = subprocess.run([sys.executable, str(EXAMPLES / f"{name}.py"), *map(str, args)],
                          capture_output=True, text=True, timeout=300, cwd=cwd)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def import_example(name):
    """Import examples/<name>.py as a module, so that the classes it registers are known to `load_model`."""
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def accuracy_in(pattern, stdout):
    """The percentage printed in the line matching `pattern` (with one `([\\d.]+)%` group), as a fraction."""
    match = re.search(pattern, stdout)
    assert match, f"no line matching {pattern!r} in:\n{stdout[-2000:]}"
    return float(match.group(1)) / 100


def test_mnist_convnet_example_checkpoints_the_best_model_and_evaluates_it_after_reloading(tmp_path, mnist):
    pytest.importorskip("kcore_layers_conv")
    output = tmp_path / "run"
    stdout = run_example("mnist_convnet", "--epochs", 1, "--limit", 64, "--output", output, cwd=tmp_path)
    best = output / "best.keras"
    assert "saving model to" in stdout and f"best checkpoint: {best}" in stdout
    accuracy = accuracy_in(r"test accuracy of the best checkpoint on 2000 held-out real MNIST digits: ([\d.]+)%",
                           stdout)
    assert 0 <= accuracy <= 1
    model = kcore.saving.load_model(best)
    assert [type(layer).__name__ for layer in model.layers] == [
        "Conv2D", "Conv2D", "MaxPooling2D", "Conv2D", "Conv2D", "GlobalAveragePooling2D", "Dropout", "Dense"]
    x_test = mnist[1][0]
    probabilities = np.asarray(model.predict(x_test[:4, ..., None].astype("float32") / 255, verbose=0))
    assert probabilities.shape == (4, 10)
    np.testing.assert_allclose(probabilities.sum(axis=-1), 1, rtol=1e-5)


def test_functional_multi_io_example_trains_two_heads_and_reloads_them(tmp_path):
    saved = tmp_path / "multi.keras"
    stdout = run_example("functional_multi_io", "--epochs", 1, "--limit", 256, "--save", saved, cwd=tmp_path)
    assert 0 <= accuracy_in(r"test digit accuracy on 2000 held-out digits: ([\d.]+)%", stdout) <= 1
    assert re.search(r"test results: .*digit_loss [\d.]+.*ink_loss [\d.]+", stdout)
    assert f"saved to {saved}; reloaded model predicts the same: True" in stdout
    model = kcore.saving.load_model(saved)
    inputs = {"pixels": np.zeros((3, 784), "float32"), "hint": np.eye(10, dtype="float32")[:3]}
    outputs = model.predict(inputs, verbose=0)
    assert set(outputs) == {"digit", "ink"}
    assert outputs["digit"].shape == (3, 10) and outputs["ink"].shape == (3, 1)
    assert np.all((outputs["ink"] >= 0) & (outputs["ink"] <= 1))


def test_subclassed_model_example_saves_a_registered_class_that_reloads_as_itself(tmp_path, mnist):
    saved = tmp_path / "residual.keras"
    stdout = run_example("subclassed_model", "--epochs", 1, "--limit", 256, "--units", 32, "--save", saved,
                         cwd=tmp_path)
    printed = accuracy_in(r"test accuracy on 2000 held-out real MNIST digits: ([\d.]+)%", stdout)
    assert "reloaded a ResidualMLP with 2 residual blocks of 32 units; it predicts the same: True" in stdout
    example = import_example("subclassed_model")  # registers "examples>ResidualMLP" in this process
    model = kcore.saving.load_model(saved)
    assert type(model) is example.ResidualMLP and model.units == 32 and model.num_blocks == 2
    (_, _), (x_test, y_test) = mnist
    predicted = model.predict(x_test.reshape(-1, 784).astype("float32") / 255, verbose=0).argmax(axis=-1)
    assert abs(np.mean(predicted == y_test) - printed) < 1e-3  # the script reports the saved model's accuracy


def test_custom_layer_example_trains_saves_and_reloads_its_attention_pooling(tmp_path):
    saved = tmp_path / "attention.keras"
    stdout = run_example("custom_layer", "--epochs", 1, "--limit", 256, "--heads", 2, "--save", saved, cwd=tmp_path)
    assert 0 <= accuracy_in(r"test accuracy on 2000 held-out real MNIST digits: ([\d.]+)%", stdout) <= 1
    assert "its AttentionPooling1D has 2 heads of 32 units and 4 weights; it predicts the same: True" in stdout
    example = import_example("custom_layer")
    pooling = kcore.saving.load_model(saved).get_layer("attention_pooling")
    assert type(pooling) is example.AttentionPooling1D and pooling.heads == 2

    # The layer computes what its docstring says: per head, a softmax over the steps weights their average.
    layer = example.AttentionPooling1D(units=3, heads=2)
    x = np.random.default_rng(0).random((2, 5, 4), dtype="float32")
    got = np.asarray(layer(x))
    kernel, bias, context, position = (np.asarray(w.value) for w in layer.weights)
    scores = np.tanh(x @ kernel + bias) @ context + position
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights /= weights.sum(axis=1, keepdims=True)
    want = np.einsum("bsh,bsf->bhf", weights, x).reshape(2, 8)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert got.dtype == np.float32


def test_images_from_folders_example_reads_the_digits_back_from_png_files(tmp_path, mnist):
    pytest.importorskip("PIL")
    pytest.importorskip("kcore_layers_conv")
    output = tmp_path / "run"
    stdout = run_example("images_from_folders", "--epochs", 1, "--limit", 300, "--output", output, cwd=tmp_path)
    assert "Found 300 files belonging to 10 classes." in stdout and "Using 60 files for validation." in stdout
    assert "classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']" in stdout
    assert 0 <= accuracy_in(r"test accuracy on 2000 digits read from PNG files: ([\d.]+)%", stdout) <= 1
    first = sorted((output / "digits" / "train" / str(mnist[0][1][0])).iterdir())[0]
    np.testing.assert_array_equal(kcore.utils.img_to_array(kcore.utils.load_img(first, color_mode="grayscale"))[..., 0],
                                  mnist[0][0][0])
    assert len(list((output / "digits" / "test").rglob("*.png"))) == 2000
    assert kcore.saving.load_model(output / "digits.keras").output_shape == (None, 10)
