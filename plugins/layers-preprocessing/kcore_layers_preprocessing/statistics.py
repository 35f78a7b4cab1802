"""Means and variances over batches, merged as Keras's Normalization.adapt merges them (the lack-of-fit sum of
squares), in float64 on the backend."""

import math


def batch_moments(batch, axes):
    """(mean, variance, count) of `batch` (a backend array) over `axes`."""
    batch = batch.astype("float64")
    count = math.prod(batch.shape[d] for d in axes) if axes else 1
    return batch.mean(axis=axes), batch.var(axis=axes), count


def merge_moments(total, batch):
    """The moments of the union of two sets from those of each."""
    mean, variance, count = total
    batch_mean, batch_variance, batch_count = batch
    count_all = count + batch_count
    w = batch_count / count_all
    merged = mean * (1 - w) + batch_mean * w
    variance = (variance + (mean - merged) ** 2) * (1 - w) + (batch_variance + (batch_mean - merged) ** 2) * w
    return merged, variance, count_all
