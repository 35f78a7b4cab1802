"""Nested structures (lists, tuples, dicts of arrays), as Keras's `tree` utilities handle them."""


def is_nested(x):
    return isinstance(x, (list, tuple, dict))


def flatten(x):
    """The leaves of `x`, depth first; dicts in sorted-key order."""
    if isinstance(x, dict):
        return [leaf for key in sorted(x) for leaf in flatten(x[key])]
    if isinstance(x, (list, tuple)):
        return [leaf for item in x for leaf in flatten(item)]
    return [x]


def map_structure(fn, x):
    """`x` with every leaf replaced by `fn(leaf)`."""
    if isinstance(x, dict):
        return {key: map_structure(fn, value) for key, value in x.items()}
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return type(x)(*(map_structure(fn, item) for item in x))
    if isinstance(x, (list, tuple)):
        return type(x)(map_structure(fn, item) for item in x)
    return fn(x)


def pack_sequence_as(structure, leaves):
    """Rebuild `structure` from a flat list of leaves (the inverse of `flatten`)."""
    leaves = iter(leaves)

    def rebuild(s):
        if isinstance(s, dict):
            return {key: rebuild(s[key]) for key in sorted(s)}
        if isinstance(s, (list, tuple)):
            return type(s)(rebuild(item) for item in s)
        return next(leaves)

    return rebuild(structure)


def is_shape(x):
    return isinstance(x, (tuple, list)) and all(d is None or isinstance(d, int) for d in x)


def map_shapes(fn, shapes):
    """`fn` applied to each shape in `shapes` (a shape, or a list/tuple/dict of shapes)."""
    if is_shape(shapes):
        return fn(tuple(shapes))
    if isinstance(shapes, dict):
        return {key: map_shapes(fn, value) for key, value in shapes.items()}
    return type(shapes)(map_shapes(fn, s) for s in shapes)
