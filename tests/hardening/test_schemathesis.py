"""schemathesis over /openapi.json: no server errors and no response that breaks the schema.

One check is left out: `positive_data_acceptance` expects every schema-valid request to
succeed, but a schema-valid expression string may still not parse or may lack input
values, and then a 422 problem is the documented answer.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from app.config import Settings
from app.main import create_app

# Every operation, drawings included, over many generated requests: tens of seconds.
pytestmark = [pytest.mark.slow, pytest.mark.graphviz]

# The body-size limit is tested on its own (tests/hardening/test_hostile_inputs.py); here
# it is raised so that a too-long generated array meets validation, not the 413.
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(Settings(max_body_bytes=64 * 1024 * 1024))
)


@schema.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
