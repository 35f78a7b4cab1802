"""kcore's entry point into this distribution: registers the preprocessing layers (text and lookup; categorical
encoding and discretization; image rescaling, normalization, resizing, cropping and augmentation) and hands the layer
conformance test their cases."""

from kcore.plugins import hookimpl

KCORE_PLUGIN_API = 1


def components():
    """{registered name: layer class}."""
    from kcore_layers_preprocessing.category_encoding import CategoryEncoding
    from kcore_layers_preprocessing.discretization import Discretization
    from kcore_layers_preprocessing.integer_lookup import IntegerLookup
    from kcore_layers_preprocessing.string_lookup import StringLookup
    from kcore_layers_preprocessing.text_vectorization import TextVectorization

    return {"StringLookup": StringLookup, "IntegerLookup": IntegerLookup, "TextVectorization": TextVectorization,
            "CategoryEncoding": CategoryEncoding, "Discretization": Discretization, **image_components()}


IMAGE_LAYERS = {"Rescaling": "rescaling", "Normalization": "normalization", "Resizing": "resizing",
                "CenterCrop": "center_crop", "RandomCrop": "random_crop", "RandomFlip": "random_flip",
                "RandomRotation": "random_rotation", "RandomZoom": "random_zoom",
                "RandomTranslation": "random_translation", "RandomContrast": "random_contrast",
                "RandomBrightness": "random_brightness", "RandomGrayscale": "random_grayscale",
                "RandomInvert": "random_invert", "Solarization": "solarization",
                "RandomPosterization": "random_posterization", "AutoContrast": "auto_contrast",
                "RandomSaturation": "random_saturation", "RandomHue": "random_hue",
                "RandomSharpness": "random_sharpness",
                "RandomErasing": "random_erasing", "RandomGaussianBlur": "random_gaussian_blur",
                "RandomColorDegeneration": "random_color_degeneration", "RandomColorJitter": "random_color_jitter",
                "RandomShear": "random_shear"}


def image_components():
    """{name: class} of the image layers: one module each, named after the class."""
    import importlib

    return {name: getattr(importlib.import_module(f"kcore_layers_preprocessing.{module}"), name)
            for name, module in IMAGE_LAYERS.items()}


@hookimpl
def kcore_register(registry):
    for name, layer in components().items():
        registry.add("layer", name, layer)


@hookimpl
def kcore_layer_cases():
    from kcore_layers_preprocessing.cases import LAYER_CASES

    return LAYER_CASES
