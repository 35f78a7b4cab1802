"""kcore's core layers (Dense, Dropout, Embedding, normalization, merging, ...), and the activations,
initializers, regularizers and constraints they are configured with.

Users reach these through kcore's namespaces (`kcore.layers.Dense`, `kcore.initializers.GlorotUniform`,
`activation="relu"`); importing this package directly is only needed to subclass one of them.
"""
