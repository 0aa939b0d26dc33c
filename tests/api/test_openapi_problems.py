"""Every operation in /schema/openapi.json documents the problem+json answers it can give, by its
shape: 400 and 500 always; 401/403 when it needs a token; 404 when its path takes an id; 409 and
422 for a write; 412 and 428 with If-Match; 413 and 415 for an upload (dps/core/openapi_problems.py)."""

from __future__ import annotations

from typing import Any

from tests.support import Api, problem

WRITES = {"post", "put", "patch", "delete"}
METHODS = WRITES | {"get", "head", "options"}


def expected(path: str, method: str, op: dict[str, Any]) -> set[int]:
    """What the operation must document, read from the schema alone."""
    statuses = {400, 500}
    if op.get("security") != []:  # no explicit `security: []`: the global bearer token applies
        statuses |= {401, 403}
    if "{" in path:
        statuses.add(404)
    if method in WRITES:
        statuses |= {409, 422}
    headers = {p["name"].lower() for p in op.get("parameters", []) if p.get("in") == "header"}
    if "if-match" in headers:
        statuses |= {412, 428}
    if "multipart/form-data" in op.get("requestBody", {}).get("content", {}):
        statuses |= {413, 415}
    return statuses


async def operations(api: Api) -> list[tuple[str, str, dict[str, Any]]]:
    schema = (await api.client.get("/schema/openapi.json")).json()
    return [(p, m, op) for p, item in schema["paths"].items() for m, op in item.items() if m in METHODS]


async def problem_component(api: Api) -> dict[str, Any]:
    schema = (await api.client.get("/schema/openapi.json")).json()
    return dict(schema["components"]["schemas"]["Problem"])


async def test_every_operation_documents_the_problem_responses_of_its_shape(api: Api) -> None:
    ops = await operations(api)
    assert len(ops) > 150
    missing = {
        f"{method.upper()} {path}": sorted(s for s in expected(path, method, op) if str(s) not in op["responses"])
        for path, method, op in ops
    }
    assert {k: v for k, v in missing.items() if v} == {}
    assert {"status", "title", "code"} <= set((await problem_component(api))["required"])
    for path, method, op in ops:
        for status, response in op["responses"].items():
            if int(status) >= 400:
                media = response["content"]
                assert list(media) == ["application/problem+json"], (method, path, status)
                assert media["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}


async def test_the_problem_schema_lists_every_code_a_client_may_meet(api: Api) -> None:
    """`code` is one of the catalogue's (dps/<package>/codes.py): core's, and each package's."""
    codes = set((await problem_component(api))["properties"]["code"]["enum"])
    assert {"validation_failed", "not_found", "stale_version", "internal_error"} <= codes  # core
    assert {"offer_exists", "deadline_passed", "invalid_company_number", "template_invalid"} <= codes  # packages
    # What a route really answers is in the list: an unknown token, a malformed body, a bad id.
    answers = [
        await api.client.get("/api/v1/notices/1", headers={"Authorization": "Bearer nonsense"}),
        await api.client.post("/api/v1/auth/login", json={"email": 3}),
        await api.client.get("/api/v1/ocds/records/ocds-nothing-1"),
    ]
    assert [a.json()["code"] for a in answers] == ["invalid_token", "validation_failed", "not_found"]
    assert {a.json()["code"] for a in answers} <= codes


async def test_public_routes_say_so_and_signed_in_ones_document_what_they_answer(api: Api) -> None:
    by_id = {op["operationId"]: (path, op) for path, _, op in await operations(api)}
    for public in ("ListOcdsReleases", "GetOcdsRecord", "Login"):
        assert by_id[public][1]["security"] == []
    assert "403" not in by_id["GetOcdsRecord"][1]["responses"]
    assert "429" in by_id["Login"][1]["responses"]  # sign-in throttling, named in EXTRA

    # What the routes really answer is what they document.
    record_path, record = by_id["GetOcdsRecord"]
    problem(await api.client.get("/api/v1/ocds/records/ocds-nothing-1"), 404, "not_found")
    assert "404" in record["responses"] and record_path == "/api/v1/ocds/records/{ocid}"
    _, notice = by_id["GetNotice"]
    problem(await api.client.get("/api/v1/notices/1"), 401, "unauthenticated")
    assert {"401", "403", "404"} <= set(notice["responses"])
    _, publish = by_id["PublishNotice"]
    body = {"platform_notice_id": "x", "published_on": "not a day"}
    problem(await api.client.post("/api/v1/notices/1/publish", json=body, headers={}), 401, "unauthenticated")
    assert {"400", "409", "422"} <= set(publish["responses"])
