#!/usr/bin/env bash
# Prepares .venv with kcore and every plugin of this repository installed for development (editable).
# Needs only python3 >= 3.11 and access to PyPI; installs uv (into the user site) when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -m uv --version >/dev/null 2>&1; then
  python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet uv
fi
export UV_PYTHON_DOWNLOADS=never
python3 -m uv sync --quiet --all-packages --frozen 2>/dev/null || python3 -m uv sync --quiet --all-packages
