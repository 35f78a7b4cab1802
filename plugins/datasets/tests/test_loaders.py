"""Every loader end to end: small generated files in the dataset's own format, served from 127.0.0.1, fetched
through kcore.utils.get_file (the loader's URL and hash pointed at them), and compared with what Keras's
algorithm gives, written out here sample by sample."""

import gzip
import hashlib
import io
import json
import pickle
import tarfile
import zipfile

import numpy as np
import pytest
from kcore_datasets import (
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
    safe_pickle,
)

import kcore
from kcore import config
from kcore.errors import KcoreError

RNG = np.random.default_rng(0)


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _publish(monkeypatch, served, module, name, data, origin="ORIGIN", hash_name="FILE_HASH"):
    folder, url = served
    (folder / name).write_bytes(data)
    monkeypatch.setattr(module, origin, url + name)
    monkeypatch.setattr(module, hash_name, _sha256(folder / name))


def _npz(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _ragged(count, high, seed):
    rng = np.random.default_rng(seed)
    out = np.empty(count, dtype=object)
    out[:] = [rng.integers(1, high, rng.integers(1, 12)).tolist() for _ in range(count)]
    return out


def test_mnist_downloads_keras_npz(monkeypatch, served, home):
    arrays = {"x_train": RNG.integers(0, 256, (6, 28, 28), dtype=np.uint8), "y_train": np.arange(6, dtype=np.uint8),
              "x_test": RNG.integers(0, 256, (2, 28, 28), dtype=np.uint8), "y_test": np.array([3, 4], np.uint8)}
    _publish(monkeypatch, served, mnist, "mnist.npz", _npz(**arrays))
    (x_train, y_train), (x_test, y_test) = kcore.datasets.mnist.load_data()
    for got, key in ((x_train, "x_train"), (y_train, "y_train"), (x_test, "x_test"), (y_test, "y_test")):
        np.testing.assert_array_equal(got, arrays[key])
        assert got.dtype == np.uint8
    assert (home / "datasets" / "mnist.npz").exists()


def _idx(array):
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return gzip.compress(header + array.astype(np.uint8).tobytes())


def test_fashion_mnist_reads_four_idx_files_from_its_own_cache_folder(monkeypatch, served, home):
    folder, url = served
    arrays = {"train-images-idx3-ubyte.gz": RNG.integers(0, 256, (5, 28, 28)),
              "train-labels-idx1-ubyte.gz": RNG.integers(0, 10, 5),
              "t10k-images-idx3-ubyte.gz": RNG.integers(0, 256, (3, 28, 28)),
              "t10k-labels-idx1-ubyte.gz": RNG.integers(0, 10, 3)}
    for name, array in arrays.items():
        (folder / name).write_bytes(_idx(array))
    monkeypatch.setattr(fashion_mnist, "BASE_URL", url)
    monkeypatch.setattr(fashion_mnist, "FILE_HASHES", {name: _sha256(folder / name) for name in arrays})
    (x_train, y_train), (x_test, y_test) = kcore.datasets.fashion_mnist.load_data()
    np.testing.assert_array_equal(x_train, arrays["train-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(y_test, arrays["t10k-labels-idx1-ubyte.gz"])
    assert x_test.shape == (3, 28, 28) and y_train.dtype == np.uint8
    assert sorted(p.name for p in (home / "datasets" / "fashion-mnist").iterdir()) == sorted(arrays)


def _tar_gz(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def _batch(count, label_keys, seed):
    rng = np.random.default_rng(seed)
    batch = {b"data": rng.integers(0, 256, (count, 3072), dtype=np.uint8), b"batch_label": b"generated"}
    for key, high in label_keys.items():
        batch[key] = rng.integers(0, high, count).tolist()
    return batch


def _channels_last(data):
    """Pixel (row r, column c, channel ch) of a CIFAR row is data[ch * 1024 + r * 32 + c]."""
    out = np.empty((len(data), 32, 32, 3), np.uint8)
    for ch in range(3):
        out[..., ch] = data[:, ch * 1024:(ch + 1) * 1024].reshape(-1, 32, 32)
    return out


def test_cifar10_unpacks_the_archive_and_returns_keras_layout(monkeypatch, served):
    batches = {f"data_batch_{i}": _batch(2, {b"labels": 10}, i) for i in range(1, 6)}
    batches["test_batch"] = _batch(3, {b"labels": 10}, 9)
    members = {f"cifar-10-batches-py/{name}": pickle.dumps(batch) for name, batch in batches.items()}
    _publish(monkeypatch, served, cifar10, "cifar-10-python.tar.gz", _tar_gz(members))
    (x_train, y_train), (x_test, y_test) = kcore.datasets.cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and y_train.shape == (10, 1) and x_test.shape == (3, 32, 32, 3)
    assert x_train.dtype == y_train.dtype == np.uint8
    train_data = np.concatenate([batches[f"data_batch_{i}"][b"data"] for i in range(1, 6)])
    np.testing.assert_array_equal(x_train, _channels_last(train_data))
    np.testing.assert_array_equal(y_test[:, 0], batches["test_batch"][b"labels"])

    config.set_image_data_format("channels_first")
    try:
        (x_first, _), _ = cifar10.load_data()  # from the cache this time
    finally:
        config.set_image_data_format("channels_last")
    np.testing.assert_array_equal(x_first, train_data.reshape(-1, 3, 32, 32))


def test_cifar100_gives_fine_or_coarse_labels(monkeypatch, served):
    label_keys = {b"fine_labels": 100, b"coarse_labels": 20}
    train, test = _batch(4, label_keys, 1), _batch(2, label_keys, 2)
    members = {"cifar-100-python/train": pickle.dumps(train), "cifar-100-python/test": pickle.dumps(test)}
    _publish(monkeypatch, served, cifar100, "cifar-100-python.tar.gz", _tar_gz(members))
    (x_train, y_fine), _ = cifar100.load_data()
    (_, y_coarse), (_, y_test) = cifar100.load_data(label_mode="coarse")
    np.testing.assert_array_equal(x_train, _channels_last(train[b"data"]))
    np.testing.assert_array_equal(y_fine[:, 0], train[b"fine_labels"])
    np.testing.assert_array_equal(y_coarse[:, 0], train[b"coarse_labels"])
    np.testing.assert_array_equal(y_test[:, 0], test[b"coarse_labels"])
    with pytest.raises(KcoreError, match="label_mode"):
        cifar100.load_data(label_mode="medium")


def _keras_words(xs, labels, num_words, skip_top, maxlen, start_char, oov_char, index_from):
    """Keras's word-sequence processing, word by word (shuffling already done)."""
    if start_char is not None:
        xs = [[start_char] + [w + index_from for w in x] for x in xs]
    elif index_from:
        xs = [[w + index_from for w in x] for x in xs]
    if maxlen:
        kept = [(x, y) for x, y in zip(xs, labels, strict=True) if len(x) < maxlen]
        xs, labels = [x for x, _ in kept], np.array([y for _, y in kept])
    return xs, labels, num_words


def _keras_cap(xs, num_words, skip_top, oov_char):
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]


SETTINGS = [dict(), dict(num_words=30, skip_top=3), dict(maxlen=8, oov_char=None), dict(start_char=None),
            dict(start_char=None, index_from=0, num_words=20)]


@pytest.mark.parametrize("settings", SETTINGS, ids=[str(s) for s in SETTINGS])
def test_imdb_shuffles_shifts_and_caps_words_as_keras_does(monkeypatch, served, settings):
    x_train, x_test = _ragged(12, 40, 1), _ragged(9, 40, 2)
    y_train, y_test = np.arange(12) % 2, np.arange(9) % 2
    _publish(monkeypatch, served, imdb, "imdb.npz", _npz(x_train=x_train, y_train=y_train, x_test=x_test,
                                                         y_test=y_test))
    (got_x, got_y), (got_xt, got_yt) = kcore.datasets.imdb.load_data(**settings)

    args = {"num_words": None, "skip_top": 0, "maxlen": None, "start_char": 1, "oov_char": 2, "index_from": 3,
            **settings}
    rng = np.random.RandomState(113)
    order_train = np.arange(12)
    rng.shuffle(order_train)
    order_test = np.arange(9)
    rng.shuffle(order_test)
    train = _keras_words(list(x_train[order_train]), y_train[order_train], **args)
    test = _keras_words(list(x_test[order_test]), y_test[order_test], **args)
    num_words = args["num_words"] or max(max(x) for x in train[0] + test[0])
    assert got_x.dtype == object and got_x.ndim == 1
    assert got_x.tolist() == _keras_cap(train[0], num_words, args["skip_top"], args["oov_char"])
    assert got_xt.tolist() == _keras_cap(test[0], num_words, args["skip_top"], args["oov_char"])
    np.testing.assert_array_equal(got_y, train[1])
    np.testing.assert_array_equal(got_yt, test[1])


def test_reuters_splits_after_shuffling_as_keras_does(monkeypatch, served):
    xs, ys = _ragged(20, 50, 3), np.arange(20) % 46
    _publish(monkeypatch, served, reuters, "reuters.npz", _npz(x=xs, y=ys))
    (x_train, y_train), (x_test, y_test) = reuters.load_data(num_words=25, test_split=0.25)
    order = np.arange(20)
    np.random.RandomState(113).shuffle(order)
    words, labels, _ = _keras_words(list(xs[order]), ys[order], 25, 0, None, 1, 2, 3)
    words = _keras_cap(words, 25, 0, 2)
    assert x_train.tolist() == words[:15] and x_test.tolist() == words[15:]
    np.testing.assert_array_equal(y_train, labels[:15])
    np.testing.assert_array_equal(y_test, labels[15:])
    assert len(reuters.get_label_names()) == 46


def test_word_indices_come_through_their_md5_hashes(monkeypatch, served):
    folder, url = served
    (folder / "imdb_word_index.json").write_text(json.dumps({"the": 1, "film": 2}))
    monkeypatch.setattr(imdb, "WORD_INDEX_ORIGIN", url + "imdb_word_index.json")
    monkeypatch.setattr(imdb, "WORD_INDEX_HASH", hashlib.md5((folder / "imdb_word_index.json").read_bytes())
                        .hexdigest())
    assert imdb.get_word_index() == {"the": 1, "film": 2}


@pytest.mark.parametrize(("module", "name", "kwargs", "features"),
                         [(boston_housing, "boston_housing.npz", {}, 13),
                          (california_housing, "california_housing.npz", {"test_split": 0.25}, 8)])
def test_housing_data_is_shuffled_with_its_seed_and_split(monkeypatch, served, module, name, kwargs, features):
    x, y = RNG.standard_normal((40, features)), RNG.standard_normal(40)
    _publish(monkeypatch, served, module, name, _npz(x=x, y=y))
    (x_train, y_train), (x_test, y_test) = module.load_data(**kwargs)
    order = np.arange(40)
    np.random.RandomState(113).shuffle(order)
    cut = int(40 * (1 - kwargs.get("test_split", 0.2)))
    np.testing.assert_array_equal(x_train, x[order][:cut])
    np.testing.assert_array_equal(y_test, y[order][cut:])
    assert len(y_train) == cut and len(x_test) == 40 - cut


def test_california_small_keeps_the_first_600_samples(monkeypatch, served):
    x, y = RNG.standard_normal((700, 8)), np.arange(700.0)
    _publish(monkeypatch, served, california_housing, "california_housing.npz", _npz(x=x, y=y))
    (_, y_train), (_, y_test) = california_housing.load_data(version="small")
    assert len(y_train) == 480 and len(y_test) == 120 and max(y_train.max(), y_test.max()) < 600


def test_a_pickle_naming_anything_but_numpy_is_refused(tmp_path):
    payload = b"cbuiltins\neval\n(S'1+1'\ntR."  # a pickle that would call eval("1+1")
    evil = tmp_path / "data_batch_1"
    evil.write_bytes(payload)
    with pytest.raises(KcoreError, match=r"builtins\.eval"):
        safe_pickle.load_pickle(evil)

    good = io.BytesIO()
    np.save(good, np.array([[1], [2, 3]], dtype=object), allow_pickle=True)
    good.seek(0)
    np.lib.format.read_magic(good)
    np.lib.format.read_array_header_1_0(good)
    header = good.getvalue()[:good.tell()]
    for name, npy in (("good.npz", good.getvalue()), ("evil.npz", header + payload)):
        with zipfile.ZipFile(tmp_path / name, "w") as archive:
            archive.writestr("x.npy", npy)
    assert safe_pickle.load_npz(tmp_path / "good.npz")["x"].tolist() == [[1], [2, 3]]  # NumPy's own pickles load
    with pytest.raises(KcoreError, match=r"builtins\.eval"):
        safe_pickle.load_npz(tmp_path / "evil.npz")
