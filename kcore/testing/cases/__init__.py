"""The test cases of kcore's own ops, one module per module of kcore/ops."""

from kcore.testing.cases import core, elementwise, reductions

# ---- shape and indexing cases ----
# from kcore.testing.cases import indexing, shape

# ---- activation and linear-algebra cases ----
# from kcore.testing.cases import linalg, nn

CASES = [
    *core.CASES, *elementwise.CASES, *reductions.CASES,
    # *shape.CASES, *indexing.CASES,
    # *linalg.CASES, *nn.CASES,
]
