"""The README's examples run, each on a small slice: a smoke test of what a newcomer runs first."""

import pathlib
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def run(script, *args, cwd=None):
    done = subprocess.run([sys.executable, str(EXAMPLES / script), *map(str, args)], capture_output=True, text=True,
                          timeout=300, cwd=cwd)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return done.stdout


def test_main_example_trains_saves_reloads_and_plots(tmp_path):
    out = run("train_mnist.py", "--limit", 600, "--epochs", 1, "--output", tmp_path)
    assert "Epoch 1/1" in out and "test accuracy on 2000 held-out real MNIST digits" in out
    assert "predictions identical" in out
    assert (tmp_path / "mnist_convnet.keras").is_file()
    pytest.importorskip("matplotlib")
    assert (tmp_path / "mnist_convnet_history.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_mlp_example_reports_held_out_accuracy():
    out = run("mnist_mlp.py", "--epochs", 1)
    accuracy = float(out.rsplit("test accuracy on 2000 held-out real MNIST digits: ", 1)[1].split("%")[0])
    assert accuracy > 80


def test_custom_loop_example_learns():
    out = run("mnist_custom_loop.py", "--epochs", 1, "--hidden", 64)
    assert "final test accuracy" in out
    assert float(out.rsplit(": ", 1)[1].strip().rstrip("%")) > 70


def test_char_lstm_example_trains_and_samples(tmp_path):
    text = tmp_path / "tiny.txt"
    text.write_text("ROMEO:\nBut soft, what light through yonder window breaks?\n" * 40, encoding="utf-8")
    out = run("char_lstm.py", "--data", text, "--steps", 3, "--length", 16, "--batch-size", 4, "--log-every", 1,
              "--sample-length", 20)
    assert "ROMEO:" in out
