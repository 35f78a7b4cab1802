"""`text_dataset_from_directory` and `image_dataset_from_directory`: which files, which labels, which split, in
which order, and what a batch holds, checked against directory trees written here; then a model trained on each."""

import os

import numpy as np
import pytest

import kcore
from kcore import layers
from kcore.errors import ConfigError, MissingDependencyError
from kcore.utils import image_dataset_from_directory, save_img, text_dataset_from_directory

CLASSES = ("cats", "dogs", "fish")


@pytest.fixture
def text_tree(tmp_path):
    """Three classes of 7, 5 and 4 files; each text names its class and number. Some files sit in a nested
    folder; a .md file and a hidden folder must be ignored."""
    for label, (name, count) in enumerate(zip(CLASSES, (7, 5, 4), strict=True)):
        for i in range(count):
            folder = tmp_path / name / ("deep" if i % 2 else "")
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{i:02d}.txt").write_text(f"{name} {label} {i} " + "word " * (i + 1), encoding="utf-8")
        (tmp_path / name / "notes.md").write_text("not a sample")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "x.txt").write_text("hidden")
    return tmp_path


def _all_batches(dataset):
    texts, labels = zip(*dataset, strict=True)
    return np.concatenate(texts), np.concatenate(labels)


def test_inferred_labels_follow_the_class_folders(text_tree, capsys):
    dataset = text_dataset_from_directory(text_tree, batch_size=4, seed=1)
    assert "Found 16 files belonging to 3 classes." in capsys.readouterr().out
    assert dataset.class_names == list(CLASSES) and len(dataset) == 4
    texts, labels = _all_batches(dataset)
    assert texts.shape == (16,) and texts.dtype.kind == "U"
    assert labels.dtype == np.int32 and labels.shape == (16,)
    for text, label in zip(texts, labels, strict=True):
        assert text.split()[0] == CLASSES[label] and int(text.split()[1]) == label
    assert np.bincount(labels).tolist() == [7, 5, 4]


def test_without_shuffling_the_files_come_in_class_then_path_order(text_tree):
    dataset = text_dataset_from_directory(text_tree, batch_size=None, shuffle=False, verbose=False)
    assert len(dataset) == 16
    names = [os.path.relpath(path, text_tree) for path in dataset.file_paths]
    assert names[:7] == ["cats/00.txt", "cats/02.txt", "cats/04.txt", "cats/06.txt", "cats/deep/01.txt",
                         "cats/deep/03.txt", "cats/deep/05.txt"]
    text, label = dataset[0]
    assert isinstance(text, str) and text.startswith("cats 0 0") and label == 0


def test_label_modes(text_tree):
    one_hot = text_dataset_from_directory(text_tree, label_mode="categorical", batch_size=16, seed=2, verbose=False)
    texts, labels = one_hot[0]
    assert labels.dtype == np.float32 and labels.shape == (16, 3)
    np.testing.assert_array_equal(labels.argmax(1), [CLASSES.index(t.split()[0]) for t in texts])
    assert (labels.sum(1) == 1).all()
    two = text_dataset_from_directory(text_tree, label_mode="binary", class_names=["fish", "cats"], batch_size=16,
                                      seed=2, verbose=False)
    texts, labels = two[0]
    assert two.class_names == ["fish", "cats"] and labels.shape == (11, 1) and labels.dtype == np.float32
    np.testing.assert_array_equal(labels[:, 0], [t.startswith("cats") for t in texts])
    with pytest.raises(ConfigError, match="exactly 2 classes; found 3"):
        text_dataset_from_directory(text_tree, label_mode="binary", verbose=False)
    alone = text_dataset_from_directory(text_tree, labels=None, batch_size=16, verbose=False)
    assert isinstance(alone[0], np.ndarray) and alone[0].shape == (16,)
    assert isinstance(text_dataset_from_directory(text_tree, label_mode=None, verbose=False)[0], np.ndarray)


def test_explicit_labels_go_to_the_files_in_sorted_path_order(text_tree):
    ordered = text_dataset_from_directory(text_tree, labels=None, shuffle=False, verbose=False).file_paths
    given = [5 if "dogs" in path else 9 for path in ordered]
    dataset = text_dataset_from_directory(text_tree, labels=given, batch_size=16, seed=0, verbose=False)
    assert dataset.class_names == ["5", "9"]
    texts, labels = _all_batches(dataset)
    np.testing.assert_array_equal(labels, [5 if t.startswith("dogs") else 9 for t in texts])
    # without class folders the whole tree is walked, hidden folders too (as Keras does): 17 files
    with pytest.raises(ConfigError, match="3 labels were given for the 17 files"):
        text_dataset_from_directory(text_tree, labels=[0, 1, 0], verbose=False)


def test_max_length_keeps_the_first_characters(text_tree):
    texts, _ = text_dataset_from_directory(text_tree, max_length=6, batch_size=16, verbose=False)[0]
    assert {len(text) for text in texts} == {6} and all(t[:4] in ("cats", "dogs", "fish") for t in texts)


def test_the_validation_split_is_the_tail_of_the_seeded_shuffle_and_never_overlaps(text_tree, capsys):
    train, validation = text_dataset_from_directory(text_tree, validation_split=0.25, subset="both", seed=7,
                                                    batch_size=5)
    out = capsys.readouterr().out
    assert "Using 12 files for training." in out and "Using 4 files for validation." in out
    assert len(train.file_paths) == 12 and len(validation.file_paths) == 4 and len(train) == 3
    assert not set(train.file_paths) & set(validation.file_paths)
    again = text_dataset_from_directory(text_tree, validation_split=0.25, subset="validation", seed=7, verbose=False)
    assert again.file_paths == validation.file_paths
    assert _all_batches(again)[0].tolist() == _all_batches(validation)[0].tolist()  # validation is not reshuffled
    other = text_dataset_from_directory(text_tree, validation_split=0.25, subset="validation", seed=8, verbose=False)
    assert other.file_paths != validation.file_paths


def test_every_epoch_sees_every_training_file_once_in_a_new_order(text_tree):
    dataset = text_dataset_from_directory(text_tree, batch_size=3, seed=4, verbose=False)
    first = _all_batches(dataset)[0].tolist()
    dataset.on_epoch_end()
    second = _all_batches(dataset)[0].tolist()
    assert sorted(first) == sorted(second) and first != second and len(set(first)) == 16


def test_map_and_take(text_tree):
    dataset = text_dataset_from_directory(text_tree, batch_size=4, seed=3, verbose=False)
    lengths = dataset.map(lambda texts, labels: (np.char.str_len(texts), labels))
    (first_lengths, first_labels), = lengths.take(1)
    texts, labels = dataset[0]
    np.testing.assert_array_equal(first_lengths, [len(t) for t in texts])
    np.testing.assert_array_equal(first_labels, labels)
    assert len(lengths) == len(dataset) and len(dataset.take(10)) == 4
    assert lengths.map(lambda n, y: n * 2)[0].tolist() == (np.char.str_len(texts) * 2).tolist()


def test_cache_keeps_the_first_reading_and_prefetch_and_cardinality_fit_tutorial_code(text_tree):
    dataset = text_dataset_from_directory(text_tree, batch_size=4, seed=3, verbose=False)
    reads = []
    cached = dataset.map(lambda texts, labels: reads.append(1) or (texts, labels)).cache().prefetch(buffer_size=10)
    first = [texts.tolist() for texts, _ in cached]
    cached.on_epoch_end()  # would reshuffle the files underneath; the cache replays the first epoch
    assert [texts.tolist() for texts, _ in cached] == first and len(reads) == 4
    assert cached.cardinality() == dataset.cardinality() == 4


@pytest.mark.parametrize("arguments, message", [
    ({"validation_split": 0.2}, "`validation_split` and `subset` go together"),
    ({"subset": "training"}, "`validation_split` and `subset` go together"),
    ({"validation_split": 0.2, "subset": "training"}, "pass a `seed`"),
    ({"validation_split": 1.5, "subset": "training", "seed": 1}, "between 0 and 1"),
    ({"validation_split": 0.2, "subset": "test", "seed": 1}, "'training', 'validation' or 'both'"),
    ({"label_mode": "sparse"}, "`label_mode` must be"),
    ({"labels": "folders"}, "`labels` must be 'inferred'"),
    ({"labels": None, "class_names": ["cats"]}, "cannot be given with labels=None"),
    ({"class_names": ["cats", "birds"]}, r"class_names \['birds'\] have no subdirectory"),
    ({"batch_size": 0}, "`batch_size` must be a positive integer"),
])
def test_bad_arguments_are_refused_before_any_file_is_read(text_tree, arguments, message):
    with pytest.raises(ConfigError, match=message):
        text_dataset_from_directory(text_tree, verbose=False, **arguments)


def test_a_missing_or_empty_directory_says_so(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        text_dataset_from_directory(tmp_path / "nowhere")
    (tmp_path / "empty" / "a").mkdir(parents=True)
    with pytest.raises(ConfigError, match=r"no files in .* ending in one of \('.txt',\)"):
        text_dataset_from_directory(tmp_path / "empty", verbose=False)


def test_a_model_that_starts_from_strings_trains_on_the_text_dataset(tmp_path):
    # the Keras tutorial's shape: adapt a TextVectorization on the texts, then fit an end-to-end model
    rng = np.random.RandomState(0)
    for name, words in (("neg", ["awful", "bad", "dull"]), ("pos", ["great", "good", "fine"])):
        (tmp_path / name).mkdir()
        for i in range(24):
            (tmp_path / name / f"{i}.txt").write_text(" ".join(rng.choice([*words, "film", "the"], 8)))
    train, validation = text_dataset_from_directory(tmp_path, batch_size=8, validation_split=0.25, subset="both",
                                                    seed=5, verbose=False)
    vectorize = layers.TextVectorization(max_tokens=16, output_sequence_length=8)
    vectorize.adapt(train.map(lambda texts, labels: texts))
    assert {"awful", "great", "film"} <= set(vectorize.get_vocabulary())
    kcore.utils.set_random_seed(0)
    model = kcore.Sequential([layers.Input((1,), dtype="string"), vectorize, layers.Embedding(16, 8),
                              layers.GlobalAveragePooling1D(), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=kcore.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(train, validation_data=validation, epochs=15, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert history.history["val_accuracy"][-1] >= 0.9


# ---- images ---------------------------------------------------------------------------------------------------

@pytest.fixture
def image_tree(tmp_path):
    """Two classes of images of assorted sizes and formats: dark ones and bright ones; a stray .txt."""
    pytest.importorskip("PIL")
    rng = np.random.RandomState(0)
    for name, base in (("bright", 150), ("dark", 0)):
        (tmp_path / name).mkdir()
        for i, suffix in enumerate(["png", "bmp", "gif", "jpg", "jpeg", "PNG"] * 2):
            size = (rng.randint(10, 30), rng.randint(10, 30), 3)
            save_img(str(tmp_path / name / f"{i:02d}.{suffix}"), rng.randint(0, 100, size) + base, scale=False)
        (tmp_path / name / "readme.txt").write_text("no image")
    return tmp_path


def test_images_are_found_in_every_format_decoded_and_resized(image_tree, capsys):
    dataset = image_dataset_from_directory(image_tree, image_size=(12, 16), batch_size=5, seed=0)
    assert "Found 24 files belonging to 2 classes." in capsys.readouterr().out
    assert dataset.class_names == ["bright", "dark"] and len(dataset) == 5
    images, labels = dataset[0]
    assert images.shape == (5, 12, 16, 3) and images.dtype == np.float32 and labels.dtype == np.int32
    # the bright class's pixels are 150-249, the dark's 0-99, so the class shows in the mean of any image
    for image, label in zip(images, labels, strict=True):
        assert (image.mean() > 125) == (label == 0)
    assert sorted(os.path.splitext(p)[1].lower() for p in dataset.file_paths)[:4] == [".bmp"] * 4


def test_color_modes_data_format_and_channels(image_tree):
    for mode, channels in (("grayscale", 1), ("rgb", 3), ("rgba", 4)):
        images, _ = image_dataset_from_directory(image_tree, color_mode=mode, image_size=8, batch_size=2,
                                                 seed=0, verbose=False)[0]
        assert images.shape == (2, 8, 8, channels)
    first = image_dataset_from_directory(image_tree, image_size=(6, 7), data_format="channels_first",
                                         label_mode="categorical", batch_size=3, seed=0, verbose=False)
    images, labels = first[0]
    assert images.shape == (3, 3, 6, 7) and labels.shape == (3, 2) and labels.dtype == np.float32


def test_an_image_of_the_target_size_comes_back_exactly_and_aspect_crop_and_pad_move_no_pixel(tmp_path):
    pytest.importorskip("PIL")
    (tmp_path / "only").mkdir()
    pixels = np.random.RandomState(1).randint(0, 256, (4, 8, 3))
    save_img(str(tmp_path / "only" / "a.png"), pixels, scale=False)

    def load(**kwargs):
        return image_dataset_from_directory(tmp_path, batch_size=None, verbose=False, shuffle=False, **kwargs)[0][0]

    np.testing.assert_array_equal(load(image_size=(4, 8)), pixels)
    np.testing.assert_array_equal(load(image_size=(4, 4), crop_to_aspect_ratio=True), pixels[:, 2:6])
    padded = load(image_size=(8, 8), pad_to_aspect_ratio=True)
    np.testing.assert_array_equal(padded[2:6], pixels)
    assert not padded[:2].any() and not padded[6:].any()
    # half-pixel bilinear: doubling the width puts each new pixel a quarter of the way between two old ones
    wide = load(image_size=(4, 16))
    np.testing.assert_allclose(wide[:, 1], 0.75 * pixels[:, 0] + 0.25 * pixels[:, 1], rtol=1e-5)
    np.testing.assert_allclose(wide[:, 0], pixels[:, 0], rtol=1e-6)
    np.testing.assert_array_equal(load(image_size=(4, 16), interpolation="nearest")[:, ::2], pixels)


def test_image_arguments_are_checked_first(image_tree):
    for arguments, message in (({"color_mode": "cmyk"}, "`color_mode` must be"),
                               ({"image_size": (0, 3)}, "`image_size` must be"),
                               ({"interpolation": "area"}, "`interpolation` must be one of"),
                               ({"crop_to_aspect_ratio": True, "pad_to_aspect_ratio": True}, "only one of")):
        with pytest.raises(ConfigError, match=message):
            image_dataset_from_directory(image_tree, verbose=False, **arguments)


def test_a_corrupt_image_is_named_when_its_batch_is_read(tmp_path):
    pytest.importorskip("PIL")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "broken.jpg").write_bytes(b"\xff\xd8\xff not really a jpeg")
    dataset = image_dataset_from_directory(tmp_path, verbose=False)
    with pytest.raises(ConfigError, match=r"Could not decode the image file .*broken\.jpg"):
        dataset[0]


def test_without_pillow_the_error_says_what_to_install(image_tree, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "PIL", None)
    with pytest.raises(MissingDependencyError, match="pip install pillow"):
        image_dataset_from_directory(image_tree, verbose=False)


def test_a_convnet_trains_on_the_image_dataset(image_tree):
    train, validation = image_dataset_from_directory(image_tree, image_size=(12, 12), batch_size=4,
                                                     validation_split=0.25, subset="both", seed=3,
                                                     label_mode="binary", verbose=False)
    kcore.utils.set_random_seed(0)
    model = kcore.Sequential([layers.Input((12, 12, 3)), layers.Rescaling(1 / 255), layers.Conv2D(4, 3),
                              layers.GlobalAveragePooling2D(), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=kcore.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(train, validation_data=validation, epochs=15, verbose=0)
    assert history.history["accuracy"][-1] == 1.0 and history.history["val_accuracy"][-1] == 1.0
    assert model.predict(validation, verbose=0).shape == (6, 1)
