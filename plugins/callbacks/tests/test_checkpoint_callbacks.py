"""ModelCheckpoint and BackupAndRestore, on real models and real files."""

import os
import signal

import numpy as np
import pytest
from kcore_callbacks import BackupAndRestore, ModelCheckpoint

import kcore
from kcore import layers
from kcore.callbacks import Callback
from kcore.errors import ConfigError
from kcore.saving import load_model

RNG = np.random.default_rng(0)
X, Y = RNG.random((32, 4), dtype="float32"), RNG.random((32, 1), dtype="float32")


def _model(seed=0):
    kcore.utils.set_random_seed(seed)
    model = kcore.Sequential([layers.Input(shape=(4,)), layers.Dense(6, activation="relu"), layers.Dense(1)])
    model.compile(optimizer=kcore.optimizers.Adam(0.01), loss="mse")
    return model


def _same_weights(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a.get_weights(), b.get_weights(), strict=True))


class Recorder(Callback):
    """Remembers the epochs that ran, and a copy of the weights at the end of each."""

    def __init__(self):
        super().__init__()
        self.epochs, self.weights = [], []

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(epoch)
        self.weights.append(self.model.get_weights())


# -- ModelCheckpoint ----------------------------------------------------------------------------------------------


def test_an_epoch_template_saves_one_loadable_model_per_epoch(tmp_path):
    model, recorder = _model(), Recorder()
    model.fit(X, Y, epochs=3, batch_size=8, verbose=0,
              callbacks=[recorder, ModelCheckpoint(tmp_path / "model_at_epoch_{epoch}.keras")])
    assert sorted(os.listdir(tmp_path)) == [f"model_at_epoch_{i}.keras" for i in (1, 2, 3)]
    for epoch in (1, 2, 3):
        saved = load_model(tmp_path / f"model_at_epoch_{epoch}.keras")
        for got, want in zip(saved.get_weights(), recorder.weights[epoch - 1], strict=True):
            np.testing.assert_array_equal(got, want)
        assert int(saved.optimizer.iterations.value) == 4 * epoch


def test_logged_values_fill_a_formatted_template(tmp_path):
    model = _model()
    history = model.fit(X, Y, epochs=2, batch_size=8, validation_split=0.25, verbose=0,
                        callbacks=[ModelCheckpoint(tmp_path / "w_{epoch:02d}_{val_loss:.2f}.weights.h5",
                                                   save_weights_only=True)])
    expected = [f"w_{i + 1:02d}_{loss:.2f}.weights.h5" for i, loss in enumerate(history.history["val_loss"])]
    assert sorted(os.listdir(tmp_path)) == sorted(expected)
    restored = _model(seed=1)
    restored.load_weights(tmp_path / expected[-1])
    assert _same_weights(restored, model)


def test_save_best_only_keeps_the_best_epoch_in_the_monitors_direction(tmp_path):
    model = _model()
    for mode, monitor, values, best in [("auto", "val_loss", [0.5, 0.7, 0.3, 0.4], 2),
                                        ("max", "val_score", [0.5, 0.7, 0.3, 0.4], 1),
                                        ("auto", "val_accuracy", [0.5, 0.7, 0.3, 0.9], 3)]:
        path = tmp_path / f"best_{mode}_{monitor}.keras"
        checkpoint = ModelCheckpoint(path, monitor=monitor, mode=mode, save_best_only=True)
        checkpoint.set_model(model)
        for epoch, value in enumerate(values):
            model.layers[1].bias.assign(np.full((1,), float(epoch), "float32"))  # the weights tell the epoch
            checkpoint.on_epoch_begin(epoch)
            checkpoint.on_epoch_end(epoch, {"loss": 1.0, monitor: value})
        assert float(load_model(path).layers[1].bias.numpy()[0]) == best, (mode, monitor)


def test_initial_value_threshold_must_be_beaten_before_the_first_save(tmp_path):
    model, path = _model(), tmp_path / "best.keras"
    checkpoint = ModelCheckpoint(path, save_best_only=True, initial_value_threshold=0.2)
    checkpoint.set_model(model)
    checkpoint.on_epoch_end(0, {"val_loss": 0.3})
    assert not path.exists()
    checkpoint.on_epoch_end(1, {"val_loss": 0.1})
    assert path.exists()


def test_an_integer_save_freq_saves_every_that_many_batches(tmp_path):
    model = _model()
    model.fit(X, Y, epochs=2, batch_size=8, verbose=0,
              callbacks=[ModelCheckpoint(tmp_path / "e{epoch}_b{batch}.keras", save_freq=3)])
    # 4 batches per epoch; a save after batches 3, 6 (epoch 2, its 2nd batch)
    assert sorted(os.listdir(tmp_path)) == ["e1_b3.keras", "e2_b2.keras"]


def test_checkpoint_arguments_are_checked(tmp_path):
    with pytest.raises(ConfigError, match=r"\.weights\.h5"):
        ModelCheckpoint(tmp_path / "w.keras", save_weights_only=True)
    with pytest.raises(ConfigError, match=r"\.keras"):
        ModelCheckpoint(tmp_path / "model.h5")
    with pytest.raises(ConfigError, match="save_freq"):
        ModelCheckpoint(tmp_path / "model.keras", save_freq="batch")
    checkpoint = ModelCheckpoint(tmp_path / "{val_los}.keras")
    checkpoint.set_model(_model())
    with pytest.raises(ConfigError, match="val_los"):
        checkpoint.on_epoch_end(0, {"val_loss": 0.1})


# -- BackupAndRestore ---------------------------------------------------------------------------------------------


class KillAt(Callback):
    """SIGKILLs its own process when epoch `epoch` begins (after the previous epoch's backup)."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="kills a forked child process (POSIX)")
def test_a_killed_fit_resumes_at_the_next_epoch_with_weights_and_optimizer_state(tmp_path):
    """shuffle=False and no dropout: a backup does not hold the global random state (nor does Keras's)."""
    backup = tmp_path / "backup"
    pid = os.fork()
    if pid == 0:  # the run that gets killed; it never returns into pytest
        try:
            _model().fit(X, Y, epochs=5, batch_size=8, shuffle=False, verbose=0,
                         callbacks=[BackupAndRestore(backup), KillAt(3)])
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    assert sorted(os.listdir(backup)) == ["epoch_3.weights.h5", "training_metadata.json"]
    uninterrupted = _model()
    uninterrupted.fit(X, Y, epochs=5, batch_size=8, shuffle=False, verbose=0)
    resumed, recorder = _model(seed=7), Recorder()  # other initial weights: all must come from the backup
    resumed.fit(X, Y, epochs=5, batch_size=8, shuffle=False, verbose=0, callbacks=[BackupAndRestore(backup),
                                                                                      recorder])
    assert recorder.epochs == [3, 4]
    assert _same_weights(resumed, uninterrupted)
    assert int(resumed.optimizer.iterations.value) == 5 * 4
    assert not backup.exists()  # training ended normally: the backup is removed


def test_a_backup_keeps_one_weights_file_and_cleans_up_what_killed_saves_left(tmp_path):
    backup = tmp_path / "backup"
    backup.mkdir()
    (backup / ".epoch_9.weights.h5.abc123.tmp").write_bytes(b"half a save")
    (backup / "notes.txt").write_text("not the callback's")
    callback = BackupAndRestore(backup, delete_checkpoint=True)
    model = _model()
    callback.set_model(model)
    for epoch in range(3):
        callback.on_epoch_end(epoch)
        assert sorted(os.listdir(backup)) == [f"epoch_{epoch + 1}.weights.h5", "notes.txt", "training_metadata.json"]
    callback.on_train_end()
    assert os.listdir(backup) == ["notes.txt"]  # what it did not write stays, and so does the folder
    with pytest.raises(ConfigError, match="save_freq"):
        BackupAndRestore(backup, save_freq=10)
