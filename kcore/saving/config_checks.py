"""Checks on a config read from a file, before anything is built from it.

`refuse_code` walks the whole config and refuses what carries code: Keras's `__lambda__` functions (marshalled
Python bytecode) and Keras 2 Lambda layers are refused always, since running bytecode from a file is running
the file's author's code; kcore's own Lambda marker (a name that the caller maps to a function through
`custom_objects`) is refused unless the caller passes `safe_mode=False`. A Lambda layer whose function is a
registered activation or op, saved by name, carries no code and loads in safe mode.

`drop_keras_defaults` removes the arguments that newer Keras 3 releases write for features kcore does not have
(quantization, LoRA, ragged inputs, cuDNN selection, ...), but only where they hold the value that turns the
feature off; any other value is left for the layer to refuse. Only objects of Keras's own modules are touched.
"""

from kcore.saving.errors import UnsafeFileError

#: argument -> the value with which Keras writes it when the feature is off
KERAS_ONLY_DEFAULTS = {
    "quantization_config": None, "lora_rank": None, "lora_alpha": None, "ragged": False, "optional": False,
    "input_axes": None, "output_axes": None, "use_cudnn": "auto", "synchronized": False, "renorm": False,
    "renorm_clipping": None, "renorm_momentum": 0.99, "rms_scaling": False,
}

_NEVER = ("kcore never runs code stored in a file, not even with safe_mode=False. Rebuild the model in Python and "
          "load only its weights (model.load_weights), or replace the lambda by a registered function or a Layer "
          "subclass registered with @kcore.saving.register_keras_serializable.")


def _nodes(config):
    """Every dict in the config, depth first (iterative: a hostile file may nest deeply)."""
    stack = [config]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _owner(node):
    config = node.get("config")
    return config.get("name") if isinstance(config, dict) else None


def refuse_code(config, safe_mode, source):
    """Raise UnsafeFileError if the config carries code (always for bytecode; in safe mode for any lambda)."""
    for node in _nodes(config):
        class_name = node.get("class_name")
        inner = node.get("config")
        if node.get("function_type") == "lambda" or (
                class_name == "Lambda" and isinstance(inner, dict) and isinstance(inner.get("function"), list)):
            raise UnsafeFileError(f"{source}: a Keras 2 Lambda layer {_owner(node) or ''!r} holds marshalled Python "
                                  f"bytecode. {_NEVER}")
        if class_name != "__lambda__":
            continue
        if isinstance(inner, dict) and "code" in inner:
            raise UnsafeFileError(f"{source}: it holds a Python lambda as marshalled bytecode (Keras's "
                                  f"'__lambda__'). {_NEVER}")
        if safe_mode:
            name = inner.get("name") if isinstance(inner, dict) else None
            raise UnsafeFileError(f"{source}: a Lambda layer calls the Python function {name!r}, which the file only "
                                  f"names. Loading it means running code you supply: if you trust the file, pass "
                                  f"safe_mode=False and custom_objects={{{name!r}: the_function}}.")


def drop_keras_defaults(config):
    """Remove, in place, the Keras-only arguments (KERAS_ONLY_DEFAULTS) that hold their feature-off value."""
    for node in _nodes(config):
        inner = node.get("config")
        module = node.get("module")
        if not isinstance(inner, dict) or not isinstance(module, str) or not module.startswith("keras"):
            continue  # only Keras's own classes: a custom class may give these names another meaning
        for key, off in KERAS_ONLY_DEFAULTS.items():
            if key in inner and inner[key] == off and type(inner[key]) is type(off):
                del inner[key]
    return config
