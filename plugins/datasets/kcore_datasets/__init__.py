"""kcore-datasets: Keras's dataset loaders (`kcore.datasets.mnist.load_data()` and friends), downloading through
`kcore.utils.get_file`, plus the 10,000 real MNIST test digits shipped inside the package for offline use."""
