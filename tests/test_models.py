"""The model API of the core (Sequential, functional, subclassed; the training loop), tested with small
layers, a loss and an optimizer written here, so that only the core's contracts are exercised."""

import numpy as np
import pytest

import kcore
from kcore import layers, ops
from kcore.callbacks import Callback
from kcore.errors import ConfigError, KcoreError, ShapeError
from kcore.losses import Loss
from kcore.optimizers import Optimizer


class Linear(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        rng = np.random.default_rng(len(self.name))
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel",
                                      initializer=lambda s, dtype: rng.normal(0, 0.3, s).astype(dtype))
        self.bias = self.add_weight(shape=(self.units,), name="bias", initializer=lambda s, dtype: np.zeros(s, dtype))

    def call(self, inputs):
        return ops.matmul(inputs, self.kernel) + self.bias

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class RecordsTraining(layers.Layer):
    seen = []

    def call(self, inputs, training=None):
        RecordsTraining.seen.append(training)
        return inputs


class SquaredError(Loss):
    def call(self, y_true, y_pred):
        return ops.mean(ops.square(y_pred - y_true), axis=-1)


class PlainSGD(Optimizer):
    def update_step(self, gradient, variable, learning_rate):
        variable.value -= learning_rate * gradient


def regression_data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    return x, x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.3


def compiled(model, learning_rate=0.05):
    model.compile(optimizer=PlainSGD(learning_rate=learning_rate), loss=SquaredError())
    return model


def test_sequential_with_an_input_is_built_and_knows_its_output_shape():
    model = kcore.Sequential([layers.Input(shape=(3,)), Linear(4), Linear(2)])
    assert model.built and model.output_shape == (None, 2)
    assert model.count_params() == 3 * 4 + 4 + 4 * 2 + 2


def test_sequential_without_an_input_builds_on_first_call():
    model = kcore.Sequential()
    model.add(Linear(5))
    assert not model.built
    assert model(np.ones((2, 3), "float32")).shape == (2, 5)
    assert model.built and len(model.weights) == 2


def test_a_shape_error_names_the_layer_at_construction():
    class Needs2D(layers.Layer):
        def call(self, inputs):
            return ops.matmul(inputs, np.ones((7, 2), "float32"))

    with pytest.raises(ShapeError, match=r"needs2d.*\(None, 3\)"):
        kcore.Sequential([layers.Input(shape=(3,)), Needs2D()])


def test_sequential_refuses_duplicate_layer_names():
    with pytest.raises(ConfigError, match="unique"):
        kcore.Sequential([Linear(2, name="a"), Linear(2, name="a")])


def test_functional_model_with_shared_layer_and_residual_arithmetic():
    inputs = layers.Input(shape=(3,))
    shared = Linear(3, name="shared")
    x = shared(inputs)
    x += inputs  # a residual connection written as arithmetic on symbolic tensors
    y = shared(x)
    model = kcore.Model(inputs, y)
    data = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    w, b = shared.kernel.numpy(), shared.bias.numpy()
    expected = ((data @ w + b) + data) @ w + b
    np.testing.assert_allclose(model.predict(data, verbose=0), expected, rtol=1e-5)
    assert len(model.trainable_weights) == 2  # the shared layer's weights count once


def test_functional_model_with_two_inputs_and_two_outputs():
    a, b = layers.Input(shape=(3,), name="a"), layers.Input(shape=(2,), name="b")
    joined = ops.concatenate([Linear(4)(a), Linear(4)(b)], axis=-1)
    out1, out2 = Linear(1, name="out1")(joined), Linear(2, name="out2")(joined)
    model = kcore.Model(inputs=[a, b], outputs=[out1, out2])
    xa, xb = np.ones((5, 3), "float32"), np.ones((5, 2), "float32")
    p1, p2 = model.predict([xa, xb], verbose=0)
    assert p1.shape == (5, 1) and p2.shape == (5, 2)
    by_name = model.predict({"a": xa, "b": xb}, verbose=0)
    np.testing.assert_allclose(by_name[0], p1)
    compiled(model).fit([xa, xb], [np.zeros((5, 1)), np.zeros((5, 2))], epochs=2, verbose=0)
    assert {"loss", "out1_loss", "out2_loss"} <= set(model.history.history)


def test_a_nested_model_is_a_layer():
    inner = kcore.Sequential([layers.Input(shape=(3,)), Linear(4)], name="inner")
    inputs = layers.Input(shape=(3,))
    model = kcore.Model(inputs, Linear(1)(inner(inputs)))
    assert len(model.weights) == 4
    assert model.predict(np.ones((2, 3), "float32"), verbose=0).shape == (2, 1)


def test_a_disconnected_graph_is_a_clear_error():
    a, b = layers.Input(shape=(3,)), layers.Input(shape=(3,))
    with pytest.raises(ConfigError, match="disconnected"):
        kcore.Model(a, Linear(1)(a + b))


def test_legacy_input_output_keywords_warn_and_work():
    a = layers.Input(shape=(32,))
    b = Linear(32)(a)
    with pytest.warns(DeprecationWarning, match="inputs=.*outputs="):
        model = kcore.Model(input=a, output=b)
    assert model.output_shape == (None, 32)


def test_subclassed_model_tracks_its_layers_and_freezing():
    class TwoLayers(kcore.Model):
        def __init__(self):
            super().__init__()
            self.blocks = [Linear(4), Linear(1)]

        def call(self, inputs):
            return self.blocks[1](self.blocks[0](inputs))

    model = TwoLayers()
    model(np.ones((2, 3), "float32"))
    assert len(model.trainable_weights) == 4
    model.blocks[0].trainable = False
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 2
    x, y = regression_data()
    frozen = model.blocks[0].get_weights()
    compiled(model).fit(x, y, epochs=1, verbose=0)
    for before, after in zip(frozen, model.blocks[0].get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)


def test_training_flag_reaches_nested_layers():
    RecordsTraining.seen = []
    model = compiled(kcore.Sequential([layers.Input(shape=(3,)), RecordsTraining(), Linear(1)]))
    RecordsTraining.seen = []
    x, y = regression_data(8)
    model.fit(x, y, batch_size=8, verbose=0)
    model.predict(x, verbose=0)
    assert RecordsTraining.seen == [True, False]


def test_fit_reduces_the_loss_and_returns_history():
    x, y = regression_data()
    model = compiled(kcore.Sequential([layers.Input(shape=(3,)), Linear(1)]))
    history = model.fit(x, y, epochs=5, batch_size=16, validation_split=0.2, verbose=0)
    assert set(history.history) == {"loss", "val_loss"} and len(history.history["loss"]) == 5
    assert history.history["loss"][-1] < history.history["loss"][0] / 5
    assert model.evaluate(x, y, verbose=0) < 0.1


def test_fit_accepts_generators_and_pydatasets():
    x, y = regression_data(64)

    def batches():
        while True:
            for i in range(0, 64, 16):
                yield x[i:i + 16], y[i:i + 16]

    class Batches(kcore.utils.PyDataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return x[i * 16:(i + 1) * 16], y[i * 16:(i + 1) * 16]

    model = compiled(kcore.Sequential([layers.Input(shape=(3,)), Linear(1)]))
    model.fit(batches(), steps_per_epoch=4, epochs=2, verbose=0)
    model.fit(Batches(), epochs=2, verbose=0, validation_data=Batches())
    assert "val_loss" in model.history.history


def test_on_batch_methods_and_evaluate_return_dict():
    x, y = regression_data(32)
    model = compiled(kcore.Sequential([layers.Input(shape=(3,)), Linear(1)]))
    first = model.train_on_batch(x, y)
    assert isinstance(first, float)
    assert set(model.test_on_batch(x, y, return_dict=True)) == {"loss"}
    np.testing.assert_allclose(model.predict_on_batch(x), model.predict(x, verbose=0), rtol=1e-6)
    assert set(model.evaluate(x, y, verbose=0, return_dict=True)) == {"loss"}


def test_fit_before_compile_names_the_fix():
    model = kcore.Sequential([layers.Input(shape=(3,)), Linear(1)])
    with pytest.raises(KcoreError, match=r"compile\(\) before fit"):
        model.fit(*regression_data(8), verbose=0)


@pytest.mark.parametrize(("kwargs", "error", "pattern"), [
    ({"y": np.zeros((7, 1))}, ShapeError, "x has 8 samples but y has 7"),
    ({"batch_size": 0}, ConfigError, "batch_size"),
    ({"validation_split": 0.2, "validation_data": (np.zeros((2, 3)), np.zeros((2, 1)))}, ConfigError, "not both"),
    ({"x": np.zeros((8, 4))}, ShapeError, r"expects shape \(None, 3\)"),
    ({"epochs": 0}, ConfigError, "epochs"),
])
def test_bad_fit_arguments_fail_before_any_weight_changes(kwargs, error, pattern):
    x, y = regression_data(8)
    model = compiled(kcore.Sequential([layers.Input(shape=(3,)), Linear(1)]))
    before = model.get_weights()
    with pytest.raises(error, match=pattern):
        model.fit(**{"x": x, "y": y, "verbose": 0, **kwargs})
    for a, b in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_nb_epoch_is_accepted_with_a_deprecation_warning():
    model = compiled(kcore.Sequential([layers.Input(shape=(3,)), Linear(1)]))
    with pytest.warns(DeprecationWarning, match="epochs"):
        history = model.fit(*regression_data(16), nb_epoch=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_set_weights_checks_shapes_before_changing_anything():
    model = kcore.Sequential([layers.Input(shape=(3,)), Linear(2, name="lin")])
    weights = model.get_weights()
    with pytest.raises(ShapeError, match=r"lin/bias.*\(2,\).*\(3,\)"):
        model.set_weights([weights[0] * 0, np.zeros(3)])
    np.testing.assert_array_equal(model.get_weights()[0], weights[0])


def test_callbacks_see_every_epoch_and_can_stop_training():
    class StopAfterTwo(Callback):
        def __init__(self):
            super().__init__()
            self.epochs = []

        def on_epoch_end(self, epoch, logs=None):
            self.epochs.append((epoch, sorted(logs)))
            if epoch == 1:
                self.model.stop_training = True

    stopper = StopAfterTwo()
    model = compiled(kcore.Sequential([layers.Input(shape=(3,)), Linear(1)]))
    model.fit(*regression_data(16), epochs=10, verbose=0, callbacks=[stopper])
    assert stopper.epochs == [(0, ["loss"]), (1, ["loss"])]


def test_progress_bar_prints_epochs_and_metrics(capsys):
    model = compiled(kcore.Sequential([layers.Input(shape=(3,)), Linear(1)]))
    model.fit(*regression_data(32), epochs=2, batch_size=16, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out and "2/2" in out and "loss:" in out


def test_summary_lists_layers_shapes_and_parameter_counts():
    model = kcore.Sequential([layers.Input(shape=(3,)), Linear(4, name="hidden")], name="tiny")
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert 'Model: "tiny"' in text and "hidden (Linear)" in text and "(None, 4)" in text
    assert "Total params: 16 (64.00 B)" in text


def test_a_keras2_callback_overriding_on_batch_end_is_called_every_batch():
    class CountBatches(Callback):
        count = 0

        def on_batch_end(self, batch, logs=None):
            CountBatches.count += 1

    model = compiled(kcore.Sequential([layers.Input(shape=(3,)), Linear(1)]))
    model.fit(*regression_data(32), batch_size=8, epochs=2, verbose=0, callbacks=[CountBatches()])
    assert CountBatches.count == 8


def test_sample_weight_zero_removes_samples_from_the_loss():
    x, y = regression_data(32)
    y_bad = y.copy()
    y_bad[16:] += 100.0  # corrupt half the targets, then weight them out
    weights = np.r_[np.ones(16), np.zeros(16)].astype("float32")
    model = compiled(kcore.Sequential([layers.Input(shape=(3,)), Linear(1)]), learning_rate=0.1)
    model.fit(x, y_bad, sample_weight=weights, epochs=40, batch_size=32, verbose=0, shuffle=False)
    assert model.evaluate(x[:16], y[:16], verbose=0) < 0.05


def test_class_weight_scales_each_sample_by_its_class():
    class PerSampleLoss(Loss):
        def call(self, y_true, y_pred):
            return ops.mean(ops.square(y_pred - ops.cast(y_true, "float32")), axis=-1)

    x = np.zeros((4, 3), "float32")
    y = np.array([[0], [0], [1], [1]], "int64")
    model = kcore.Sequential([layers.Input(shape=(3,)), Linear(1)])
    model.compile(optimizer=PlainSGD(learning_rate=0.0), loss=PerSampleLoss(reduction="sum"))
    plain = model.test_on_batch(x, y)
    weighted = model.train_on_batch(x, y, class_weight={0: 1.0, 1: 3.0})
    # with zero inputs and zero bias the prediction is 0: class 1 samples each lose 1, tripled by their weight
    assert plain == 2.0 and weighted == 6.0


def test_initial_epoch_resumes_the_epoch_count():
    seen = []
    model = compiled(kcore.Sequential([layers.Input(shape=(3,)), Linear(1)]))

    class Epochs(Callback):
        def on_epoch_begin(self, epoch, logs=None):
            seen.append(epoch)

    model.fit(*regression_data(16), epochs=5, initial_epoch=3, verbose=0, callbacks=[Epochs()])
    assert seen == [3, 4]


def test_verbose_2_prints_one_line_per_epoch(capsys):
    model = compiled(kcore.Sequential([layers.Input(shape=(3,)), Linear(1)]))
    model.fit(*regression_data(64), epochs=2, batch_size=16, verbose=2)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert lines[0] == "Epoch 1/2" and lines[1].startswith("4/4 - ") and "loss:" in lines[1]
    assert len(lines) == 4


def test_dict_outputs_take_losses_and_weights_by_name():
    inputs = layers.Input(shape=(3,))
    hidden = Linear(4)(inputs)
    model = kcore.Model(inputs, {"price": Linear(1, name="price")(hidden), "size": Linear(1, name="size")(hidden)})
    model.compile(optimizer=PlainSGD(learning_rate=0.01), loss={"price": SquaredError(), "size": SquaredError()},
                  loss_weights={"price": 1.0, "size": 0.0})
    x = np.ones((8, 3), "float32")
    logs = model.test_on_batch(x, {"price": np.zeros((8, 1)), "size": np.full((8, 1), 50.0)}, return_dict=True)
    assert logs["loss"] == pytest.approx(logs["price_loss"])  # size's loss is weighted 0
    assert logs["size_loss"] > logs["price_loss"]


def test_add_loss_from_a_layer_made_inside_build_counts_in_the_training_loss():
    class Penalised(layers.Layer):
        def call(self, inputs):
            self.add_loss(100.0)
            return inputs

    class Outer(layers.Layer):
        def build(self, input_shape):
            self.inner = Penalised()  # created lazily, after fit started

        def call(self, inputs):
            return self.inner(inputs)

    x, y = regression_data(16)
    model = compiled(kcore.Sequential([Outer(), Linear(1)]), learning_rate=0.0)
    losses = [model.train_on_batch(x, y) for _ in range(2)]
    plain = float(ops.mean(ops.square(model.predict(x, verbose=0) - y)))
    assert losses[0] == pytest.approx(plain + 100.0, rel=1e-5) and losses[1] == losses[0]


class Log(layers.Layer):
    def call(self, inputs):
        return ops.log(inputs)


def test_a_nan_loss_stops_fit_naming_epoch_step_and_layer_and_keeps_the_weights():
    x, y = regression_data(32)
    model = compiled(kcore.Sequential([layers.Input(shape=(3,)), Linear(3, name="lin"), Log(name="log"),
                                       Linear(1)]))
    before = model.get_weights()
    with np.errstate(all="ignore"), pytest.raises(kcore.errors.NonFiniteLossError,
                                                      match=r"epoch 1, step 1 of 4.*layer 'log' \(Log\)"):
        model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    for a, b in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_diverging_run_stops_at_the_first_infinite_step_with_finite_weights():
    x, y = regression_data(64)
    model = compiled(kcore.Sequential([layers.Input(shape=(3,)), Linear(8), Linear(1)]), learning_rate=50.0)
    with np.errstate(all="ignore"), pytest.raises(kcore.errors.NonFiniteLossError, match="step"):
        model.fit(x, y * 1e3, batch_size=8, epochs=20, verbose=0)
    assert all(np.isfinite(w).all() for w in model.get_weights())


def test_terminate_on_nan_can_be_switched_off():
    x, y = regression_data(16)
    model = compiled(kcore.Sequential([layers.Input(shape=(3,)), Linear(3), Log(), Linear(1)]))
    model.terminate_on_nan = False
    with np.errstate(all="ignore"):
        model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert np.isnan(model.history.history["loss"][0])


def test_a_misspelt_metric_or_loss_fails_in_compile_and_keeps_the_previous_compile():
    model = compiled(kcore.Sequential([layers.Input(shape=(3,)), Linear(1)]))
    optimizer = model.optimizer
    with pytest.raises(kcore.errors.UnknownNameError, match="Unknown metric 'acuracy'"):
        model.compile(optimizer="adam", loss="mse", metrics=["acuracy"])
    assert model.optimizer is optimizer


def test_callbacks_given_as_strings_are_a_clear_error():
    model = compiled(kcore.Sequential([layers.Input(shape=(3,)), Linear(1)]))
    with pytest.raises(ConfigError, match="Callback instances"):
        model.fit(*regression_data(8), verbose=0, callbacks=["EarlyStopping"])


def test_build_called_directly_marks_the_layer_built_and_the_first_call_keeps_its_weights():
    layer = kcore.layers.Dense(3)
    layer.build((None, 5))
    assert layer.built and layer.get_build_config() == {"input_shape": (None, 5)}
    kernel = layer.kernel
    layer(np.ones((2, 5), "float32"))
    assert layer.kernel is kernel and len(layer.weights) == 2


def test_a_subclass_build_that_calls_super_builds_once():
    class Scaled(kcore.layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones")
            super().build(input_shape)

        def call(self, inputs):
            return inputs * self.scale

    layer = Scaled()
    layer.build((None, 4))
    layer(np.ones((1, 4), "float32"))
    assert layer.built and len(layer.weights) == 1


def test_sequential_build_called_directly_builds_the_model():
    model = kcore.Sequential([kcore.layers.Dense(3), kcore.layers.Dense(2)])
    model.build((None, 5))
    assert model.built and model.count_params() == 5 * 3 + 3 + 3 * 2 + 2


def test_a_scalar_weight_made_by_an_initializer_keeps_the_shape_it_was_asked_for():
    layer = kcore.layers.Layer()
    counter = layer.add_weight(shape=(), initializer="zeros", trainable=False, name="count")
    scale = layer.add_weight(shape=(), initializer="ones", name="scale")
    assert counter.shape == () and scale.shape == ()
    assert float(kcore.ops.convert_to_numpy(scale.value)) == 1.0


def test_a_functional_model_s_input_and_output_start_a_new_model_as_in_transfer_learning():
    inputs = kcore.Input((3,))
    base = kcore.Model(inputs, layers.Dense(4, activation="relu")(inputs))
    assert base.input is inputs and base.output.shape == (None, 4)
    head = kcore.Model(base.input, layers.Dense(2)(base.output))
    x = np.ones((5, 3), "float32")
    assert head.predict(x, verbose=0).shape == (5, 2)
    np.testing.assert_allclose(head.layers[1](x), base.predict(x, verbose=0), rtol=1e-6)


def test_a_sequential_model_s_input_and_output_are_its_symbolic_tensors():
    model = kcore.Sequential([kcore.Input((5,)), layers.Dense(3)])
    assert model.input.shape == (None, 5) and model.output.shape == (None, 3)
    with pytest.raises(ConfigError, match="give it an Input"):
        _ = kcore.Sequential([layers.Dense(3)]).output


class SlowBatches(kcore.utils.PyDataset):
    """Eight batches, each read with a short sleep (as a file read would), noting which threads read them and how
    many reads are under way when the epoch ends."""

    def __init__(self, x, y, fail_at=None, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.fail_at = x, y, fail_at
        self.threads, self.reading, self.reading_at_epoch_end = set(), 0, []

    def __len__(self):
        return 8

    def __getitem__(self, i):
        import threading
        import time

        self.reading += 1
        self.threads.add(threading.current_thread().name)
        time.sleep(0.002 * (8 - i))  # later batches finish first: order must come from the index, not the clock
        self.reading -= 1
        if i == self.fail_at:
            raise ValueError(f"batch {i} is unreadable")
        return self.x[i * 8:(i + 1) * 8], self.y[i * 8:(i + 1) * 8]

    def on_epoch_end(self):
        self.reading_at_epoch_end.append(self.reading)


def test_a_pydataset_with_workers_is_read_ahead_by_threads_in_order():
    x, y = regression_data(64)
    kcore.utils.set_random_seed(0)
    alone = compiled(kcore.Sequential([layers.Input(shape=(3,)), Linear(1)]))
    alone.fit(SlowBatches(x, y), epochs=2, verbose=0)
    kcore.utils.set_random_seed(0)
    model = compiled(kcore.Sequential([layers.Input(shape=(3,)), Linear(1)]))
    data = SlowBatches(x, y, workers=3, max_queue_size=4)
    model.fit(data, epochs=2, verbose=0)
    for got, want in zip(model.get_weights(), alone.get_weights(), strict=True):
        np.testing.assert_array_equal(got, want)  # the same batches in the same order
    assert len(data.threads) > 1 and all(name.startswith("kcore-data") for name in data.threads)
    assert data.reading_at_epoch_end == [0, 0]
    with pytest.raises(ValueError, match="batch 5 is unreadable"):
        model.fit(SlowBatches(x, y, fail_at=5, workers=2), epochs=1, verbose=0)
