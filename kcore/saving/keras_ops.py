"""Keras 3's own form for an op applied to symbolic tensors in a functional model, so that files move both ways.

Keras writes such a call (`x + y`, `ops.concatenate([a, b], axis=-1)`, the `not_equal` that an
`Embedding(mask_zero=True)` adds to a functional graph) as a node of an *operation*: module
`keras.src.ops.<numpy|nn|math|core|linalg|image>`, the op's class name (`Add`, `Concatenate`, `NotEqual`), a
config holding the op's static arguments (`{"name": ..., "axis": -1}`) and inbound nodes whose `args` hold the
tensors and any other positional values (`2.0` in `x * 2.0`), with slices, Ellipsis and NumPy arrays in
Keras's special forms.

`KERAS_OPS` gives, for each op kcore has under Keras's name, that module, class and the names of its static
arguments (taken from Keras 3.15's `keras/src/ops`).
"""

import numpy as np

#: op name -> (submodule of keras.src.ops, class name, names of the static arguments the class is built with)
KERAS_OPS = {
    "absolute": ("numpy", "Absolute", ()),
    "add": ("numpy", "Add", ()),
    "all": ("numpy", "All", ('axis', 'keepdims')),
    "amax": ("numpy", "Amax", ('axis', 'keepdims')),
    "amin": ("numpy", "Amin", ('axis', 'keepdims')),
    "any": ("numpy", "Any", ('axis', 'keepdims')),
    "arange": ("numpy", "Arange", ('dtype',)),
    "arctan": ("numpy", "Arctan", ()),
    "argmax": ("numpy", "Argmax", ('axis', 'keepdims')),
    "argmin": ("numpy", "Argmin", ('axis', 'keepdims')),
    "argsort": ("numpy", "Argsort", ('axis',)),
    "average_pool": ("nn", "AveragePool", ('pool_size', 'strides', 'padding', 'data_format')),
    "binary_crossentropy": ("nn", "BinaryCrossentropy", ('from_logits',)),
    "broadcast_to": ("numpy", "BroadcastTo", ('shape',)),
    "cast": ("core", "Cast", ('dtype',)),
    "categorical_crossentropy": ("nn", "CategoricalCrossentropy", ('from_logits', 'axis')),
    "ceil": ("numpy", "Ceil", ()),
    "clip": ("numpy", "Clip", ('x_min', 'x_max')),
    "concatenate": ("numpy", "Concatenate", ('axis',)),
    "conv": ("nn", "Conv", ('strides', 'padding', 'data_format', 'dilation_rate')),
    "conv_transpose": ("nn", "ConvTranspose", ('strides', 'padding', 'output_padding', 'data_format', 'dilation_rate')),
    "convert_to_tensor": ("core", "ConvertToTensor", ('dtype', 'sparse', 'ragged')),
    "cos": ("numpy", "Cos", ()),
    "cosh": ("numpy", "Cosh", ()),
    "cumprod": ("numpy", "Cumprod", ('axis', 'dtype')),
    "cumsum": ("numpy", "Cumsum", ('axis', 'dtype')),
    "depthwise_conv": ("nn", "DepthwiseConv", ('strides', 'padding', 'data_format', 'dilation_rate')),
    "divide": ("numpy", "Divide", ()),
    "dot": ("numpy", "Dot", ()),
    "einsum": ("numpy", "Einsum", ('subscripts',)),
    "elu": ("nn", "Elu", ('alpha',)),
    "equal": ("numpy", "Equal", ()),
    "erf": ("math", "Erf", ()),
    "exp": ("numpy", "Exp", ()),
    "expand_dims": ("numpy", "ExpandDims", ('axis',)),
    "expm1": ("numpy", "Expm1", ()),
    "flip": ("numpy", "Flip", ('axis',)),
    "floor": ("numpy", "Floor", ()),
    "floor_divide": ("numpy", "FloorDivide", ()),
    "full": ("numpy", "Full", ('shape', 'dtype')),
    "full_like": ("numpy", "FullLike", ('dtype',)),
    "gelu": ("nn", "Gelu", ('approximate',)),
    "get_item": ("numpy", "GetItem", ()),
    "greater": ("numpy", "Greater", ()),
    "greater_equal": ("numpy", "GreaterEqual", ()),
    "hard_sigmoid": ("nn", "HardSigmoid", ()),
    "hard_silu": ("nn", "HardSilu", ()),
    "isfinite": ("numpy", "Isfinite", ()),
    "isinf": ("numpy", "Isinf", ()),
    "isnan": ("numpy", "Isnan", ()),
    "leaky_relu": ("nn", "LeakyRelu", ('negative_slope',)),
    "less": ("numpy", "Less", ()),
    "less_equal": ("numpy", "LessEqual", ()),
    "linspace": ("numpy", "Linspace", ('num', 'endpoint', 'retstep', 'dtype', 'axis')),
    "log": ("numpy", "Log", ()),
    "log10": ("numpy", "Log10", ()),
    "log1p": ("numpy", "Log1p", ()),
    "log2": ("numpy", "Log2", ()),
    "log_sigmoid": ("nn", "LogSigmoid", ()),
    "log_softmax": ("nn", "LogSoftmax", ('axis',)),
    "logical_and": ("numpy", "LogicalAnd", ()),
    "logical_not": ("numpy", "LogicalNot", ()),
    "logical_or": ("numpy", "LogicalOr", ()),
    "logical_xor": ("numpy", "LogicalXor", ()),
    "logsumexp": ("math", "Logsumexp", ('axis', 'keepdims')),
    "matmul": ("numpy", "Matmul", ()),
    "max": ("numpy", "Max", ('axis', 'keepdims', 'initial')),
    "max_pool": ("nn", "MaxPool", ('pool_size', 'strides', 'padding', 'data_format')),
    "maximum": ("numpy", "Maximum", ()),
    "mean": ("numpy", "Mean", ('axis', 'keepdims')),
    "min": ("numpy", "Min", ('axis', 'keepdims', 'initial')),
    "minimum": ("numpy", "Minimum", ()),
    "mod": ("numpy", "Mod", ()),
    "moveaxis": ("numpy", "Moveaxis", ('source', 'destination')),
    "multiply": ("numpy", "Multiply", ()),
    "negative": ("numpy", "Negative", ()),
    "norm": ("linalg", "Norm", ('ord', 'axis', 'keepdims')),
    "not_equal": ("numpy", "NotEqual", ()),
    "one_hot": ("nn", "OneHot", ('num_classes', 'axis', 'dtype', 'sparse')),
    "ones_like": ("numpy", "OnesLike", ('dtype',)),
    "outer": ("numpy", "Outer", ()),
    "pad": ("numpy", "Pad", ('pad_width', 'mode')),
    "power": ("numpy", "Power", ()),
    "prod": ("numpy", "Prod", ('axis', 'keepdims', 'dtype')),
    "ravel": ("numpy", "Ravel", ()),
    "reciprocal": ("numpy", "Reciprocal", ()),
    "relu": ("nn", "Relu", ()),
    "relu6": ("nn", "Relu6", ()),
    "repeat": ("numpy", "Repeat", ('repeats', 'axis')),
    "reshape": ("numpy", "Reshape", ('newshape',)),
    "round": ("numpy", "Round", ('decimals',)),
    "rsqrt": ("math", "Rsqrt", ()),
    "selu": ("nn", "Selu", ()),
    "separable_conv": ("nn", "SeparableConv", ('strides', 'padding', 'data_format', 'dilation_rate')),
    "sigmoid": ("nn", "Sigmoid", ()),
    "sign": ("numpy", "Sign", ()),
    "silu": ("nn", "Silu", ()),
    "sin": ("numpy", "Sin", ()),
    "sinh": ("numpy", "Sinh", ()),
    "slice": ("core", "Slice", ('shape',)),
    "softmax": ("nn", "Softmax", ('axis',)),
    "softplus": ("nn", "Softplus", ()),
    "softsign": ("nn", "Softsign", ()),
    "sort": ("numpy", "Sort", ('axis',)),
    "sparse_categorical_crossentropy": ("nn", "SparseCategoricalCrossentropy", ('from_logits', 'axis')),
    "split": ("numpy", "Split", ('indices_or_sections', 'axis')),
    "sqrt": ("numpy", "Sqrt", ()),
    "square": ("numpy", "Square", ()),
    "squeeze": ("numpy", "Squeeze", ('axis',)),
    "stack": ("numpy", "Stack", ('axis',)),
    "std": ("numpy", "Std", ('axis', 'keepdims')),
    "stop_gradient": ("core", "StopGradient", ()),
    "subtract": ("numpy", "Subtract", ()),
    "sum": ("numpy", "Sum", ('axis', 'keepdims')),
    "swapaxes": ("numpy", "Swapaxes", ('axis1', 'axis2')),
    "take": ("numpy", "Take", ('axis',)),
    "take_along_axis": ("numpy", "TakeAlongAxis", ('axis',)),
    "tan": ("numpy", "Tan", ()),
    "tanh": ("numpy", "Tanh", ()),
    "tensordot": ("numpy", "Tensordot", ('axes',)),
    "tile": ("numpy", "Tile", ('repeats',)),
    "transpose": ("numpy", "Transpose", ('axes',)),
    "tril": ("numpy", "Tril", ('k',)),
    "triu": ("numpy", "Triu", ('k',)),
    "true_divide": ("numpy", "TrueDivide", ()),
    "unstack": ("core", "Unstack", ('num', 'axis')),
    "var": ("numpy", "Var", ('axis', 'keepdims')),
    "where": ("numpy", "Where", ()),
    "zeros_like": ("numpy", "ZerosLike", ('dtype',)),
}

_BY_CLASS = {}
for _name, (_module, _class, _static) in KERAS_OPS.items():
    _BY_CLASS.setdefault((_module, _class), _name)

MODULE_PREFIX = "keras.src.ops."


def module_of_class(class_name):
    """The keras.src.ops module of Keras's operation `class_name`, or None (for files that do not name it)."""
    found = next((module for module, name in _BY_CLASS if name == class_name), None)
    return None if found is None else MODULE_PREFIX + found


def op_for_class(module, class_name):
    """The kcore op name for Keras's operation `class_name` of `module` (e.g. "keras.src.ops.numpy", "NotEqual"),
    or None when kcore has no such op."""
    return _BY_CLASS.get((module[len(MODULE_PREFIX):], class_name))


def encode_value(value):
    """A positional value of an op call in the JSON form Keras writes (slices, Ellipsis, NumPy values)."""
    if isinstance(value, slice):
        return {"class_name": "__slice__", "config": {"start": encode_value(value.start),
                                                     "stop": encode_value(value.stop),
                                                     "step": encode_value(value.step)}}
    if value is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(value, np.ndarray) and value.ndim:
        return {"class_name": "__numpy__", "config": {"value": value.tolist(), "dtype": str(value.dtype)}}
    if isinstance(value, (np.generic, np.ndarray)):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [encode_value(v) for v in value]
    return value


def decode_value(value):
    """The inverse of `encode_value`; None when `value` is not one of Keras's special forms."""
    if not isinstance(value, dict):
        return None
    kind, config = value.get("class_name"), value.get("config", {})
    if kind == "__slice__":
        return slice(*(_plain(config.get(key)) for key in ("start", "stop", "step")))
    if kind == "__ellipsis__":
        return Ellipsis
    if kind == "__numpy__":
        return np.asarray(config["value"], dtype=config["dtype"])
    if kind == "__bytes__":
        return config["value"].encode("utf-8")
    return None


def _plain(value):
    decoded = decode_value(value)
    return value if decoded is None else decoded
