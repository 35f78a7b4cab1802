#!/usr/bin/env bash
# Sets up .venv and runs the main example: an MLP trained with fit() on real MNIST digits, then evaluated.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python examples/mnist_mlp.py "$@"
