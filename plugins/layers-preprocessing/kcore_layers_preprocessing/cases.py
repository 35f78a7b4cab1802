"""The conformance cases of this distribution's layers (kcore.testing.LayerCase), run by kcore's
tests/test_layer_conformance.py. The lookup layers take strings drawn from `strings` (or integers): they have
no weights and no gradients, so the test checks their output shapes, shape inference and config round trip.
The image layers take float images: their gradients are checked too (the random ones at inference, where they
are the identity; their training path for shape)."""

from kcore.testing import LayerCase

WORDS = ("the", "cat", "sat", "on", "mat", "dog", "[UNK]", "")
SENTENCES = ("The cat sat.", "a DOG sat on the mat", "", "cat cat cat", "on, the  mat!", "ATGCCGATGA")
DNA = ("ATGCCGATGA", "GGCATT", "tata", "ACGTN", "")

LAYER_CASES = [
    LayerCase("StringLookup", {"vocabulary": ["the", "cat", "sat"]}, input_shape=(2, 3), strings=WORDS),
    LayerCase("StringLookup", {"vocabulary": ["the", "cat", "mat", "on"], "mask_token": "", "num_oov_indices": 2},
              input_shape=(3, 2), strings=WORDS),
    LayerCase("StringLookup", {"vocabulary": ["cat", "dog"], "output_mode": "multi_hot"}, input_shape=(2, 4),
              strings=WORDS),
    LayerCase("StringLookup", {"vocabulary": ["cat", "dog", "sat"], "output_mode": "one_hot"}, input_shape=(3, 1),
              strings=WORDS),
    LayerCase("StringLookup", {"vocabulary": ["[UNK]", "cat", "dog"], "idf_weights": [0.5, 1.0, 2.0],
                               "output_mode": "tf_idf"}, input_shape=(2, 3), strings=WORDS),
    LayerCase("IntegerLookup", {"vocabulary": [3, 1, 4]}, input_shape=(2, 3), integer_inputs=True, high=6),
    LayerCase("IntegerLookup", {"vocabulary": [5, 2], "mask_token": 0, "output_mode": "count", "max_tokens": 6,
                                "pad_to_max_tokens": True}, input_shape=(3, 4), integer_inputs=True, high=7),
    LayerCase("TextVectorization", {"vocabulary": ["the", "cat", "sat", "on"], "output_sequence_length": 5},
              input_shape=(4,), strings=SENTENCES),
    LayerCase("TextVectorization", {"vocabulary": ["g", "c", "a", "t"], "split": "character",
                                    "output_sequence_length": 8}, input_shape=(3, 1), strings=DNA),
    LayerCase("TextVectorization", {"vocabulary": ["cat", "the", "cat cat", "the mat"], "ngrams": 2,
                                    "output_mode": "multi_hot"}, input_shape=(4,), strings=SENTENCES),
    LayerCase("TextVectorization", {"vocabulary": ["[UNK]", "cat", "mat"], "idf_weights": [0.1, 1.5, 0.7],
                                    "output_mode": "tf_idf", "standardize": "lower"}, input_shape=(3,),
              strings=SENTENCES),
]

# CategoryEncoding takes integer tokens; Discretization floats kept away from its boundaries (the output is
# piecewise constant: no gradient reaches the input, and a finite difference must not straddle a boundary).
BOUNDARIES = [-1.0, -0.25, 0.5, 1.2]

LAYER_CASES += [
    LayerCase("CategoryEncoding", {"num_tokens": 6}, input_shape=(3, 4), integer_inputs=True, high=6),
    LayerCase("CategoryEncoding", {"num_tokens": 5, "output_mode": "one_hot"}, input_shape=(4, 1),
              integer_inputs=True, high=5),
    LayerCase("CategoryEncoding", {"num_tokens": 5, "output_mode": "one_hot"}, input_shape=(2, 3),
              integer_inputs=True, high=5),
    LayerCase("CategoryEncoding", {"num_tokens": 7, "output_mode": "count"}, input_shape=(3, 5), integer_inputs=True,
              high=4),
    LayerCase("Discretization", {"bin_boundaries": BOUNDARIES}, input_shape=(3, 4), away_from=tuple(BOUNDARIES)),
    LayerCase("Discretization", {"bin_boundaries": BOUNDARIES, "output_mode": "one_hot"}, input_shape=(3, 1),
              away_from=tuple(BOUNDARIES)),
    LayerCase("Discretization", {"bin_boundaries": BOUNDARIES, "output_mode": "multi_hot"}, input_shape=(2, 5),
              away_from=tuple(BOUNDARIES)),
    LayerCase("Discretization", {"bin_boundaries": BOUNDARIES, "output_mode": "count"}, input_shape=(4, 3),
              away_from=tuple(BOUNDARIES)),
]

IMAGE = (2, 5, 6, 3)

LAYER_CASES += [
    LayerCase("Rescaling", {"scale": 1 / 255, "offset": -0.5}, input_shape=IMAGE),
    LayerCase("Rescaling", {"scale": [0.5, 2.0, 1.0]}, input_shape=IMAGE),
    LayerCase("Normalization", {"mean": [0.5, -1.0, 2.0], "variance": [4.0, 1.0, 0.25]}, input_shape=IMAGE),
    LayerCase("Normalization", {"axis": None, "mean": 1.0, "variance": 2.0, "invert": True}, input_shape=(3, 4)),
    LayerCase("Resizing", {"height": 3, "width": 8}, input_shape=IMAGE),
    LayerCase("Resizing", {"height": 4, "width": 4, "interpolation": "nearest", "crop_to_aspect_ratio": True},
              input_shape=IMAGE),
    LayerCase("Resizing", {"height": 7, "width": 4, "interpolation": "lanczos3", "antialias": True},
              input_shape=IMAGE),
    LayerCase("CenterCrop", {"height": 3, "width": 4}, input_shape=IMAGE),
    # at inference: the centre crop (called with no flag, the random layers augment, as in Keras)
    LayerCase("RandomCrop", {"height": 3, "width": 4, "seed": 1}, input_shape=IMAGE, call_kwargs={"training": False}),
    LayerCase("RandomFlip", {"seed": 1}, input_shape=IMAGE, deterministic_training=False,
              call_kwargs={"training": True}),
    LayerCase("RandomRotation", {"factor": 0.2, "seed": 1}, input_shape=IMAGE, deterministic_training=False,
              call_kwargs={"training": True}),
    LayerCase("RandomZoom", {"height_factor": 0.3, "width_factor": (-0.2, 0.1), "fill_mode": "constant"},
              input_shape=IMAGE, deterministic_training=False, call_kwargs={"training": True}),
    LayerCase("RandomTranslation", {"height_factor": 0.2, "width_factor": 0.2, "interpolation": "nearest"},
              input_shape=IMAGE, deterministic_training=False, call_kwargs={"training": True}),
    LayerCase("RandomContrast", {"factor": 0.3}, input_shape=IMAGE, low=0.0, high=255.0,
              deterministic_training=False, call_kwargs={"training": True}),
    LayerCase("RandomBrightness", {"factor": 0.3, "value_range": (0, 1)}, input_shape=IMAGE, low=0.0, high=1.0,
              deterministic_training=False, call_kwargs={"training": True}),
    LayerCase("RandomRotation", {"factor": 0.2}, input_shape=IMAGE,
              call_kwargs={"training": False}),  # inference: the identity, gradient 1
]

# the colour layers: random ones checked for shape in training and as the identity (gradient 1) at inference;
# AutoContrast is not random, so its gradient is checked through the stretch
LAYER_CASES += [
    LayerCase("RandomGrayscale", {"factor": 0.5, "seed": 1}, input_shape=IMAGE, low=0.0, high=255.0,
              deterministic_training=False, call_kwargs={"training": True}),
    LayerCase("RandomInvert", {"factor": 0.8, "value_range": (0, 1)}, input_shape=IMAGE, low=0.0, high=1.0,
              deterministic_training=False, call_kwargs={"training": True}),
    LayerCase("Solarization", {"addition_factor": 0.2, "threshold_factor": (0.3, 0.7), "value_range": (0, 1)},
              input_shape=IMAGE, low=0.0, high=1.0, deterministic_training=False, call_kwargs={"training": True}),
    LayerCase("RandomPosterization", {"factor": (2, 6)}, input_shape=IMAGE, low=0.0, high=255.0,
              deterministic_training=False, call_kwargs={"training": True}),
    LayerCase("AutoContrast", {"value_range": (-2, 2)}, input_shape=IMAGE),
    LayerCase("RandomSaturation", {"factor": (0.3, 0.8), "value_range": (0, 1)}, input_shape=IMAGE, low=0.0,
              high=1.0, deterministic_training=False, call_kwargs={"training": True}),
    LayerCase("RandomHue", {"factor": 0.5}, input_shape=IMAGE, low=0.0, high=255.0, deterministic_training=False,
              call_kwargs={"training": True}),
    LayerCase("RandomSharpness", {"factor": 0.7, "value_range": (0, 1)}, input_shape=IMAGE, low=0.0, high=1.0,
              deterministic_training=False, call_kwargs={"training": True}),
    LayerCase("RandomHue", {"factor": 0.5}, input_shape=IMAGE, low=0.0, high=255.0,
              call_kwargs={"training": False}),  # inference: the identity, gradient 1
]

# the second set of augmentation layers: random in training (shape checked), the identity at inference
LAYER_CASES += [
    LayerCase("RandomErasing", {"fill_value": 3.0, "seed": 1}, input_shape=IMAGE, low=0.0, high=255.0,
              deterministic_training=False, call_kwargs={"training": True}),
    LayerCase("RandomGaussianBlur", {"kernel_size": (3, 5), "sigma": (0.5, 1.5), "value_range": (0, 1)},
              input_shape=IMAGE, low=0.0, high=1.0, deterministic_training=False, call_kwargs={"training": True}),
    LayerCase("RandomColorDegeneration", {"factor": 0.8}, input_shape=IMAGE, low=0.0, high=255.0,
              deterministic_training=False, call_kwargs={"training": True}),
    LayerCase("RandomColorJitter", {"value_range": (0, 1), "brightness_factor": 0.2, "contrast_factor": 0.3,
                                    "saturation_factor": 0.6, "hue_factor": 0.2},
              input_shape=IMAGE, low=0.0, high=1.0, deterministic_training=False, call_kwargs={"training": True}),
    LayerCase("RandomShear", {"x_factor": 0.3, "y_factor": (0.1, 0.2), "fill_mode": "constant"}, input_shape=IMAGE,
              deterministic_training=False, call_kwargs={"training": True}),
    LayerCase("RandomShear", {"x_factor": 0.3}, input_shape=IMAGE, call_kwargs={"training": False}),
    LayerCase("RandomColorJitter", {"brightness_factor": 0.2}, input_shape=IMAGE, low=0.0, high=255.0,
              call_kwargs={"training": False}),
]
