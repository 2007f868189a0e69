"""Both autograders run as their platforms run them, in a clean container (Docker).

Gradescope: make_zip.sh builds the upload (the wheel built inside it); the zip is unpacked
into /autograder/source, setup.sh runs there with a clean environment, run_autograder is
copied up to /autograder/run_autograder and run from /autograder for each submission.
PrairieLearn: install.sh puts the question and the grader into a course; each submission
gets a fresh /grade/{student,tests,data,serverFilesCourse} (no results folder) with its own
params, and the entrypoint runs. Both containers run without a network: grading needs
none. The container is the project's Debian base image (python3 3.11); Gradescope's
Ubuntu 22.04 image cannot be fetched here, so setup.sh's apt branch for it is not run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.conftest import BASE_IMAGE, BUILD_BASE, REPO, Engine
from tests.grading.results_specs import gradescope_errors, prairielearn_errors

pytestmark = [pytest.mark.docker, pytest.mark.slow]

EXAMPLES = REPO / "examples"
CLEAN_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
NAMES = ["de/dc (formula)", "de/dd (formula)", "de/db (formula)", "dc/da", "de/da", "de/db", "e"]
POINTS = [2, 2, 2, 1, 1, 1, 0.5]


def answers_for(a: float, b: float) -> dict[str, Any]:
    """Submissions (answers.json text) and the expected points per question, at a and b."""
    c, d = a + b, b + 1
    right = ["d", "c", "c + d", 1, str(d), c + d, c * d]
    wrong = ["2*b", "a + b + 1", "2*c", 2, d + 1, c + d + 1, c * d + 1]
    partial = ["2*b", "a + b", "c + (d", "1", d * 1.0001, c + d + 1, None]
    unparsable = ["c + (d", "**", "d )", 1, d, c + d, c * d]
    malformed = [True, [1], {"x": 1}, None, 10**400, "1e999", c * d]

    def text(values: list[Any]) -> str:
        entries = [{"name": n, "answer": v} for n, v in zip(NAMES, values, strict=True)]
        return json.dumps({"answers": entries})

    return {
        "right": (text(right), POINTS),
        "wrong": (text(wrong), [0] * 7),
        "partial": (text(partial), [0, 2, 0, 1, 1, 0, 0]),
        "unparsable": (text(unparsable), [0, 0, 0, 1, 1, 1, 0.5]),
        "malformed": (text(malformed), [0, 0, 0, 0, 0, 0, 0.5]),
        "unreadable": ("{not json", [0] * 7),
    }


@pytest.fixture(scope="module")
def base_image(engine: Engine) -> str:
    """The Debian base image (debootstrap, cached in ~/.cache/chainrule)."""
    if engine.docker("image", "inspect", BASE_IMAGE, check=False).returncode != 0:
        engine.run([str(BUILD_BASE), BASE_IMAGE], timeout=600)
    return BASE_IMAGE


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Gradescope zip (built by make_zip.sh, the wheel inside) and a PrairieLearn course."""
    root = tmp_path_factory.mktemp("autograders")
    env = {**os.environ, "PYTHON": sys.executable}
    subprocess.run(
        [str(EXAMPLES / "gradescope" / "make_zip.sh"), str(root / "autograder.zip")],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    with zipfile.ZipFile(root / "autograder.zip") as z:
        wheel = next(n for n in z.namelist() if n.endswith(".whl"))
        z.extract(wheel, root)
    subprocess.run(
        [str(EXAMPLES / "prairielearn" / "install.sh"), str(root / "course")],
        env={**env, "CHAINRULE_WHEEL": str(root / wheel)},
        check=True,
        capture_output=True,
        timeout=120,
    )
    return root


def run_in_container(engine: Engine, image: str, work: Path, script: str) -> None:
    (work / "run.sh").write_text(script)
    engine.docker(
        "run",
        "--rm",
        "--network",
        "none",
        "-v",
        f"{work}:/work",
        image,
        "bash",
        "/work/run.sh",
        timeout=300,
    )


GRADESCOPE_SCRIPT = f"""set -euo pipefail
mkdir -p /autograder/source
cd /autograder/source
python3 - <<'PY'
import zipfile
with zipfile.ZipFile("/work/autograder.zip") as z:  # as unzip does: files and their modes
    for info in z.infolist():
        path = z.extract(info)
        __import__("os").chmod(path, info.external_attr >> 16 & 0o777)
PY
env -i {CLEAN_PATH} HOME=/root bash ./setup.sh > /work/gs/setup.log 2>&1
cp /autograder/source/run_autograder /autograder/run_autograder
for case in /work/gs/cases/*; do
  name=$(basename "$case")
  rm -rf /autograder/submission /autograder/results
  mkdir -p /autograder/submission /autograder/results
  cp "$case"/answers.json /autograder/submission/
  cd /autograder
  status=0
  env -i {CLEAN_PATH} HOME=/root /autograder/run_autograder > "/work/gs/$name.log" 2>&1 || status=$?
  echo "$status" > "/work/gs/$name.status"
  cp /autograder/results/results.json "/work/gs/$name.json" || true
done
"""

PRAIRIELEARN_SCRIPT = f"""set -euo pipefail
for case in /work/pl/cases/*; do
  name=$(basename "$case")
  rm -rf /grade
  mkdir -p /grade/student /grade/tests /grade/data /grade/serverFilesCourse
  cp -R /work/course/serverFilesCourse/chainrule /grade/serverFilesCourse/
  cp -R /work/course/questions/chainruleSeed/tests/. /grade/tests/
  cp "$case"/answers.json /grade/student/
  cp "$case"/data.json /grade/data/
  chmod +x /grade/serverFilesCourse/chainrule/grade.sh
  status=0
  env -i {CLEAN_PATH} /grade/serverFilesCourse/chainrule/grade.sh > "/work/pl/$name.log" 2>&1 \\
    || status=$?
  echo "$status" > "/work/pl/$name.status"
  cp /grade/results/results.json "/work/pl/$name.json" || true
done
"""


def lay_out(folder: Path, cases: dict[str, tuple[str, list[float]]], data: str | None) -> None:
    for name, (text, _) in cases.items():
        (folder / "cases" / name).mkdir(parents=True)
        (folder / "cases" / name / "answers.json").write_text(text)
        if data is not None:
            (folder / "cases" / name / "data.json").write_text(data)


def outcome(folder: Path, name: str) -> dict[str, Any]:
    status = (folder / f"{name}.status").read_text().strip()
    log = (folder / f"{name}.log").read_text()
    assert status == "0", f"{name} exited {status}:\n{log}"
    result: dict[str, Any] = json.loads((folder / f"{name}.json").read_text())
    return result


def test_the_zip_has_its_files_at_the_root(work: Path) -> None:
    with zipfile.ZipFile(work / "autograder.zip") as z:
        names = sorted(z.namelist())
        modes = {i.filename: i.external_attr >> 16 & 0o777 for i in z.infolist()}
    assert names[:3] == ["chainrule-0.1.0-py3-none-any.whl", "problem.json", "run_autograder"]
    assert names[3:] == ["setup.sh"]
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111


def test_gradescope_grades_each_submission_as_expected(
    engine: Engine, base_image: str, work: Path
) -> None:
    cases = answers_for(2, 1)
    lay_out(work / "gs", cases, None)
    run_in_container(engine, base_image, work, GRADESCOPE_SCRIPT)
    setup_log = (work / "gs" / "setup.log").read_text()
    assert "chainrule installed in /opt/chainrule" in setup_log, setup_log
    for name, (_, points) in cases.items():
        result = outcome(work / "gs", name)
        assert gradescope_errors(result) == [], name
        assert [t["score"] for t in result["tests"]] == points, (name, result)
        assert result["score"] == sum(points)
        assert result["extra_data"]["max_score"] == 9.5
    unreadable = outcome(work / "gs", "unreadable")
    assert "the submission cannot be read" in unreadable["output"]
    malformed = outcome(work / "gs", "malformed")["tests"]
    assert "true/false" in malformed[0]["output"] and "10^400" in malformed[4]["output"]


def test_prairielearn_grades_each_submission_on_its_params(
    engine: Engine, base_image: str, work: Path
) -> None:
    cases = answers_for(3, 2)
    lay_out(work / "pl", cases, json.dumps({"params": {"a": 3, "b": 2}, "variant_seed": 7}))
    run_in_container(engine, base_image, work, PRAIRIELEARN_SCRIPT)
    for name, (_, points) in cases.items():
        result = outcome(work / "pl", name)
        assert prairielearn_errors(result) == [], name
        assert [t["points"] for t in result["tests"]] == points, (name, result)
        assert result["score"] == pytest.approx(sum(points) / 9.5)
        assert result["gradable"] is (name != "unreadable")
    assert len(outcome(work / "pl", "unparsable")["format_errors"]) == 3
    assert outcome(work / "pl", "unreadable")["format_errors"][0].startswith(
        "the submission cannot be read"
    )


def test_setup_sh_installs_python_with_apt_where_none_is_found(
    engine: Engine, base_image: str, work: Path
) -> None:
    # The branch Gradescope's Ubuntu 22.04 takes (python3 3.10 there), forced on Debian:
    # apt-get update and the install of python3.11 python3.11-venv must work as written.
    script = f"""set -euo pipefail
mkdir -p /autograder/source && cd /autograder/source
python3 -m zipfile -e /work/autograder.zip .
env -i {CLEAN_PATH} HOME=/root CHAINRULE_SETUP_APT=1 bash ./setup.sh > /work/apt.log 2>&1
/opt/chainrule/bin/chainrule grade --help > /dev/null
"""
    (work / "apt.sh").write_text(script)
    engine.docker(
        "run", "--rm", "-v", f"{work}:/work", base_image, "bash", "/work/apt.sh", timeout=300
    )
    log = (work / "apt.log").read_text()
    assert "installing one with apt" in log and "chainrule installed in /opt/chainrule" in log
