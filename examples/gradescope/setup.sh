#!/usr/bin/env bash
# Gradescope runs this once, as root, in /autograder/source, when it builds the autograder
# image. It installs chainrule from the wheel shipped in the zip into /opt/chainrule.
#
# chainrule needs Python >= 3.11 with venv. Gradescope's default image is Ubuntu 22.04,
# whose python3 is 3.10: there apt installs python3.11 and python3.11-venv (universe).
# Debian 12 and later already have a python3 >= 3.11. Grading needs no package from PyPI:
# the wheel is installed offline, without dependencies (`chainrule grade` uses only the
# standard library). CHAINRULE_SETUP_APT=1 installs Python with apt even where one is found
# (how the Ubuntu path is tried on Debian).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"
venv="${CHAINRULE_VENV:-/opt/chainrule}"

usable() {
  "$1" -c 'import ensurepip, sys, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}

find_python() {
  local p
  for p in python3.13 python3.12 python3.11 python3; do
    if command -v "$p" >/dev/null && usable "$p"; then
      command -v "$p"
      return 0
    fi
  done
  return 1
}

if [ "${CHAINRULE_SETUP_APT:-0}" = 1 ] || ! python=$(find_python); then
  echo "setup.sh: no Python >= 3.11 with venv; installing one with apt" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends python3.11 python3.11-venv \
    || apt-get install -y -q --no-install-recommends python3 python3-venv
  python=$(find_python) || {
    echo "setup.sh: could not install Python >= 3.11 with venv" >&2
    exit 1
  }
fi

wheels=(chainrule-*.whl)
[ -f "${wheels[0]}" ] || { echo "setup.sh: no chainrule-*.whl next to setup.sh" >&2; exit 1; }
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q --no-index --no-deps --disable-pip-version-check \
  "${wheels[0]}"
"$venv/bin/chainrule" grade --help >/dev/null
echo "setup.sh: chainrule installed in $venv ($("$venv/bin/python" --version))"
