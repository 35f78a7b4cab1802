"""The conformance cases of this distribution's layers (kcore.testing.LayerCase), run by kcore's
tests/test_layer_conformance.py: build, shape inference, config and weights round trips, gradients, `training`.

Layers with kinks (ReLU) keep their inputs away from them; random layers are checked for determinism at
inference and for shape in training (`deterministic_training=False`); BatchNormalization's training path is
deterministic and gradient-checked with `call_kwargs={"training": True}`.
"""

import numpy as np
from hypothesis import strategies as st

from kcore.testing import LayerCase, OpCase
from kcore.testing import strategies as s
from kcore_layers_core import activations

TRAINING = {"training": True}

def _bias_relu_calls():
    """(outputs, bias) with the bias along the last axis, values away from relu's kink."""
    @st.composite
    def call(draw):
        shape = draw(s.shapes(min_dims=1))
        return (draw(s.arrays(shape)), draw(s.arrays(shape[-1:]))), {}

    return call().filter(lambda c: np.abs(c[0][0] + c[0][1]).min() > 0.05)


OP_CASES = [OpCase("bias_relu", _bias_relu_calls(), lambda x, b: np.maximum(x + b, 0))]

LAYER_CASES = [
    # core
    LayerCase("Dense", {"units": 3}, input_shape=(2, 4)),
    LayerCase("Dense", {"units": 2, "use_bias": False}, input_shape=(3, 3)),
    LayerCase("Dense", {"units": 4, "activation": "tanh", "kernel_initializer": "he_normal"}, input_shape=(2, 5)),
    LayerCase("Dense", {"units": 2, "activation": "sigmoid"}, input_shape=(2, 3, 4)),
    LayerCase("Dense", {"units": 3, "kernel_regularizer": "l2", "bias_regularizer": {"class_name": "L1",
              "config": {"l1": 0.1}}, "kernel_constraint": "max_norm", "activity_regularizer": "l1"},
              input_shape=(2, 3)),
    LayerCase("Activation", {"activation": "tanh"}, input_shape=(2, 3)),
    LayerCase("Activation", {"activation": "relu"}, input_shape=(2, 3), away_from=(0.0,)),
    LayerCase("Activation", {"activation": "softmax"}, input_shape=(2, 4)),
    LayerCase("Embedding", {"input_dim": 5, "output_dim": 3}, input_shape=(2, 4), integer_inputs=True, high=5),
    LayerCase("Embedding", {"input_dim": 6, "output_dim": 2, "mask_zero": True, "embeddings_regularizer": "l2"},
              input_shape=(3, 2), integer_inputs=True, high=6),
    LayerCase("Masking", {"mask_value": 0.0}, input_shape=(2, 3, 4)),
    LayerCase("Lambda", {"function": activations.tanh}, input_shape=(2, 3)),
    LayerCase("Lambda", {"function": activations.softmax, "output_shape": (3,), "arguments": {"axis": -1}},
              input_shape=(2, 3)),
    LayerCase("Identity", {}, input_shape=(2, 3)),
    # regularization: identity at inference, random in training
    LayerCase("Dropout", {"rate": 0.5}, input_shape=(2, 3)),
    LayerCase("Dropout", {"rate": 0.5, "seed": 1}, input_shape=(4, 3), call_kwargs=TRAINING,
              deterministic_training=False),
    LayerCase("Dropout", {"rate": 0.3, "noise_shape": (None, 1, 3)}, input_shape=(2, 4, 3), call_kwargs=TRAINING,
              deterministic_training=False),
    LayerCase("SpatialDropout1D", {"rate": 0.5}, input_shape=(2, 3, 4)),
    LayerCase("SpatialDropout1D", {"rate": 0.5}, input_shape=(2, 3, 4), call_kwargs=TRAINING,
              deterministic_training=False),
    LayerCase("SpatialDropout2D", {"rate": 0.5}, input_shape=(2, 3, 3, 2), call_kwargs=TRAINING,
              deterministic_training=False),
    LayerCase("SpatialDropout2D", {"rate": 0.5, "data_format": "channels_first"}, input_shape=(2, 2, 3, 3)),
    LayerCase("SpatialDropout3D", {"rate": 0.5}, input_shape=(2, 2, 2, 2, 3), call_kwargs=TRAINING,
              deterministic_training=False),
    LayerCase("GaussianNoise", {"stddev": 0.1}, input_shape=(2, 3)),
    LayerCase("GaussianNoise", {"stddev": 0.1, "seed": 3}, input_shape=(2, 3), call_kwargs=TRAINING,
              deterministic_training=False),
    LayerCase("GaussianDropout", {"rate": 0.2}, input_shape=(2, 3)),
    LayerCase("GaussianDropout", {"rate": 0.2}, input_shape=(2, 3), call_kwargs=TRAINING,
              deterministic_training=False),
    # reshaping
    LayerCase("Flatten", {}, input_shape=(2, 3, 4)),
    LayerCase("Flatten", {"data_format": "channels_first"}, input_shape=(2, 3, 2, 2)),
    LayerCase("Reshape", {"target_shape": (4, 3)}, input_shape=(2, 12)),
    LayerCase("Reshape", {"target_shape": (-1, 2)}, input_shape=(2, 3, 4)),
    LayerCase("Permute", {"dims": (2, 1)}, input_shape=(2, 3, 4)),
    LayerCase("Permute", {"dims": (3, 1, 2)}, input_shape=(2, 2, 3, 4)),
    LayerCase("RepeatVector", {"n": 3}, input_shape=(2, 4)),
    # normalization: inference uses the moving statistics, training the batch's
    LayerCase("BatchNormalization", {}, input_shape=(3, 4)),
    LayerCase("BatchNormalization", {}, input_shape=(4, 3), call_kwargs=TRAINING),
    LayerCase("BatchNormalization", {"axis": 1, "momentum": 0.9}, input_shape=(3, 2, 4), call_kwargs=TRAINING),
    LayerCase("BatchNormalization", {"center": False, "scale": False}, input_shape=(4, 2, 3), call_kwargs=TRAINING),
    LayerCase("LayerNormalization", {}, input_shape=(2, 5)),
    LayerCase("LayerNormalization", {"axis": [1, 2]}, input_shape=(2, 3, 4)),
    LayerCase("LayerNormalization", {"axis": 1, "center": False}, input_shape=(2, 4, 3)),
    LayerCase("LayerNormalization", {"rms_scaling": True}, input_shape=(3, 4)),
    # merging: lists of inputs
    LayerCase("Add", {}, input_shape=[(2, 3), (2, 3), (2, 3)]),
    LayerCase("Add", {}, input_shape=[(2, 3, 4), (2, 1, 4)]),
    LayerCase("Subtract", {}, input_shape=[(2, 3), (2, 3)]),
    LayerCase("Multiply", {}, input_shape=[(2, 3, 4), (2, 4)]),
    LayerCase("Average", {}, input_shape=[(2, 3), (2, 3)]),
    LayerCase("Maximum", {}, input_shape=[(2, 3), (2, 3)]),
    LayerCase("Minimum", {}, input_shape=[(2, 3), (2, 3)]),
    LayerCase("Concatenate", {}, input_shape=[(2, 3), (2, 2)]),
    LayerCase("Concatenate", {"axis": 1}, input_shape=[(2, 3, 4), (2, 2, 4)]),
    LayerCase("Dot", {"axes": 1}, input_shape=[(2, 3), (2, 3)]),
    LayerCase("Dot", {"axes": (2, 2)}, input_shape=[(2, 3, 4), (2, 5, 4)]),
    LayerCase("Dot", {"axes": 1, "normalize": True}, input_shape=[(2, 3), (2, 3)]),
    # activation layers
    LayerCase("ReLU", {}, input_shape=(2, 3), away_from=(0.0,)),
    LayerCase("ReLU", {"max_value": 1.0, "negative_slope": 0.1, "threshold": 0.5}, input_shape=(3, 4),
              away_from=(0.5, 1.0)),
    LayerCase("LeakyReLU", {}, input_shape=(2, 3), away_from=(0.0,)),
    LayerCase("ELU", {"alpha": 0.5}, input_shape=(2, 3), away_from=(0.0,)),
    LayerCase("Softmax", {}, input_shape=(2, 4)),
    LayerCase("Softmax", {"axis": [1, 2]}, input_shape=(2, 3, 2)),
    LayerCase("PReLU", {"alpha_initializer": {"class_name": "Constant", "config": {"value": 0.3}}},
              input_shape=(2, 3), away_from=(0.0,)),
    LayerCase("PReLU", {"shared_axes": [1]}, input_shape=(2, 3, 4), away_from=(0.0,)),
    # more core, normalization and regularization layers
    LayerCase("EinsumDense", {"equation": "abc,cd->abd", "output_shape": (None, 3), "bias_axes": "d"},
              input_shape=(2, 4, 5)),
    LayerCase("EinsumDense", {"equation": "...b,bc->...c", "output_shape": 3, "activation": "tanh"},
              input_shape=(2, 4)),
    LayerCase("EinsumDense", {"equation": "abc,cde->abde", "output_shape": (None, 2, 3), "bias_axes": "e"},
              input_shape=(2, 3, 4)),
    LayerCase("GroupNormalization", {"groups": 2}, input_shape=(2, 3, 4)),
    LayerCase("GroupNormalization", {"groups": -1, "axis": 1, "center": False}, input_shape=(2, 3, 2, 2)),
    LayerCase("UnitNormalization", {}, input_shape=(2, 4)),
    LayerCase("UnitNormalization", {"axis": [1, 2]}, input_shape=(2, 3, 2)),
    LayerCase("RMSNormalization", {}, input_shape=(2, 5)),
    LayerCase("RMSNormalization", {"axis": [1, 2], "epsilon": 1e-3}, input_shape=(2, 3, 4)),
    LayerCase("RMSNormalization", {"axis": 1}, input_shape=(2, 4, 3)),
    # SpectralNormalization: inference calls the wrapped layer as it is; training renormalises the kernel in place
    # (state that changes on every call, so that path is checked for shape only)
    LayerCase("SpectralNormalization", {"layer": {"class_name": "Dense", "config": {"units": 3}}}, input_shape=(2, 4)),
    LayerCase("SpectralNormalization", {"layer": {"class_name": "Dense", "config": {"units": 2}},
              "power_iterations": 3}, input_shape=(2, 3, 4), call_kwargs=TRAINING, deterministic_training=False),
    LayerCase("SpectralNormalization", {"layer": {"class_name": "Embedding", "config": {"input_dim": 5,
              "output_dim": 3}}}, input_shape=(2, 4), integer_inputs=True, high=5),
    LayerCase("ActivityRegularization", {"l1": 0.01, "l2": 0.01}, input_shape=(2, 3)),
    LayerCase("AlphaDropout", {"rate": 0.2}, input_shape=(2, 3)),
    LayerCase("AlphaDropout", {"rate": 0.2, "seed": 2}, input_shape=(3, 4), call_kwargs=TRAINING,
              deterministic_training=False),
    # attention: [query, value] or [query, value, key]
    LayerCase("MultiHeadAttention", {"num_heads": 2, "key_dim": 2}, input_shape=[(2, 3, 4), (2, 5, 4)]),
    LayerCase("MultiHeadAttention", {"num_heads": 2, "key_dim": 3, "value_dim": 2, "output_shape": 5},
              input_shape=[(2, 3, 4), (2, 4, 6), (2, 4, 3)], call_kwargs={"use_causal_mask": True}),
    LayerCase("Attention", {}, input_shape=[(2, 3, 4), (2, 5, 4)]),
    LayerCase("Attention", {"use_scale": True, "score_mode": "concat"}, input_shape=[(2, 3, 4), (2, 5, 4)]),
    LayerCase("GroupQueryAttention", {"head_dim": 2, "num_query_heads": 4, "num_key_value_heads": 2},
              input_shape=[(2, 3, 4), (2, 5, 4)]),
    LayerCase("GroupQueryAttention", {"head_dim": 3, "num_query_heads": 2, "num_key_value_heads": 1,
                                      "use_gate": True, "sliding_window": 2},
              input_shape=[(2, 4, 5), (2, 4, 3), (2, 4, 6)], call_kwargs={"use_causal_mask": True}),
    LayerCase("GroupedQueryAttention", {"head_dim": 2, "num_query_heads": 3, "num_key_value_heads": 3,
                                        "use_bias": False}, input_shape=[(2, 3, 4), (2, 2, 4)]),
    LayerCase("AdditiveAttention", {}, input_shape=[(2, 3, 4), (2, 5, 4), (2, 5, 4)]),
]
