"""Suite-wide rules for CI (CI=true).

- A skipped test is a failure: the browser, Docker and `graphviz`-marked drawing tests skip
  on a machine without Chromium, a Docker engine or Graphviz's `dot` (so `./dev check` runs
  without OS packages), but CI installs all three, so a skip there means something is
  missing, not that the check passed.
- Hypothesis runs derandomized everywhere by default (profile "repeat": the same examples
  every run, no example database), so `./dev check` and CI pass or fail alike and a landing is
  reproducible. New examples are the separate lane `./dev explore` (HYPOTHESIS_PROFILE=explore:
  random examples, failures kept in .hypothesis/ and replayed first). Either way a failure
  prints the falsifying example and the blob that reproduces it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Generator

import pytest
from hypothesis import settings

STRICT = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

HAS_DOT = shutil.which("dot") is not None

PROFILES = ("repeat", "explore")
settings.register_profile("repeat", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeat"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip the tests that run Graphviz's dot when it is missing (a failure under CI)."""
    if HAS_DOT:
        return
    skip = pytest.mark.skip(reason="Graphviz's dot is not installed (apt-get install graphviz)")
    for item in items:
        if item.get_closest_marker("graphviz"):
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Turn a skip into a failure when running under CI."""
    report = yield
    if STRICT and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped under CI, which must run every test: {reason}"
    return report
