#!/usr/bin/env bash
# Runs the kcore-vs-PyTorch benchmark suite (benchmarks/run.py) in its own virtual environment, .venv-bench:
# kcore and its first-party plugins (editable) beside PyTorch 2.13 for the CPU. Arguments go to benchmarks/run.py,
# e.g. scripts/bench.sh --workloads mlp,cnn --rounds 5
# A separate environment because `uv sync` (scripts/setup.sh) removes what the lock file does not name.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv-bench/bin/python ]; then
  python3 -m venv .venv-bench
fi
# the editable installs' entry points (what each plugin declares) come from the pyproject files: reinstall when
# one of them changed since the last install
stamp=$(cat pyproject.toml plugins/*/pyproject.toml | sha256sum | cut -c1-16)
if ! .venv-bench/bin/python -c "import torch" >/dev/null 2>&1; then
  # On x86-64 Linux, PyPI's torch 2.13.0 is the CUDA build (a few GB); it runs on the CPU all the same.
  .venv-bench/bin/pip install --quiet torch==2.13.0
fi
if [ "$(cat .venv-bench/.kcore-installed 2>/dev/null)" != "$stamp" ]; then
  .venv-bench/bin/pip install --quiet -e . \
    -e plugins/backend-numpy -e plugins/layers-core -e plugins/layers-conv -e plugins/layers-recurrent \
    -e plugins/losses -e plugins/optimizers -e plugins/metrics -e plugins/callbacks -e plugins/datasets
  echo "$stamp" > .venv-bench/.kcore-installed
fi
exec .venv-bench/bin/python benchmarks/run.py "$@"
