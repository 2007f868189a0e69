#!/usr/bin/env bash
# Build the chainrule wheel from this repository into a folder:  examples/build-wheel.sh DIR
# (used by gradescope/make_zip.sh and prairielearn/install.sh). With CHAINRULE_WHEEL=path,
# copy that wheel instead. Builds from a copy of the sources, so the repository gets no
# build/ or egg-info litter. Needs python3 with pip (PYTHON=... to choose another); pip
# fetches the build backend (hatchling) from PyPI, as any isolated build does.
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
out="${1:?usage: build-wheel.sh DIR}"
mkdir -p "$out"
if [ -n "${CHAINRULE_WHEEL:-}" ]; then
  cp "$CHAINRULE_WHEEL" "$out/"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -R "$repo/pyproject.toml" "$repo/README.md" "$repo/LICENSE" "$repo/chainrule" "$work/"
find "$work" -name __pycache__ -prune -exec rm -rf {} +
"${PYTHON:-python3}" -m pip wheel -q --no-deps --disable-pip-version-check -w "$out" "$work"
