"""Learning-rate schedules: the contract here, the schedules from plugins (first-party: kcore-optimizers)."""

from kcore.plugins.namespace import make_get, namespace_dir, namespace_getattr


class LearningRateSchedule:
    """A learning rate that depends on the optimizer's step: `schedule(step) -> float`.

    Example:
        >>> class Halving(LearningRateSchedule):
        ...     def __call__(self, step):
        ...         return 0.1 * 0.5 ** (step // 1000)
        ...     def get_config(self):
        ...         return {}
    """

    def __call__(self, step):
        raise NotImplementedError(f"{type(self).__name__} does not implement __call__(step).")

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config().")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


__getattr__ = namespace_getattr("schedule", globals())
__dir__ = namespace_dir("schedule", globals())
get = make_get("schedule")
