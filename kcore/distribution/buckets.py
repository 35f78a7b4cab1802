"""Flat buffers that many arrays are packed into, so that one collective call moves them all.

Calling an all-reduce once per variable pays the network's latency once per variable (a ResNet has hundreds);
packing every gradient into a few large contiguous buffers pays it once per buffer. The layout is computed once
for a list of shapes and dtypes and its buffers are reused at every step, so a step allocates nothing.
"""

import math


class Buckets:
    """Arrays of the given shapes and dtypes laid end to end in flat buffers: one buffer per dtype, split when it
    would pass `cap_bytes` (an array larger than the cap gets a buffer of its own).

    Example:
        >>> import numpy as np
        >>> buckets = Buckets(np, [((2, 2), "float32"), ((3,), "float32"), ((), "int64")])
        >>> [b.size for b in buckets.buffers]
        [7, 1]
        >>> buckets.pack([np.ones((2, 2), "float32"), np.arange(3, dtype="float32"), np.int64(5)], scale=2.0)
        >>> buckets.views[1]
        array([0., 2., 4.], dtype=float32)
    """

    def __init__(self, xp, specs, cap_bytes=64 << 20):
        self.xp = xp
        self.specs = [(tuple(shape), xp.dtype(dtype)) for shape, dtype in specs]
        sizes, slots, open_buffer = [], [], {}  # dtype -> index of the buffer still being filled
        for shape, dtype in self.specs:
            size = math.prod(shape)
            index = open_buffer.get(dtype)
            if index is None or (sizes[index][1] + size) * dtype.itemsize > cap_bytes:
                index = open_buffer[dtype] = len(sizes)
                sizes.append((dtype, 0))
            start = sizes[index][1]
            sizes[index] = (dtype, start + size)
            slots.append((index, start, start + size))
        self.buffers = [xp.empty(max(size, 1), dtype) for dtype, size in sizes]
        self.slots = slots
        #: each array's place in its buffer, in the array's shape: what `unpack` returns, reused at every step
        self.views = [self.buffers[i][start:stop].reshape(shape) for (i, start, stop), (shape, _) in
                      zip(slots, self.specs, strict=True)]

    def fits(self, arrays):
        """Whether `arrays` have the shapes and dtypes this layout was made for."""
        return len(arrays) == len(self.specs) and all(
            tuple(a.shape) == shape and a.dtype == dtype for a, (shape, dtype) in zip(arrays, self.specs, strict=True))

    def pack(self, arrays, scale=None):
        """Copy `arrays` into the buffers, those of a floating dtype times `scale` when it is given, in one pass
        over each array."""
        for array, view in zip(arrays, self.views, strict=True):
            if scale is None or view.dtype.kind != "f":
                self.xp.copyto(view, array)
            else:
                self.xp.multiply(array, scale, out=view)

    def scale(self, factor):
        """Multiply every buffer of a floating dtype by `factor`, in place."""
        for buffer in self.buffers:
            if buffer.dtype.kind == "f":
                buffer *= factor
