"""`keras.preprocessing`'s names, for code written against them: the dataset builders and, in `image` and
`sequence`, the single-image and padding helpers. They are the functions of `kcore.utils` (this module loads
only when first used, so `import kcore` stays light)."""

from kcore.preprocessing import image, sequence
from kcore.utils.image_dataset_utils import image_dataset_from_directory
from kcore.utils.text_dataset_utils import text_dataset_from_directory
from kcore.utils.timeseries_utils import timeseries_dataset_from_array

__all__ = ["image", "image_dataset_from_directory", "sequence", "text_dataset_from_directory",
           "timeseries_dataset_from_array"]
