#!/usr/bin/env bash
# Install luatorch and run a real Torch7 script with `th`.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -e .
th examples/tensors.lua
