"""Unique default names ('dense', 'dense_1', ...) and Keras-style snake_case."""

import collections
import re

_counts = collections.defaultdict(int)


def to_snake_case(name):
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(base):
    """`base` the first time, then `base_1`, `base_2`, ... (per process, until `reset`)."""
    count = _counts[base]
    _counts[base] += 1
    return base if count == 0 else f"{base}_{count}"


def reset():
    _counts.clear()
