"""Every layer of kcore-layers-core, one class per module, grouped as Keras groups them."""

from kcore_layers_core.layers.activations.elu import ELU
from kcore_layers_core.layers.activations.leaky_relu import LeakyReLU
from kcore_layers_core.layers.activations.prelu import PReLU
from kcore_layers_core.layers.activations.relu import ReLU
from kcore_layers_core.layers.activations.softmax import Softmax
from kcore_layers_core.layers.attention.additive_attention import AdditiveAttention
from kcore_layers_core.layers.attention.attention import Attention
from kcore_layers_core.layers.attention.grouped_query_attention import GroupedQueryAttention
from kcore_layers_core.layers.attention.multi_head_attention import MultiHeadAttention
from kcore_layers_core.layers.core.activation import Activation
from kcore_layers_core.layers.core.dense import Dense
from kcore_layers_core.layers.core.einsum_dense import EinsumDense
from kcore_layers_core.layers.core.embedding import Embedding
from kcore_layers_core.layers.core.identity import Identity
from kcore_layers_core.layers.core.lambda_layer import Lambda
from kcore_layers_core.layers.core.masking import Masking
from kcore_layers_core.layers.merging.add import Add
from kcore_layers_core.layers.merging.average import Average
from kcore_layers_core.layers.merging.concatenate import Concatenate
from kcore_layers_core.layers.merging.dot import Dot
from kcore_layers_core.layers.merging.maximum import Maximum
from kcore_layers_core.layers.merging.minimum import Minimum
from kcore_layers_core.layers.merging.multiply import Multiply
from kcore_layers_core.layers.merging.subtract import Subtract
from kcore_layers_core.layers.normalization.batch_normalization import BatchNormalization
from kcore_layers_core.layers.normalization.group_normalization import GroupNormalization
from kcore_layers_core.layers.normalization.layer_normalization import LayerNormalization
from kcore_layers_core.layers.normalization.rms_normalization import RMSNormalization
from kcore_layers_core.layers.normalization.spectral_normalization import SpectralNormalization
from kcore_layers_core.layers.normalization.unit_normalization import UnitNormalization
from kcore_layers_core.layers.regularization.activity_regularization import ActivityRegularization
from kcore_layers_core.layers.regularization.alpha_dropout import AlphaDropout
from kcore_layers_core.layers.regularization.dropout import Dropout
from kcore_layers_core.layers.regularization.gaussian_dropout import GaussianDropout
from kcore_layers_core.layers.regularization.gaussian_noise import GaussianNoise
from kcore_layers_core.layers.regularization.spatial_dropout1d import SpatialDropout1D
from kcore_layers_core.layers.regularization.spatial_dropout2d import SpatialDropout2D
from kcore_layers_core.layers.regularization.spatial_dropout3d import SpatialDropout3D
from kcore_layers_core.layers.reshaping.flatten import Flatten
from kcore_layers_core.layers.reshaping.permute import Permute
from kcore_layers_core.layers.reshaping.repeat_vector import RepeatVector
from kcore_layers_core.layers.reshaping.reshape import Reshape

#: registered name -> class
LAYERS = {cls.__name__: cls for cls in (
    Dense, Activation, Dropout, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, GaussianNoise, GaussianDropout,
    Flatten, Reshape, Permute, RepeatVector, Embedding, Masking, BatchNormalization, LayerNormalization, Lambda,
    Identity, Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot, ReLU, LeakyReLU, ELU, Softmax,
    EinsumDense, MultiHeadAttention, Attention, AdditiveAttention, GroupNormalization, UnitNormalization, PReLU,
    ActivityRegularization, AlphaDropout, RMSNormalization, SpectralNormalization, GroupedQueryAttention)}
# Keras 3 exports GroupedQueryAttention as `keras.layers.GroupQueryAttention`; saved configs carry the class name
LAYERS["GroupQueryAttention"] = GroupedQueryAttention
