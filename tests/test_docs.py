"""The README and the reference pages under docs/ say what the code does: their blocks
marked runnable are run, their links lead somewhere, and the settings page names every
setting.

A runnable block is a fenced block right after a line `<!-- runnable -->` (or
`<!-- runnable: exit N -->` for a command that fails on purpose):

- ```console: each `$ command` runs in bash, in an empty folder that holds the repository's
  `examples/`, with this venv's console scripts (`chainrule`) first on PATH; its standard
  output and error together must be the lines below it, where a line `...` stands for any
  lines and a line ending in `...` for any line that begins with the rest;
- ```pycon: a doctest, run as such.

A marker that is not followed by such a block fails the test: nothing is skipped silently.
"""

from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from app.config import Settings

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").glob("*.md"))
FILES = [ROOT / "README.md", *PAGES]
MARKER = re.compile(r"^<!-- runnable(?:: exit (\d+))? -->$", re.M)
BLOCK = re.compile(r"```(console|pycon)\n(.*?)^```$", re.S | re.M)
REFERENCE_PAGES = {
    "playground",
    "language",
    "notebook",
    "http-api",
    "grading",
    "training",
    "deployment",
    "settings",
    "benchmarks",
}


class Block(NamedTuple):
    """One runnable block: where it is, its kind, its text, the exit status it expects."""

    where: str
    kind: str
    text: str
    status: int


def runnable_blocks() -> list[Block]:
    """Every block marked runnable in the README and docs/, in file order."""
    blocks = []
    for path in FILES:
        text = path.read_text()
        for marker in MARKER.finditer(text):
            where = f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, marker.start()) + 1}"
            block = BLOCK.match(text, marker.end() + 1)
            assert block is not None, f"{where}: a runnable marker without a console/pycon block"
            blocks.append(Block(where, block[1], block[2], int(marker[1] or 0)))
    return blocks


BLOCKS = runnable_blocks()


def commands(text: str) -> list[tuple[str, list[str]]]:
    """The `$ command` lines of a console block, each with the lines it should print."""
    out: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("$ "):
            out.append((line[2:], []))
        else:
            assert out, f"output before any command: {line!r}"
            out[-1][1].append(line)
    return out


def matches(expected: list[str], got: list[str]) -> bool:
    """True if got is expected, where "..." is any lines and "text..." any line from text."""
    if not expected:
        return not got
    head, rest = expected[0], expected[1:]
    if head == "...":
        return any(matches(rest, got[i:]) for i in range(len(got) + 1))
    if not got:
        return False
    line = got[0].rstrip()
    same = line.startswith(head[:-3]) if head.endswith("...") else line == head.rstrip()
    return same and matches(rest, got[1:])


def test_the_matcher_can_fail() -> None:
    assert matches(["a", "...", "z"], ["a", "b", "c", "z"])
    assert matches(["b = 0.85..."], ["b = 0.855026"])
    assert not matches(["a", "z"], ["a", "b", "z"])
    assert not matches(["b = 0.85..."], ["b = 0.95"])
    assert not matches(["a"], ["a", "extra"])


def test_the_docs_have_runnable_blocks_and_every_marker_is_one() -> None:
    assert len(BLOCKS) >= 5, [b.where for b in BLOCKS]
    marked = sum(len(MARKER.findall(p.read_text())) for p in FILES)
    assert marked == len(BLOCKS)


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.kind == "console"], ids=lambda b: b.where)
def test_a_console_block_prints_what_it_shows(block: Block, tmp_path: Path) -> None:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    steps = commands(block.text)
    assert steps, f"{block.where}: a console block with no command"
    for i, (command, expected) in enumerate(steps):
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=120,
        )
        want = block.status if i == len(steps) - 1 else 0
        assert done.returncode == want, f"{block.where}: {command}\n{done.stdout}"
        assert matches(expected, done.stdout.splitlines()), (
            f"{block.where}: {command}\nexpected:\n"
            + "\n".join(expected)
            + f"\ngot:\n{done.stdout}"
        )


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.kind == "pycon"], ids=lambda b: b.where)
def test_a_python_block_is_a_passing_doctest(block: Block) -> None:
    test = doctest.DocTestParser().get_doctest(block.text, {}, block.where, block.where, 0)
    assert test.examples, f"{block.where}: a pycon block with no example"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    result = runner.run(test)
    assert result.failed == 0, f"{block.where}: {result.failed} example(s) failed"


def test_the_readme_starts_with_the_two_commands_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    first = re.findall(r"^ {4}(\./dev \w+)", readme, re.M)
    assert first[:2] == ["./dev serve", "./dev test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^\./dev test\b", ci, re.M), "CI runs what the README says"


def test_the_readme_is_short_and_links_every_reference_page() -> None:
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 120  # read in five minutes; details live in docs/
    linked = set(re.findall(r"\]\(docs/([\w-]+)\.md\)", readme))
    assert linked == REFERENCE_PAGES == {p.stem for p in PAGES}
    assert "](docs/playground.png)" in readme
    assert (ROOT / "docs" / "playground.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_relative_link_leads_to_a_file(path: Path) -> None:
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", path.read_text()):
        assert (path.parent / target).exists(), f"{path.name}: {target}"


def test_the_settings_page_names_every_setting() -> None:
    page = (ROOT / "docs" / "settings.md").read_text()
    missing = [f.upper() for f in Settings.model_fields if f.upper() not in page]
    assert missing == []
