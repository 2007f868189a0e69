#!/usr/bin/env bash
# Put the example into a PrairieLearn course:  examples/prairielearn/install.sh COURSE_DIR
#
# Copies questions/chainruleSeed to COURSE_DIR/questions/ and serverFilesCourse/chainrule/
# (grade.sh plus a chainrule wheel built by ../build-wheel.sh; CHAINRULE_WHEEL=path reuses
# one) to COURSE_DIR/serverFilesCourse/. Needs python3 with pip (PYTHON=... to choose).
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
course="${1:?usage: install.sh COURSE_DIR}"
mkdir -p "$course/questions" "$course/serverFilesCourse/chainrule"
cp -R "$here/questions/chainruleSeed" "$course/questions/"
cp "$here/serverFilesCourse/chainrule/grade.sh" "$course/serverFilesCourse/chainrule/"
rm -f "$course/serverFilesCourse/chainrule"/chainrule-*.whl
"$here/../build-wheel.sh" "$course/serverFilesCourse/chainrule"
echo "install.sh: the question is in $course/questions/chainruleSeed" >&2
