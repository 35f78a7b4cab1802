"""`keras.preprocessing.image`: reading, writing and resizing single images (see kcore.utils.image_utils)."""

from kcore.utils.image_utils import array_to_img, img_to_array, load_img, save_img, smart_resize

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"]
