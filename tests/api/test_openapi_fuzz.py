"""A schema fuzzer (schemathesis) against the demo, once per role: every answer of every operation
is documented in /schema/openapi.json (its status code and its content type) and none is a 5xx
(issue 14, the error catalogue). The app runs in-process on the test's event loop (where the
database pool lives); schemathesis generates the requests in a worker thread from a fixed seed,
a few per operation in each of its positive and negative modes, so the run is bounded and repeatable.
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

from dps.core.context import Context
from dps.demo import ADMIN_EMAIL, DEMO_PASSWORD, seed_demo
from tests.support import Api

pytestmark = [pytest.mark.usefixtures("no_libreoffice"), pytest.mark.fuzz]

# One demo user per role (dps/demo): the officer, evaluator and legal officer of Bolton (the lead
# authority), Manchester's commissioner, the admin of a member provider, the platform admin.
ROLES = {
    "procurement_officer": "officer@demo.dps.test",
    "commissioner": "commissioner@demo.dps.test",
    "evaluator": "evaluator@demo.dps.test",
    "legal_officer": "legal@demo.dps.test",
    "provider_admin": "provider2@demo.dps.test",
    "admin": ADMIN_EMAIL,
}
# Signing out would revoke the token the rest of the run signs in with.
SKIPPED = {"Logout"}
EXAMPLES = int(os.environ.get("DPS_FUZZ_EXAMPLES", "2"))  # per operation, role and mode
SEED = 14


CHECKS: list[CheckFunction] = [not_a_server_error, status_code_conformance, content_type_conformance]


@dataclass
class Findings:
    """What the run saw that the schema does not document, per role (kept, not raised, so one run
    counts them all)."""

    by_role: dict[str, Counter[str]] = field(default_factory=dict)
    requests: int = 0

    def add(self, role: str, what: str) -> None:
        self.by_role.setdefault(role, Counter())[what] += 1

    def counts(self) -> dict[str, int]:
        return {role: sum(c.values()) for role, c in self.by_role.items()}


def describe(case: schemathesis.Case, response: httpx.Response, failure: BaseException) -> str:
    """One line per kind of finding: the operation, the answer and the check's title."""
    title = getattr(failure, "title", type(failure).__name__)
    content_type = response.headers.get("content-type", "-")
    return f"{case.method} {case.operation.path} -> {response.status_code} {content_type}: {title}"


def failures_of(error: BaseException) -> list[BaseException]:
    return list(getattr(error, "exceptions", [error]))


def fuzz(
    schema: Any, tokens: dict[str, str], client: httpx.AsyncClient, loop: asyncio.AbstractEventLoop, found: Findings
) -> None:
    """Every operation, a few generated requests in each mode, each sent as every role and each answer
    checked (runs in a thread). Each request is generated once and sent as each role: generating costs
    more than answering. The admin's are sent last: an admin may disable the other users."""
    admin_later: list[schemathesis.Case] = []

    def check(role: str, case: schemathesis.Case) -> None:
        headers = {"Authorization": f"Bearer {tokens[role]}"}
        prepared = requests.Request(**case.as_transport_kwargs(base_url="http://testserver", headers=headers)).prepare()
        request = client.request(
            str(prepared.method), str(prepared.url), headers=dict(prepared.headers), content=prepared.body
        )
        found.requests += 1
        response = asyncio.run_coroutine_threadsafe(request, loop).result(timeout=60)
        try:
            case.validate_response(response, checks=CHECKS)
        except BaseException as error:  # a FailureGroup of every check that failed
            for failure in failures_of(error):
                found.add(role, describe(case, response, failure))

    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.definition.raw.get("operationId") in SKIPPED:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @seed(SEED)
            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case: schemathesis.Case) -> None:
                for role in tokens:
                    if role != "admin":
                        check(role, case)
                admin_later.append(case)

            try:
                run()
            except Unsatisfiable:  # no input to break: an operation without parameters or body
                assert mode is GenerationMode.NEGATIVE
    for case in admin_later:
        check("admin", case)


async def test_every_answer_to_every_role_is_documented_and_none_is_a_server_error(api: Api) -> None:
    await seed_demo(Context(None, api.clock, api.app.state.settings, api.app.state.store))
    spec = (await api.client.get("/schema/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(spec)
    schema.config.base_url = "http://testserver"
    tokens = {}
    for role, email in ROLES.items():
        response = await api.client.post("/api/v1/auth/login", json={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 200, response.text
        tokens[role] = response.json()["token"]

    found = Findings()
    loop = asyncio.get_running_loop()
    await asyncio.to_thread(fuzz, schema, tokens, api.client, loop, found)

    assert found.requests > 6 * 150
    report = {role: sorted(f"{n} x {what}" for what, n in c.items()) for role, c in found.by_role.items()}
    print("undocumented answers per role:", found.counts(), "requests:", found.requests)
    for role, lines in report.items():
        print(role, *lines, sep="\n  ")
    assert found.counts() == {}, report


async def test_what_the_fuzzer_found_undocumented_is_documented_as_the_routes_answer(api: Api) -> None:
    spec = (await api.client.get("/schema/openapi.json")).json()

    def responses(path: str) -> dict[str, Any]:
        return dict(spec["paths"][path]["get"]["responses"])

    # The bulk download answers JSON Lines, and says so.
    stream = await api.client.get("/api/v1/ocds/releases.jsonl")
    assert stream.status_code == 200 and stream.headers["content-type"].startswith("application/x-ndjson")
    assert list(responses("/api/v1/ocds/releases.jsonl")["200"]["content"]) == ["application/x-ndjson"]
    # A download answers in the type that was uploaded; a report in JSON or CSV.
    assert {"application/pdf", "image/png"} <= set(
        responses("/api/v1/documents/{document_id}/content")["200"]["content"]
    )
    assert {"application/json", "text/csv; charset=utf-8"} == set(
        responses("/api/v1/reports/pricing")["200"]["content"]
    )
    # A report naming an arrangement that does not exist, or a period running backwards.
    assert {"404", "422"} <= set(responses("/api/v1/reports/pricing")) & set(responses("/api/v1/reports/placements"))
    assert "409" in responses("/api/v1/contracts/{contract_id}/pdf")  # `pdf_not_ready`
    # A write naming another resource in its body (`arrangement_id`) can answer 404.
    assert "404" in spec["paths"]["/api/v1/applications"]["post"]["responses"]
