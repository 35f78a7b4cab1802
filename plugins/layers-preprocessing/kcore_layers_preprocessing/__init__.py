"""kcore-layers-preprocessing: Keras's text and lookup preprocessing layers (StringLookup, IntegerLookup,
TextVectorization), working on NumPy string and integer arrays on the host; the categorical layers
(CategoryEncoding, Discretization); and the image layers."""
