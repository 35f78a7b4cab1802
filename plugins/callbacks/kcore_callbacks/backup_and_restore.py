"""`BackupAndRestore`: let a `fit` that was interrupted (killed, crashed) resume where it stopped (Keras 3)."""

import contextlib
import json
import os

from kcore.callbacks import Callback
from kcore.errors import ConfigError, KcoreError
from kcore.fileio import atomic_write

_METADATA = "training_metadata.json"


class BackupAndRestore(Callback):
    """At the end of each epoch, back up the weights and the optimizer's state into `backup_dir`; when `fit`
    starts and a backup is there, restore it and resume at the epoch after it.

    The backup cannot be half written: the weights go to a new file (atomically), and only then does
    `training_metadata.json` (written atomically too) name that file and the epoch; the previous file is removed
    after that. A crash at any moment leaves a consistent backup. Resuming restores the weights and the optimizer
    state, not the global random state: with `shuffle=True` or dropout, the resumed epochs draw other batches and
    masks than an uninterrupted run would.

    Args:
        backup_dir: the folder for the backup (created if needed). Use one folder per training run.
        save_freq: "epoch" (the only frequency kcore supports).
        double_checkpoint: keep the previous epoch's weights file too.
        delete_checkpoint: remove the backup when `fit` ends normally (including early stopping): the files this
            callback wrote, then `backup_dir` itself if nothing else is in it.

    In data-parallel training (`kcore.distribution`) process 0 alone runs it: it writes the backups, and when
    resuming it restores the backup, which `fit` then copies (weights, optimizer state, epoch) to every process.

    Example:
        >>> backup = BackupAndRestore(backup_dir="/tmp/run1_backup")
        >>> model.fit(x, y, epochs=50, callbacks=[backup])  # doctest: +SKIP
    """

    _chief_worker_only = True  # see kcore.distribution: the other processes receive process 0's state

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False, delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ConfigError(f"BackupAndRestore: `backup_dir` must be a folder path. Received: {backup_dir!r}")
        if save_freq != "epoch":
            raise ConfigError(f"BackupAndRestore: kcore backs up at the end of each epoch only (save_freq='epoch'). "
                              f"Received: save_freq={save_freq!r}")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq, self.double_checkpoint, self.delete_checkpoint = save_freq, double_checkpoint, delete_checkpoint

    def _metadata_path(self):
        return os.path.join(self.backup_dir, _METADATA)

    def _read_metadata(self):
        try:
            with open(self._metadata_path()) as f:
                metadata = json.load(f)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as e:
            raise KcoreError(f"BackupAndRestore: {self._metadata_path()!r} cannot be read ({e}). Remove "
                             f"{self.backup_dir!r} to start training from scratch.") from e
        if not isinstance(metadata, dict) or not isinstance(metadata.get("epoch"), int) \
                or not _is_ours(metadata.get("weights")):
            raise KcoreError(f"BackupAndRestore: {self._metadata_path()!r} is not a backup kcore wrote: {metadata!r}."
                             f" Remove {self.backup_dir!r} to start training from scratch.")
        return metadata

    def on_train_begin(self, logs=None):
        if not self.model.built:
            raise KcoreError("BackupAndRestore: the model must be built before fit() (give it an Input, or call it "
                             "on data), so that a backup can be loaded into it.")
        metadata = self._read_metadata()
        if metadata is None:
            return
        self.model.load_weights(os.path.join(self.backup_dir, metadata["weights"]))
        self.model._initial_epoch = metadata["epoch"]  # fit() resumes at this epoch

    def on_epoch_end(self, epoch, logs=None):
        os.makedirs(self.backup_dir, exist_ok=True)
        previous = self._read_metadata()
        weights = f"epoch_{epoch + 1}.weights.h5"
        self.model.save_weights(os.path.join(self.backup_dir, weights), overwrite=True)
        with atomic_write(self._metadata_path(), "w") as f:  # the commit point: the backup is now this epoch's
            json.dump({"epoch": epoch + 1, "batch": 0, "weights": weights}, f)
        keep = {weights, _METADATA} | ({previous["weights"]} if previous and self.double_checkpoint else set())
        self._remove_files(keep)  # older weights, and the temporary files of saves that were cut short

    def _remove_files(self, keep):
        """Remove the files this callback writes (never anything else in the folder), except `keep`."""
        for name in os.listdir(self.backup_dir):
            if name not in keep and (_is_ours(name) or name == _METADATA or _is_temporary(name)):
                os.remove(os.path.join(self.backup_dir, name))

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.isdir(self.backup_dir):
            self._remove_files(keep=set())
            with contextlib.suppress(OSError):  # only if nothing else is in it
                os.rmdir(self.backup_dir)


def _is_ours(name):
    """A weights file name this callback writes: `epoch_<n>.weights.h5`, with no folder in it."""
    return (isinstance(name, str) and name.startswith("epoch_") and name.endswith(".weights.h5")
            and name[len("epoch_"):-len(".weights.h5")].isdigit())


def _is_temporary(name):
    """A temporary file that kcore.fileio.atomic_write left behind when a save was killed."""
    return name.startswith((".epoch_", f".{_METADATA}.")) and name.endswith(".tmp")
