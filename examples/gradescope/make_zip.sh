#!/usr/bin/env bash
# Build the Gradescope upload:  examples/gradescope/make_zip.sh OUT.zip
#
# The zip holds, at its root: setup.sh, run_autograder, problem.json and a chainrule wheel
# built from this repository by ../build-wheel.sh (CHAINRULE_WHEEL=path reuses a wheel
# already built). Edit problem.json first. Needs python3 with pip (PYTHON=... to choose).
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
out="${1:?usage: make_zip.sh OUT.zip}"
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir "$work/zip"
"$here/../build-wheel.sh" "$work/wheel"
cp "$here/setup.sh" "$here/run_autograder" "$here/problem.json" "$work/wheel"/chainrule-*.whl \
  "$work/zip/"
chmod 755 "$work/zip/setup.sh" "$work/zip/run_autograder"

"$python" - "$work/zip" "$out" <<'PY'
import os, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out + ".tmp", "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(os.listdir(src)):
        z.write(os.path.join(src, name), name)  # at the root, modes kept
os.replace(out + ".tmp", out)
PY
echo "make_zip.sh: wrote $out:" >&2
"$python" -m zipfile -l "$out" >&2
