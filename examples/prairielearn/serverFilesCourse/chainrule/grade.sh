#!/usr/bin/env bash
# PrairieLearn's external grading entrypoint (info.json: "entrypoint":
# "/grade/serverFilesCourse/chainrule/grade.sh"). Grades /grade/student/answers.json against
# /grade/tests/problem.json, with /grade/data/data.json's params overriding the problem's
# values (each student's own variant), and writes /grade/results/results.json (the folder
# is not made by PrairieLearn). Needs only a Python >= 3.11 in the image: chainrule runs
# from the wheel next to this script (put there by install.sh), no install, no network.
# Overrides for a local run: PL_GRADE_DIR (default /grade), CHAINRULE (a command to use
# instead of the wheel).
set -uo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
root="${PL_GRADE_DIR:-/grade}"
results="$root/results/results.json"
mkdir -p "$root/results"

fail() {
  # Not the student's fault: not gradable, so the attempt is not counted.
  echo "grade.sh: $*" >&2
  printf '%s\n' '{"gradable": false, "score": 0.0, "message": "The autograder could not grade this submission: please tell course staff, who can read the grading log.", "tests": []}' >"$results"
  exit 0
}

run() {
  if [ -n "${CHAINRULE:-}" ]; then
    "$CHAINRULE" "$@"
    return
  fi
  local p python="" wheels
  for p in python3.13 python3.12 python3.11 python3; do
    if command -v "$p" >/dev/null && "$p" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      python="$p"
      break
    fi
  done
  [ -n "$python" ] || fail "no Python >= 3.11 in the grader image"
  wheels=("$here"/chainrule-*.whl)
  [ -f "${wheels[0]}" ] || fail "no chainrule-*.whl in $here (run install.sh)"
  PYTHONPATH="${wheels[0]}" "$python" -m chainrule.cli "$@"
}

params=()
[ -f "$root/data/data.json" ] && params=(--params "$root/data/data.json")
run grade --format prairielearn "${params[@]}" -o "$results" \
  "$root/tests/problem.json" "$root/student/answers.json" \
  || fail "chainrule grade exited $? (problem.json or params malformed?)"
