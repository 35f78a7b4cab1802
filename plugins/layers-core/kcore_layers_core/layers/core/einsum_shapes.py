"""The weight shapes an EinsumDense equation implies, worked out as Keras 3 works them out.

An equation reads `<input>,<kernel>-><output>`, where the input and output may start or end with `...` (the
axes the kernel does not touch). The output's first axis is the batch axis; `output_shape` gives the others (or
those the equation names, when `...` stands for some). A kernel letter takes its size from the output when the
output has it, else from the input; the bias spans the output from its first biased letter to the end, with
size 1 on the letters it is broadcast along.
"""

import re

from kcore.errors import ConfigError, ShapeError

_FORMS = ((re.compile(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$"), None),
          (re.compile(r"\.\.\.([a-zA-Z]+),([a-zA-Z]+)->\.\.\.([a-zA-Z]+)$"), "left"),
          (re.compile(r"([a-zA-Z]{2,})\.\.\.,([a-zA-Z]+)->([a-zA-Z]+)\.\.\.$"), "right"))


def parse(equation, where):
    """(input letters, kernel letters, output letters, where `...` stands: None, "left" or "right")."""
    if isinstance(equation, str):
        for pattern, elided in _FORMS:
            match = pattern.match(equation.replace(" ", ""))
            if match:
                return (*match.groups(), elided)
    raise ConfigError(f"{where}: `equation` must read 'X,Y->Z', '...X,Y->...Z' or 'X...,Y->Z...' with letters for "
                      f"X, Y, Z (e.g. 'ab,bc->ac'). Received: equation={equation!r}")


def analyze(equation, bias_axes, input_shape, partial_output_shape, where):
    """(kernel shape, bias shape or None, full output shape) for inputs of `input_shape`."""
    in_spec, kernel_spec, out_spec, elided_at = parse(equation, where)
    input_shape = tuple(input_shape)
    elided = len(input_shape) - len(in_spec)
    if elided < 0 or (elided and elided_at is None):
        raise ShapeError(f"{where}: the equation {equation!r} takes inputs of rank {len(in_spec)}"
                         f"{' or more' if elided_at else ''}; received shape {input_shape}.")
    output = [input_shape[0], *partial_output_shape]
    if elided_at == "left":
        output[1:1] = input_shape[1:elided]
        in_index = {c: i + elided for i, c in enumerate(in_spec)}
        out_index = {c: i + elided for i, c in enumerate(out_spec)}
    else:
        if elided_at == "right":
            output += input_shape[len(input_shape) - elided:]
        in_index = {c: i for i, c in enumerate(in_spec)}
        out_index = {c: i for i, c in enumerate(out_spec)}
    expected = len(out_spec) + elided
    if len(output) != expected:
        needed = len(out_spec) - (0 if elided_at == "left" else 1)
        raise ConfigError(f"{where}: `output_shape` must give {needed} "
                          f"size(s), one per output letter after the batch axis of {equation!r}. Received: "
                          f"output_shape={tuple(partial_output_shape)}")
    for letter in out_spec:
        if letter not in in_spec and letter not in kernel_spec:
            raise ConfigError(f"{where}: the output letter {letter!r} of {equation!r} is in neither the input nor "
                              f"the kernel; every output axis must come from one of them.")
        if letter in in_index:  # an axis carried from the input: its size is the input's
            size, declared = input_shape[in_index[letter]], output[out_index[letter]]
            if declared is not None and size is not None and declared != size:
                raise ShapeError(f"{where}: `output_shape` gives axis {letter!r} size {declared}, but the inputs "
                                 f"have size {size} there (shape {input_shape}). Give None or {size} for it.")
            output[out_index[letter]] = size if declared is None else declared
    kernel = []
    for letter in kernel_spec:
        if letter in out_index:
            size = output[out_index[letter]]
        elif letter in in_index:
            size = input_shape[in_index[letter]]
        else:
            raise ConfigError(f"{where}: the kernel letter {letter!r} of {equation!r} is in neither the input nor "
                              f"the output, so its size is unknown. Use each kernel letter in the input or output.")
        if size is None:
            raise ShapeError(f"{where}: the kernel axis {letter!r} of {equation!r} needs a known size; received "
                             f"input shape {input_shape} and output_shape {tuple(partial_output_shape)}.")
        kernel.append(int(size))
    return tuple(kernel), _bias_shape(bias_axes, out_spec, output, elided, elided_at, equation, where), tuple(output)


def _bias_shape(bias_axes, out_spec, output, elided, elided_at, equation, where):
    if bias_axes is None:
        return None
    offset = elided if elided_at == "left" else 0
    unknown = [c for c in bias_axes if c not in out_spec]
    if unknown or not bias_axes:
        raise ConfigError(f"{where}: `bias_axes` must be letters of the output {out_spec!r} of {equation!r}. "
                          f"Received: bias_axes={bias_axes!r}")
    first = min(out_spec.index(c) for c in bias_axes)
    shape = [output[i + offset] if c in bias_axes else 1 for i, c in enumerate(out_spec) if i >= first]
    if any(d is None for d in shape):
        raise ShapeError(f"{where}: the bias axes {bias_axes!r} need known sizes; the output shape is "
                         f"{tuple(output)}.")
    if elided_at == "right":
        shape += [1] * elided
    return tuple(int(d) for d in shape)
