"""CSVLogger's file, TerminateOnNaN's stop, and LambdaCallback's dispatch."""

import csv
import math

import numpy as np
import pytest
from kcore_callbacks import CSVLogger, LambdaCallback, TerminateOnNaN

from kcore.errors import ConfigError


def rows(path, separator=","):
    with open(path, newline="") as f:
        return list(csv.reader(f, delimiter=separator))


def test_csv_logger_writes_a_header_and_one_row_per_epoch(fit, model, tmp_path):
    path = tmp_path / "log.csv"
    logs = [{"loss": 0.5, "accuracy": 0.25, "val_loss": 0.75}, {"loss": 0.125, "accuracy": 0.5, "val_loss": 0.5}]
    fit([CSVLogger(path)], model, logs)
    assert rows(path) == [["epoch", "accuracy", "loss", "val_loss"], ["0", "0.25", "0.5", "0.75"],
                          ["1", "0.5", "0.125", "0.5"]]
    assert path.read_bytes().count(b"\r\n") == 3  # Keras's CSV dialect


def test_csv_logger_reserves_validation_columns_filled_with_na(fit, model, tmp_path):
    path = tmp_path / "log.csv"
    fit([CSVLogger(path)], model, [{"loss": 0.5}])
    assert rows(path) == [["epoch", "loss", "val_loss"], ["0", "0.5", "NA"]]


def test_csv_logger_appends_without_a_second_header_or_overwrites(fit, model, tmp_path):
    path = tmp_path / "log.csv"
    fit([CSVLogger(path)], model, [{"loss": 0.5, "val_loss": 0.5}])
    fit([CSVLogger(path, append=True)], model, [{"loss": 0.25, "val_loss": 0.25}])
    assert rows(path) == [["epoch", "loss", "val_loss"], ["0", "0.5", "0.5"], ["0", "0.25", "0.25"]]
    fit([CSVLogger(path)], model, [{"loss": 1.0, "val_loss": 1.0}])
    assert rows(path) == [["epoch", "loss", "val_loss"], ["0", "1.0", "1.0"]]


def test_csv_logger_appending_to_a_new_file_writes_the_header(fit, model, tmp_path):
    path = tmp_path / "new.csv"
    fit([CSVLogger(path, append=True)], model, [{"loss": 0.5, "val_loss": 0.5}])
    assert rows(path)[0] == ["epoch", "loss", "val_loss"]


def test_csv_logger_uses_the_separator_and_writes_arrays_readably(fit, model, tmp_path):
    path = tmp_path / "log.tsv"
    fit([CSVLogger(path, separator="\t")], model,
        [{"loss": np.float32(0.5), "val_loss": np.array(0.25), "val_precision": np.array([0.5, 1.0])}])
    assert rows(path, "\t") == [["epoch", "loss", "val_loss", "val_precision"], ["0", "0.5", "0.25", "[0.5, 1.0]"]]


def test_csv_logger_closes_its_file_at_train_end(fit, model, tmp_path):
    logger = CSVLogger(tmp_path / "log.csv")
    fit([logger], model, [{"loss": 0.5}])
    assert logger.csv_file.closed


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, np.float32("nan")])
def test_terminate_on_nan_stops_at_the_batch_with_an_invalid_loss(fit, model, capsys, bad):
    seen = []
    probe = LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(batch))
    epochs = fit([TerminateOnNaN(), probe], model, [[{"loss": 1.0}, {"loss": bad}, {"loss": 1.0}]] * 2, batches=3)
    assert model.stop_training and seen == [0, 1] and len(epochs) == 1
    assert "Batch 1: Invalid loss, terminating training" in capsys.readouterr().out


def test_terminate_on_nan_lets_finite_losses_train_on(fit, model):
    assert len(fit([TerminateOnNaN()], model, [[{"loss": 1.0}, {"loss": 1e30}]] * 3, batches=2)) == 3
    assert not model.stop_training


def test_terminate_on_nan_can_raise_at_once(fit, model):
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 0"):
        fit([TerminateOnNaN(raise_error=True)], model, [{"loss": math.nan}])


def test_lambda_callback_calls_each_function_with_keras_arguments(fit, model):
    calls = []
    callback = LambdaCallback(
        on_train_begin=lambda logs: calls.append(("train_begin",)),
        on_epoch_end=lambda epoch, logs: calls.append(("epoch_end", epoch, logs["loss"])),
        on_train_batch_end=lambda batch, logs: calls.append(("batch_end", batch)),
        on_train_end=lambda logs: calls.append(("train_end",)))
    fit([callback], model, [{"loss": 0.5}, {"loss": 0.25}])
    assert calls == [("train_begin",), ("batch_end", 0), ("epoch_end", 0, 0.5), ("batch_end", 0),
                     ("epoch_end", 1, 0.25), ("train_end",)]


def test_lambda_callback_batch_functions_receive_logs_by_keyword(fit, model):
    seen = []
    fit([LambdaCallback(on_train_batch_begin=lambda batch, **kwargs: seen.append(kwargs))], model, [{"loss": 1}])
    assert seen == [{"logs": {}}]


def test_lambda_callback_accepts_any_hook_by_name_and_the_older_batch_names(fit, model):
    calls = []
    callback = LambdaCallback(on_batch_end=lambda batch, logs: calls.append("batch"),
                              on_test_begin=lambda logs: calls.append("test"))
    fit([callback], model, [{"loss": 1.0}])
    callback.on_test_begin({})
    assert calls == ["batch", "test"]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"on_epoch_finish": print}, "on_epoch_finish"), ({"on_epoch_end": 3}, "on_epoch_end"),
])
def test_lambda_callback_refuses_unknown_hooks_and_non_functions(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        LambdaCallback(**kwargs)
