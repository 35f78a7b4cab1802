"""The test cases of kcore's own ops, one module per module of kcore/ops."""

# ---- shape and indexing cases ----
# ---- activation and linear-algebra cases ----
from kcore.testing.cases import core, elementwise, indexing, linalg, nn, reductions, shape

CASES = [
    *core.CASES, *elementwise.CASES, *reductions.CASES,
    *shape.CASES, *indexing.CASES,
    *linalg.CASES, *nn.CASES,
]
