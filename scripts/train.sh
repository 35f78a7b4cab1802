#!/usr/bin/env bash
# Sets up .venv and runs the main example: a convnet trained on real MNIST digits, evaluated, saved, plotted.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python examples/train_mnist.py "$@"
