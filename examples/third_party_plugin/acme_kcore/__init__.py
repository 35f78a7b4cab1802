"""acme-kcore: an example third-party kcore plugin. Users reach its components through kcore's namespaces
(`kcore.layers.ScaledDense`, `loss="charbonnier"`, `optimizer="sign_sgd"`), never by importing this package."""

from acme_kcore.charbonnier import Charbonnier, charbonnier
from acme_kcore.scaled_dense import ScaledDense
from acme_kcore.sign_sgd import SignSGD

__version__ = "0.3.1"
__all__ = ["Charbonnier", "ScaledDense", "SignSGD", "charbonnier"]
