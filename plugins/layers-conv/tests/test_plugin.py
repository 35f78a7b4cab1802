"""The distribution's declarations agree with what it registers, and kcore finds its names."""

import numpy as np

import kcore
from kcore.testing import check_plugin_declarations


def test_registers_exactly_what_it_declares_and_the_catalogue_lists():
    check_plugin_declarations("kcore-layers-conv")


def test_kcore_namespaces_resolve_layers_aliases_and_ops_to_this_distribution():
    from kcore_layers_conv.layers import Conv2D, GlobalAveragePooling2D, MaxPooling2D
    from kcore_layers_conv.ops import conv

    assert kcore.layers.Conv2D is Conv2D and kcore.layers.Convolution2D is Conv2D
    assert kcore.layers.MaxPool2D is MaxPooling2D and kcore.layers.GlobalAvgPool2D is GlobalAveragePooling2D
    assert kcore.ops.conv is conv


def test_a_backend_kernel_replaces_an_op_and_keeps_its_signature():
    """A faster kernel registered as "<backend>.<op>" runs instead of the op's own implementation (average_pool:
    max_pool has this distribution's own numpy kernel)."""
    from kcore.backend import bind_kernels
    from kcore.plugins import manager

    kcore.ops.average_pool(np.ones((1, 2, 2, 1), "float32"), 2)  # activates the backend
    calls = []

    def kernel(xp, inputs, pool_size, strides=None, padding="valid", data_format=None):
        calls.append(pool_size)
        return kcore.ops.average_pool.fn(xp, inputs, pool_size, strides, padding, data_format)

    registry = manager().registry
    with registry.owned_by("test"):
        registry.add("kernel", "numpy.average_pool", kernel)
    try:
        bind_kernels(manager())
        out = kcore.ops.average_pool(np.ones((1, 4, 4, 1), "float32"), 2)
        assert calls == [2] and out.shape == (1, 2, 2, 1)
    finally:
        registry.remove_owner("test")
        bind_kernels(manager())
    assert kcore.ops.average_pool.impl is kcore.ops.average_pool.fn
