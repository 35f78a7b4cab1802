#!/usr/bin/env bash
# Sets up .venv and runs the main example: an MLP trained on real MNIST digits, printing its test accuracy.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python examples/mnist_custom_loop.py "$@"
