#!/usr/bin/env bash
# Sets up .venv (kcore and every plugin, editable) and runs the linter and the whole test suite.
# Extra arguments go to pytest, e.g. scripts/test.sh -k gradient
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
