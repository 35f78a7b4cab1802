"""Smoke test of examples/dna_classification.py on a small slice: it runs as a script, trains, and saves a model
that takes DNA strings and carries its vocabulary."""

import pathlib
import subprocess
import sys

import numpy as np
import pytest

import kcore

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "dna_classification.py"


def test_dna_classification_example_trains_and_saves_a_string_model(tmp_path):
    pytest.importorskip("kcore_layers_conv")
    saved = tmp_path / "dna.keras"
    done = subprocess.run([sys.executable, str(EXAMPLE), "--samples", "400", "--epochs", "2", "--save", str(saved)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "test accuracy on 80 held-out sequences" in done.stdout
    assert f"saved the string-to-label model to {saved}" in done.stdout
    model = kcore.saving.load_model(str(saved))
    assert model.get_layer("bases").get_vocabulary()[:2] == ["", "[UNK]"]
    assert sorted(model.get_layer("bases").get_vocabulary()[2:]) == ["a", "c", "g", "t"]
    probabilities = np.asarray(model(np.array(["ACGTTATAAAGG", "acgt"])))
    assert probabilities.shape == (2, 1) and np.all((probabilities >= 0) & (probabilities <= 1))
