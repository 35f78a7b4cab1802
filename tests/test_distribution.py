"""kcore.distribution in one process: the shards, the flat buffers, the active distribution, and what `fit`
asks of it, driven by an in-process communicator that plays "the other process holds the same batch".

The real multi-process runs (MPI through mpiexec) are the tests of plugins/distribute-mpi.
"""

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kcore
from kcore import distribution as dist
from kcore.distribution import Communicator, DataParallel, shard_range
from kcore.distribution.buckets import Buckets
from kcore.errors import ConfigError, MissingPluginError


@given(rows=st.integers(1, 10_000), size=st.integers(1, 64))
def test_shards_cover_the_batch_in_order_with_sizes_differing_by_at_most_one(rows, size):
    shards = [shard_range(rows, rank, size) for rank in range(size)]
    assert shards[0][0] == 0 and shards[-1][1] == rows
    assert all(a[1] == b[0] for a, b in itertools.pairwise(shards))
    sizes = [hi - lo for lo, hi in shards]
    assert max(sizes) - min(sizes) <= 1


def test_buckets_lay_arrays_end_to_end_by_dtype_and_split_at_the_cap():
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(shape).astype("float32") for shape in [(300, 10), (10,), (500,), (7, 3)]]
    arrays.insert(2, np.arange(6, dtype="int64").reshape(2, 3))
    buckets = Buckets(np, [(a.shape, a.dtype) for a in arrays], cap_bytes=4 * 3100)
    # float32: 3000 + 10 fit under the cap, 500 + 21 open a second buffer; int64 has its own
    assert sorted((b.dtype.name, b.size) for b in buckets.buffers) == [("float32", 521), ("float32", 3010),
                                                                       ("int64", 6)]
    buckets.pack(arrays, scale=0.5)
    for array, view in zip(arrays, buckets.views, strict=True):
        expected = array * 0.5 if array.dtype.kind == "f" else array
        np.testing.assert_array_equal(view, expected)
        assert any(np.shares_memory(view, b) for b in buckets.buffers)  # views into the buffers, not copies
    buckets.scale(4.0)
    np.testing.assert_array_equal(buckets.views[0], arrays[0] * 2)
    np.testing.assert_array_equal(buckets.views[2], arrays[2])  # integers are never scaled
    assert buckets.fits(arrays) and not buckets.fits(arrays[:-1])


class MirrorCommunicator(Communicator):
    """Process `rank` of 2, whose partner holds exactly what this process holds: a sum over processes is twice
    the local value. Records every collective."""

    name = "mirror"

    def __init__(self, rank=0, size=2):
        self.rank, self.size = rank, size
        self.calls = []

    def allreduce(self, buffers):
        self.calls.append(("allreduce", [b.size for b in buffers]))
        for buffer in buffers:
            buffer *= self.size

    def broadcast(self, buffers, root=0):
        self.calls.append(("broadcast", [b.size for b in buffers]))

    def broadcast_object(self, value, root=0):
        return value

    def barrier(self):
        pass


@pytest.fixture
def active():
    """Set a distribution for one test, and leave none behind."""
    def activate(distribution):
        dist.set_distribution(distribution)
        return distribution

    yield activate
    dist.set_distribution(None)


def _mlp():
    from kcore import layers

    kcore.utils.set_random_seed(3)
    model = kcore.Sequential([layers.Input((20,)), layers.Dense(16, activation="relu"), layers.Dense(3)])
    model.compile(optimizer="adam", loss=kcore.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def _data(rows=96):
    rng = np.random.default_rng(1)
    return rng.standard_normal((rows, 20)).astype("float32"), rng.integers(0, 3, rows).astype("int32")


def test_each_step_all_reduces_every_gradient_in_one_call_and_the_metrics_in_one_more(active):
    communicator = MirrorCommunicator()
    active(DataParallel(communicator=communicator, bucket_size_mb=1))
    model = _mlp()
    x, y = _data()
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    parameters = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    reductions = [sizes for kind, sizes in communicator.calls if kind == "allreduce"]
    gradient_calls = [sizes for sizes in reductions if sum(sizes) == parameters + 2]  # + the loss and the weight
    assert len(gradient_calls) == 3 and all(sizes == [parameters + 2] for sizes in gradient_calls)
    assert len(reductions) == 2 * 3 + 1  # per step one for the gradients, one for the logged metrics; one at the end
    assert communicator.calls[0][0] == "broadcast"  # the chief's weights, before the first step


def test_the_loss_and_metrics_logged_are_those_of_the_summed_states(active):
    # the mirror's partner saw the same rows, so the global results equal those of this process's shards
    x, y = _data()
    plain = _mlp().fit(x[:16], y[:16], batch_size=16, epochs=2, shuffle=False, verbose=0).history
    active(DataParallel(communicator=MirrorCommunicator(rank=0)))
    mirrored = _mlp().fit(x[:32], y[:32], batch_size=32, epochs=2, shuffle=False, verbose=0).history
    np.testing.assert_allclose(mirrored["loss"], plain["loss"], rtol=1e-6)
    np.testing.assert_allclose(mirrored["accuracy"], plain["accuracy"], rtol=1e-6)


def test_a_process_other_than_zero_prints_nothing_and_writes_no_file(active, tmp_path, capsys):
    active(DataParallel(communicator=MirrorCommunicator(rank=1)))
    assert not dist.is_chief()
    model = _mlp()
    x, y = _data()
    checkpoint = kcore.callbacks.ModelCheckpoint(str(tmp_path / "best.keras"), monitor="loss")
    model.fit(x, y, batch_size=32, epochs=1, verbose=1, callbacks=[checkpoint])
    model.save(tmp_path / "final.keras")
    model.save_weights(tmp_path / "final.weights.h5")
    assert capsys.readouterr().out == ""
    assert list(tmp_path.iterdir()) == []


def test_process_zero_prints_and_writes(active, tmp_path, capsys):
    active(DataParallel(communicator=MirrorCommunicator(rank=0)))
    model = _mlp()
    x, y = _data()
    model.fit(x, y, batch_size=32, epochs=1, verbose=1)
    model.save_weights(tmp_path / "final.weights.h5")
    assert "Epoch 1/1" in capsys.readouterr().out
    assert (tmp_path / "final.weights.h5").exists()


def test_without_a_distribution_fit_keeps_none_and_is_chief(monkeypatch):
    monkeypatch.delenv("KCORE_DISTRIBUTION", raising=False)
    dist.set_distribution(None)
    model = _mlp()
    model.fit(*_data(), batch_size=32, epochs=1, verbose=0)
    assert model._distribution is None and dist.is_chief()
    assert dist.list_devices() == ["cpu:0"] and dist.list_devices("gpu") == []


def test_a_mirror_distribution_lists_one_device_per_process(active):
    active(DataParallel(communicator=MirrorCommunicator()))
    assert dist.list_devices() == ["cpu:0", "cpu:1"]


def test_set_distribution_refuses_what_is_not_a_distribution():
    with pytest.raises(ConfigError, match="set_distribution: expected"):
        dist.set_distribution(42)


def test_data_parallel_refuses_devices_that_do_not_match_the_processes():
    with pytest.raises(ConfigError, match="names 3 devices"):
        DataParallel(devices=["cpu:0", "cpu:1", "cpu:2"], communicator=MirrorCommunicator())
    with pytest.raises(ConfigError, match="device_mesh"):
        DataParallel(device_mesh=object(), communicator=MirrorCommunicator())


def test_too_few_samples_for_the_processes_is_refused_before_training(active):
    active(DataParallel(communicator=MirrorCommunicator(rank=0, size=4)))
    x, y = _data(3)
    with pytest.raises(ConfigError, match="3 samples cannot be shared among 4 processes"):
        _mlp().fit(x, y, batch_size=32, epochs=1, verbose=0)


def test_a_missing_distribution_plugin_names_the_package_to_install(monkeypatch):
    from kcore.plugins import plugin_manager

    bare = plugin_manager.PluginManager()
    bare._records, bare._providers = {}, {}  # as if no plugin were installed
    monkeypatch.setattr(plugin_manager, "_manager", bare)
    with pytest.raises(MissingPluginError, match="pip install kcore-distribute-mpi"):
        DataParallel(communicator="mpi")


def test_kcore_distribution_in_the_environment_selects_the_communicator(monkeypatch):
    from kcore.plugins import manager

    created = []
    manager().hooks  # noqa: B018 (the registry exists once the manager's hooks do)
    with manager().registry.owned_by("tests"):
        manager().registry.add("distribution", "mirror-env", lambda timeout: created.append(timeout) or
                               MirrorCommunicator())
    monkeypatch.setattr(dist, "_active", None)
    monkeypatch.setattr(dist, "_environment_read", False)
    monkeypatch.setenv("KCORE_DISTRIBUTION", "mirror-env")
    monkeypatch.setenv("KCORE_DISTRIBUTION_TIMEOUT", "12.5")
    try:
        assert isinstance(dist.distribution(), DataParallel) and created == [12.5]
    finally:
        dist.set_distribution(None)
        manager().registry.remove_owner("tests")
