"""The computing core of every convolution op: a (grouped) cross-correlation as one matrix product, and its two
adjoints, on channels-last arrays, written once against `xp`.

For inputs `(batch, *spatial, channels)` (already padded) and a kernel `(*kernel, channels // groups, filters)`:

    cols = im2col(x)                  (groups, batch * prod(out), prod(kernel) * channels // groups)
    y    = cols @ kernel              (batch * prod(out), filters)                    one GEMM per group
    dW   = cols.T @ dy                the kernel's gradient                            one GEMM per group
    dx   = sum over taps t of (dy @ kernel[t].T), added at tap t's view of x      one GEMM per tap

`conv`, `depthwise_conv` (groups = channels), `separable_conv` and `conv_transpose` (whose forward is `dx`
here and whose backward is `y` and `dW`) are all built from these three functions.
"""

import math

from kcore_layers_conv.ops.windows import im2col, tap, taps


def _grouped_kernel(kernel, groups):
    """`(*kernel, per_group_in, filters)` as `(groups, prod(kernel) * per_group_in, filters // groups)`."""
    filters = kernel.shape[-1]
    rows = math.prod(kernel.shape[:-1])
    if groups == 1:
        return kernel.reshape(1, rows, filters)
    return kernel.reshape(rows, groups, filters // groups).transpose(1, 0, 2)


def _ungrouped(xp, grouped, batch_rows):
    """`(groups, rows, per_group)` as `(rows, groups * per_group)`."""
    if grouped.shape[0] == 1:
        return grouped[0]
    return xp.moveaxis(grouped, 0, 1).reshape(batch_rows, -1)


def _grouped_rows(xp, dy, groups):
    """Output-shaped `dy` `(batch, *out, filters)` as `(groups, batch * prod(out), filters // groups)`."""
    rows = math.prod(dy.shape[:-1])
    if groups == 1:
        return dy.reshape(1, rows, dy.shape[-1])
    return xp.moveaxis(dy.reshape(rows, groups, -1), 1, 0)


def _matmul(xp, a, b):
    """Batched `a @ b` over the leading group axis, as plain 2-D GEMMs when there is one group."""
    if a.shape[0] == 1:
        return xp.matmul(a[0], b[0])[None]
    return xp.matmul(a, b)


def forward(xp, x, kernel, strides, dilations, out, groups):
    """The correlation of padded `x` with `kernel`: returns `(y, cols)`, `y` of shape `(batch, *out, filters)`
    and `cols` the im2col matrix that `kernel_grad` needs."""
    spatial = kernel.shape[:-2]
    cols = im2col(xp, x, spatial, strides, dilations, out, groups)
    y = _ungrouped(xp, _matmul(xp, cols, _grouped_kernel(kernel, groups)), cols.shape[1])
    return y.reshape(x.shape[0], *out, kernel.shape[-1]), cols


def input_grad(xp, dy, kernel, shape, strides, dilations, groups):
    """The adjoint of `forward` with respect to `x`: `dy` `(batch, *out, filters)` summed back into an array of
    the padded input's `shape`. One GEMM per kernel tap, each added straight into the strided view of `x` that
    the tap read: this beats one big GEMM followed by col2im, whose `(rows, prod(kernel) * channels)` result
    is larger than cache and read back at a stride."""
    spatial, (per_group, filters) = kernel.shape[:-2], kernel.shape[-2:]
    out = dy.shape[1:-1]
    rows = _grouped_rows(xp, dy, groups)  # (groups, rows, filters // groups)
    if groups == 1:
        rows = xp.ascontiguousarray(rows[0])
    weights = kernel.reshape(math.prod(spatial), per_group, groups, filters // groups)
    result = xp.zeros((*shape[:-1], groups, per_group), dtype=xp.result_type(dy, kernel))
    part = None
    for t, index in enumerate(taps(spatial)):
        if groups == 1:  # (rows, filters) @ (filters, channels), into a buffer reused by every tap
            part = xp.matmul(rows, weights[t, :, 0, :].T, out=part)
            contribution = part.reshape(dy.shape[0], *out, 1, per_group)
        else:  # (groups, rows, filters/groups) @ (groups, filters/groups, channels/groups)
            contribution = xp.moveaxis(xp.matmul(rows, weights[t].transpose(1, 2, 0)), 0, -2)
            contribution = contribution.reshape(dy.shape[0], *out, groups, per_group)
        view = tap(result, index, strides, dilations, out)
        view += contribution
    return result.reshape(shape)


def kernel_grad(xp, cols, dy, kernel_shape, groups):
    """The adjoint of `forward` with respect to the kernel, from `forward`'s `cols`."""
    # (groups, prod(kernel) * channels // groups, filters // groups)
    grad = _matmul(xp, cols.transpose(0, 2, 1), _grouped_rows(xp, dy, groups))
    if groups == 1:
        return grad[0].reshape(kernel_shape)
    return grad.transpose(1, 0, 2).reshape(kernel_shape)


def crop(x, pads, spatial):
    """The part of padded `x` that was the input: `pads` (before, after) off each spatial axis."""
    if not any(before or after for before, after in pads):
        return x
    return x[(slice(None), *(slice(b, b + n) for (b, _), n in zip(pads, spatial, strict=True)))]
