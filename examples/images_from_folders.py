"""Train a convnet on images read from folders, one folder per class, as Keras's image tutorials do.

    python examples/images_from_folders.py --epochs 5 --output runs/folders

The real MNIST digits bundled with kcore-datasets are first written out as PNG files, in the layout that
`image_dataset_from_directory` reads (`<output>/digits/train/7/00042.png`, ...): the first 8,000 (or `--limit`)
digits for training, the last 2,000 for testing. From there on the script only sees files:

1. `image_dataset_from_directory` lists them, takes the labels from the folder names, keeps 20% of the training
   files for validation (`subset="both"` with a seed), and decodes and batches them while `fit` runs.
2. The model augments in training (small random shifts), rescales to [0, 1], and classifies the ten digits.
3. It is evaluated on the test folder, and one file is classified with `load_img` and `img_to_array`.

Writing the PNG files needs Pillow (`pip install pillow`); so does reading them.
"""

import argparse
import pathlib

import numpy as np

import kcore
from kcore import layers


def write_digits(folder, images, labels):
    """Each image as <folder>/<label>/<index>.png, skipped when the file is already there."""
    for index, (image, label) in enumerate(zip(images, labels, strict=True)):
        path = folder / str(label) / f"{index:05d}.png"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            kcore.utils.save_img(path, image[..., None], scale=False)


def build_model(num_classes):
    return kcore.Sequential([
        layers.Input((28, 28, 1)),
        layers.RandomTranslation(0.08, 0.08, fill_mode="constant"),  # active in fit only
        layers.Rescaling(1 / 255),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(num_classes, activation="softmax"),
    ])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--limit", type=int, default=8000, help="training digits to write and use (at most 8000)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--output", type=pathlib.Path, default=pathlib.Path("images_from_folders"),
                        help="folder for the PNG files and the trained model")
    args = parser.parse_args(argv)

    kcore.utils.set_random_seed(1)
    (x_train, y_train), (x_test, y_test) = kcore.datasets.mnist.load_data(source="bundled")
    limit = min(args.limit, len(x_train))
    write_digits(args.output / "digits" / "train", x_train[:limit], y_train[:limit])
    write_digits(args.output / "digits" / "test", x_test, y_test)

    train, validation = kcore.utils.image_dataset_from_directory(
        args.output / "digits" / "train", color_mode="grayscale", image_size=(28, 28), batch_size=args.batch_size,
        validation_split=0.2, subset="both", seed=1337)
    test = kcore.utils.image_dataset_from_directory(args.output / "digits" / "test", color_mode="grayscale",
                                                   image_size=(28, 28), batch_size=256, shuffle=False)
    print("classes:", train.class_names)

    model = build_model(len(train.class_names))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(train, validation_data=validation, epochs=args.epochs, verbose=2)
    _, accuracy = model.evaluate(test, verbose=0)
    print(f"test accuracy on {len(test.file_paths)} digits read from PNG files: {100 * accuracy:.2f}%")

    path = test.file_paths[0]
    image = kcore.utils.img_to_array(kcore.utils.load_img(path, color_mode="grayscale"))
    probabilities = model.predict(image[None], verbose=0)[0]
    guess = train.class_names[int(np.argmax(probabilities))]
    print(f"{path} looks like a {guess} ({100 * probabilities.max():.1f}% sure); its folder says "
          f"{pathlib.Path(path).parent.name}")
    model.save(args.output / "digits.keras")
    print(f"model saved to {args.output / 'digits.keras'}")


if __name__ == "__main__":
    main()
