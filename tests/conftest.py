"""Suite-wide rules for CI (CI=true).

- A skipped test is a failure: the browser and Docker tests skip on a machine without
  Chromium or a Docker engine, but CI installs both, so a skip there means something is
  missing, not that the check passed.
- Hypothesis runs derandomized (the same examples every run, no example database), so a
  landing is reproducible; runs elsewhere keep exploring new examples.
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest
from hypothesis import settings

STRICT = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if STRICT:
    settings.load_profile("ci")


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
