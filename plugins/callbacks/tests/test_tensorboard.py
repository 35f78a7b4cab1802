"""TensorBoard's event files, read back by a reader written here (TFRecord framing, CRC32C, protobuf), and
RemoteMonitor's POSTs, received by a local HTTP server."""

import http.server
import json
import os
import struct
import threading
import urllib.parse

import numpy as np
import pytest
from kcore_callbacks import LambdaCallback, LearningRateScheduler, RemoteMonitor, TensorBoard
from kcore_callbacks.event_file import EventFileWriter, crc32c, masked_crc32c

import kcore
from kcore import layers
from kcore.errors import ConfigError, ShapeError

RNG = np.random.default_rng(0)
X = RNG.random((20, 4), dtype="float32")
Y = (X.sum(axis=1, keepdims=True) > 2).astype("float32")


# --- an independent reader -------------------------------------------------------------------------------------

def reference_crc32c(data):
    """Bit by bit, from the reflected Castagnoli polynomial (no table)."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def reference_mask(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) % 2**32


def read_records(path):
    with open(path, "rb") as f:
        data, records, offset = f.read(), [], 0
    while offset < len(data):
        header = data[offset:offset + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", data[offset + 8:offset + 12])
        assert length_crc == reference_mask(reference_crc32c(header))
        payload = data[offset + 12:offset + 12 + length]
        (payload_crc,) = struct.unpack("<I", data[offset + 12 + length:offset + 16 + length])
        assert payload_crc == reference_mask(reference_crc32c(payload))
        records.append(payload)
        offset += 16 + length
    assert offset == len(data)
    return records


def read_varint(data, offset):
    value = shift = 0
    while True:
        byte = data[offset]
        value |= (byte & 0x7F) << shift
        offset, shift = offset + 1, shift + 7
        if not byte & 0x80:
            return value, offset


def decode(message):
    """Protobuf wire format -> {field number: [raw values]} (varint ints, fixed64/fixed32 bytes, nested bytes)."""
    fields, offset = {}, 0
    while offset < len(message):
        key, offset = read_varint(message, offset)
        field, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, offset = read_varint(message, offset)
        elif wire_type == 1:
            value, offset = message[offset:offset + 8], offset + 8
        elif wire_type == 5:
            value, offset = message[offset:offset + 4], offset + 4
        else:
            assert wire_type == 2
            length, offset = read_varint(message, offset)
            value, offset = message[offset:offset + length], offset + length
        fields.setdefault(field, []).append(value)
    return fields


def read_events(folder):
    """The scalars of the one event file in `folder`: [(tag, step, value)], after checking its first event."""
    files = os.listdir(folder)
    assert len(files) == 1 and files[0].startswith("events.out.tfevents.")
    first, *rest = [decode(record) for record in read_records(os.path.join(folder, files[0]))]
    assert first[3] == [b"brain.Event:2"] and 1 in first and 5 not in first
    scalars = []
    for event in rest:
        (wall_time,) = struct.unpack("<d", event[1][0])
        assert wall_time > 1e9
        (summary,) = event[5]
        (value,) = decode(summary)[1]
        value = decode(value)
        scalars.append((value[1][0].decode(), event[2][0], struct.unpack("<f", value[2][0])[0]))
    return scalars


def train(tmp_path, epochs=2, validation=True, callbacks=(), **kwargs):
    kcore.utils.set_random_seed(0)
    model = kcore.Sequential([layers.Input(shape=(4,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=kcore.optimizers.SGD(0.1), loss="binary_crossentropy", metrics=["accuracy"])
    batches = []
    recorder = LambdaCallback(on_train_batch_end=lambda batch, logs: batches.append(dict(logs)))
    history = model.fit(X[:16], Y[:16], batch_size=4, epochs=epochs, verbose=0,
                        validation_data=(X[16:], Y[16:]) if validation else None,
                        callbacks=[*callbacks, TensorBoard(tmp_path / "logs", **kwargs), recorder])
    return history.history, batches


def f32(value):
    return float(np.float32(value))


# --- the format --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "expected"), [
    (b"", 0x00000000), (b"a", 0xC1D04330), (b"123456789", 0xE3069283), (bytes(32), 0x8A9136AA),
    (b"\xff" * 32, 0x62A8AB43), (bytes(range(32)), 0x46DD794E),
])
def test_crc32c_matches_the_published_test_vectors(data, expected):
    assert crc32c(data) == expected == reference_crc32c(data)


def test_crc32c_and_its_mask_match_the_bitwise_reference_on_random_bytes():
    for size in (1, 7, 100, 1000):
        data = RNG.integers(0, 256, size, dtype=np.uint8).tobytes()
        assert crc32c(data) == reference_crc32c(data)
        assert masked_crc32c(data) == reference_mask(reference_crc32c(data))


def test_writer_encodes_negative_steps_huge_values_and_unicode_tags(tmp_path):
    writer = EventFileWriter(tmp_path)
    writer.add_scalar("épreuve/loss", 1e300, step=-1)
    writer.add_scalar("x", -0.5, step=2**40)
    writer.close()
    assert read_events(tmp_path) == [("épreuve/loss", 2**64 - 1, float("inf")), ("x", 2**40, -0.5)]


def test_a_second_writer_in_the_same_second_keeps_the_first_file(tmp_path):
    first, second = EventFileWriter(tmp_path), EventFileWriter(tmp_path)
    first.close()
    second.close()
    assert first.path != second.path and len(os.listdir(tmp_path)) == 2


# --- the callback ------------------------------------------------------------------------------------------------

def test_epoch_scalars_match_the_history_in_keras_tags_and_folders(tmp_path):
    history, _ = train(tmp_path)
    assert sorted(os.listdir(tmp_path / "logs")) == ["train", "validation"]
    scalars = read_events(tmp_path / "logs" / "train")
    expected = [(f"epoch_{name}", epoch, f32(history[name][epoch])) for epoch in range(2)
                for name in ("loss", "accuracy")]
    assert [s for s in scalars if s[0] != "epoch_learning_rate"] == expected
    rates = [s for s in scalars if s[0] == "epoch_learning_rate"]
    assert rates == [("epoch_learning_rate", epoch, f32(0.1)) for epoch in (0, 1)]
    validation = [s for s in read_events(tmp_path / "logs" / "validation") if s[0].startswith("epoch_")]
    assert validation == [(f"epoch_{name}", epoch, f32(history[f"val_{name}"][epoch])) for epoch in range(2)
                          for name in ("loss", "accuracy")]


def test_the_learning_rate_written_is_the_optimizers_at_each_epoch_end(tmp_path):
    train(tmp_path, epochs=3, callbacks=[LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))])
    rates = [s for s in read_events(tmp_path / "logs" / "train") if s[0] == "epoch_learning_rate"]
    assert rates == [("epoch_learning_rate", epoch, f32(0.1 / (epoch + 1))) for epoch in range(3)]


def test_evaluations_are_written_against_the_optimizer_iterations(tmp_path):
    history, _ = train(tmp_path)
    evaluations = [s for s in read_events(tmp_path / "logs" / "validation") if s[0].startswith("evaluation_")]
    assert evaluations == [(f"evaluation_{name}_vs_iterations", 4 * (epoch + 1), f32(history[f"val_{name}"][epoch]))
                           for epoch in range(2) for name in ("loss", "accuracy")]


def test_without_validation_data_no_validation_folder_is_made(tmp_path):
    train(tmp_path, validation=False)
    assert os.listdir(tmp_path / "logs") == ["train"]


def test_update_freq_epoch_writes_no_batch_scalars(tmp_path):
    train(tmp_path)
    assert not [s for s in read_events(tmp_path / "logs" / "train") if s[0].startswith("batch_")]


@pytest.mark.parametrize(("update_freq", "steps"), [("batch", list(range(1, 9))), (1, list(range(1, 9))),
                                                     (3, [3, 6]), (8, [8])])
def test_batch_scalars_are_written_every_update_freq_batches_counted_across_epochs(tmp_path, update_freq, steps):
    _, batches = train(tmp_path, update_freq=update_freq)
    assert len(batches) == 8
    written = [s for s in read_events(tmp_path / "logs" / "train") if s[0].startswith("batch_")]
    expected = [(f"batch_{name}", step, f32(batches[step - 1][name])) for step in steps for name in batches[0]]
    assert written == expected and {"batch_loss", "batch_accuracy"} <= {s[0] for s in written}


def test_steps_per_second_is_written_per_epoch_and_per_batch(tmp_path):
    train(tmp_path, update_freq=4, write_steps_per_second=True)
    scalars = read_events(tmp_path / "logs" / "train")
    per_epoch = [(tag, step) for tag, step, value in scalars if tag == "epoch_steps_per_second" and value > 0]
    per_batch = [(tag, step) for tag, step, value in scalars if tag == "batch_steps_per_second" and value > 0]
    assert per_epoch == [("epoch_steps_per_second", 0), ("epoch_steps_per_second", 1)]
    assert per_batch == [("batch_steps_per_second", 4), ("batch_steps_per_second", 8)]


def test_a_second_fit_writes_new_files_and_keeps_the_old_ones(tmp_path):
    callback = TensorBoard(tmp_path)
    kcore.utils.set_random_seed(0)
    model = kcore.Sequential([layers.Input(shape=(4,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    for _ in range(2):
        model.fit(X, Y, epochs=1, verbose=0, callbacks=[callback])
    assert len(os.listdir(tmp_path / "train")) == 2


def test_a_non_scalar_logged_value_is_a_clear_error(tmp_path):
    callback = TensorBoard(tmp_path)
    callback.on_train_begin()
    with pytest.raises(ShapeError, match="'f1_score' must be a scalar"):
        callback.on_epoch_end(0, {"f1_score": np.array([0.5, 0.25])})
    callback.on_train_end()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"histogram_freq": 1}, "histogram_freq"), ({"write_images": True}, "write_images"),
    ({"profile_batch": 2}, "profile_batch"), ({"profile_batch": (2, 4)}, "profile_batch"),
    ({"embeddings_freq": 1}, "embeddings_freq"), ({"embeddings_metadata": "meta.tsv"}, "embeddings_metadata"),
    ({"update_freq": "step"}, "update_freq"), ({"update_freq": 0}, "update_freq"),
    ({"update_freq": True}, "update_freq"),
])
def test_unsupported_or_bad_arguments_raise_config_errors(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        TensorBoard(**kwargs)


def test_keras_defaults_are_accepted_and_no_graph_is_written(tmp_path):
    callback = TensorBoard(tmp_path, write_graph=True, profile_batch=0, write_images=False)
    assert callback.update_freq == "epoch" and callback.write_graph
    assert TensorBoard(update_freq="batch").update_freq == 1 and TensorBoard().log_dir == "logs"


def test_event_files_are_read_by_tensorboard_itself(tmp_path):
    event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    history, _ = train(tmp_path)
    accumulator = event_accumulator.EventAccumulator(str(tmp_path / "logs" / "validation"))
    accumulator.Reload()
    events = accumulator.Scalars("epoch_loss")
    assert [(e.step, e.value) for e in events] == [(0, f32(history["val_loss"][0])), (1, f32(history["val_loss"][1]))]


# --- RemoteMonitor -----------------------------------------------------------------------------------------------

@pytest.fixture
def server():
    """A local HTTP server that records each POST: (path, headers, body); answers 404 under /missing."""
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, dict(self.headers), body))
            self.send_response(404 if self.path.startswith("/missing") else 200)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", received
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_remote_monitor_posts_the_epoch_logs_as_a_form_field(fit, model, server):
    root, received = server
    fit([RemoteMonitor(root=root, headers={"X-Run": "7"})], model,
        [{"loss": np.float32(0.5), "acc": np.array(0.25)}, {"loss": 0.125, "acc": 0.5}])
    assert [path for path, _, _ in received] == ["/publish/epoch/end/"] * 2
    _, headers, body = received[0]
    assert headers["Content-Type"] == "application/x-www-form-urlencoded" and headers["X-Run"] == "7"
    form = urllib.parse.parse_qs(body.decode())
    assert list(form) == ["data"] and json.loads(form["data"][0]) == {"epoch": 0, "loss": 0.5, "acc": 0.25}
    assert json.loads(urllib.parse.parse_qs(received[1][2].decode())["data"][0]) == {"epoch": 1, "loss": 0.125,
                                                                                      "acc": 0.5}


def test_remote_monitor_sends_json_under_its_path_and_field(fit, model, server):
    root, received = server
    fit([RemoteMonitor(root=root, path="/runs/", field="ignored", send_as_json=True)], model,
        [{"loss": 0.5, "val_f1": np.array([0.5, 1.0])}])
    ((path, headers, body),) = received
    assert path == "/runs/" and headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"epoch": 0, "loss": 0.5, "val_f1": [0.5, 1.0]}


def test_remote_monitor_form_uses_the_given_field(fit, model, server):
    root, received = server
    fit([RemoteMonitor(root=root, field="payload")], model, [{"loss": 1.0}])
    assert json.loads(urllib.parse.parse_qs(received[0][2].decode())["payload"][0]) == {"epoch": 0, "loss": 1.0}


def test_remote_monitor_warns_and_goes_on_when_the_server_fails_or_is_unreachable(fit, model, server):
    root, received = server
    with pytest.warns(UserWarning, match="answered HTTP 404"):
        fit([RemoteMonitor(root=root, path="/missing/")], model, [{"loss": 1.0}])
    assert [path for path, _, _ in received] == ["/missing/"]
    with pytest.warns(UserWarning, match="Could not reach RemoteMonitor root server at http://127.0.0.1:9"):
        assert len(fit([RemoteMonitor(root="http://127.0.0.1:9")], model, [{"loss": 1.0}, {"loss": 0.5}])) == 2


@pytest.mark.parametrize(("kwargs", "message"), [({"root": "localhost:9000"}, "root"),
                                                 ({"headers": [("X", "1")]}, "headers")])
def test_remote_monitor_bad_arguments_raise_config_errors(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        RemoteMonitor(**kwargs)
