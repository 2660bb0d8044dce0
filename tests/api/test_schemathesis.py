"""Property-based API tests: schemathesis drives every operation of the OpenAPI spec; none answers 500."""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings

from governance.plant import small_plant
from plantarch.api.app import create_app
from plantarch.api.auth import create_token
from plantarch.store import open_store

EXAMPLES = 6
"""Examples per operation: enough to find crashes, few enough to keep the suite fast."""


def test_no_operation_answers_500(tmp_path: Path) -> None:
    with open_store(workspace=tmp_path / "ws") as store:
        with store.change(author="seed") as cs:
            cs.put_many(obj for _, obj in small_plant().all_objects())
        headers = {"Authorization": f"Bearer {create_token(store, 'fuzz', 'admin')[1]}"}
        schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(store))
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) > 40
        failures: list[str] = []
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
            )
            def call(case: schemathesis.Case) -> None:
                response = case.call(headers=headers)
                if response.status_code >= 500:
                    failures.append(f"{case.method} {case.formatted_path}: {response.text[:300]}")

            call()
        assert not failures, "\n".join(failures[:10])
