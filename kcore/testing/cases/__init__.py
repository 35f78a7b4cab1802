"""The test cases of kcore's own ops, one module per module of kcore/ops."""

from kcore.testing.cases import core, elementwise, indexing, linalg, manipulation, nn, reductions

CASES = [
    *core.CASES, *elementwise.CASES, *reductions.CASES,
    *manipulation.CASES, *indexing.CASES,
    *linalg.CASES, *nn.CASES,
]
