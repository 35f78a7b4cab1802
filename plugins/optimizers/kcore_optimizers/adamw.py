"""AdamW: Adam with decoupled weight decay."""

from kcore.errors import ConfigError
from kcore_optimizers.adam import Adam


class AdamW(Adam):
    """Adam whose weights also decay towards 0 at each step, apart from the gradient (Loshchilov and Hutter):
    `w -= w * weight_decay * learning_rate` before Adam's update. The decay itself is kcore's base Optimizer's
    (every optimizer accepts `weight_decay`); AdamW only makes it default to 0.004, as Keras 3 does.

    Example:
        >>> AdamW().weight_decay
        0.004
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, name="adamw", **kwargs):
        if weight_decay is None or isinstance(weight_decay, bool) or not isinstance(weight_decay, (int, float)):
            raise ConfigError(f"AdamW: `weight_decay` must be a float. Received: weight_decay={weight_decay!r}")
        super().__init__(learning_rate=learning_rate, weight_decay=float(weight_decay), beta_1=beta_1,
                         beta_2=beta_2, epsilon=epsilon, amsgrad=amsgrad, name=name, **kwargs)
