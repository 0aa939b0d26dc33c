"""The audit trail over HTTP, the hash chain, and the shape of every kind of error."""

from __future__ import annotations

import pytest
from asyncpg.exceptions import CheckViolationError, ExclusionViolationError, UniqueViolationError
from piccolo.querystring import QueryString

from dps.core import audit
from dps.core.db import DB
from tests.support import Api, problem, tamper_with_audit


async def test_changes_are_audited_and_filterable(api: Api) -> None:
    provider_id, token = await api.provider()
    await api.client.patch(
        f"/api/v1/providers/{provider_id}",
        json={"trading_name": "Sunrise"},
        headers={**api.auth(token), "If-Match": '"1"'},
    )
    authority_id = await api.authority()
    _, officer = await api.staff("procurement_officer", authority_id)

    events = await api.client.get(
        f"/api/v1/audit?entity_type=provider&entity_id={provider_id}", headers=api.auth(officer)
    )
    assert events.status_code == 200
    items = events.json()["items"]
    assert [e["action"] for e in items] == ["provider.registered", "provider.updated"]
    update = items[1]
    assert update["before"]["trading_name"] is None
    assert update["after"]["trading_name"] == "Sunrise"
    assert update["actor_role"] == "provider_admin"
    assert update["actor_org_id"] == provider_id

    by_actor = await api.client.get(f"/api/v1/audit?actor_user_id={update['actor_user_id']}", headers=api.auth(officer))
    assert "provider.updated" in {e["action"] for e in by_actor.json()["items"]}


async def test_providers_and_commissioners_cannot_read_the_audit_trail(api: Api) -> None:
    _, provider = await api.provider()
    authority_id = await api.authority()
    _, commissioner = await api.staff("commissioner", authority_id)
    problem(await api.client.get("/api/v1/audit", headers=api.auth(provider)), 403, "permission_denied")
    problem(await api.client.get("/api/v1/audit", headers=api.auth(commissioner)), 403, "permission_denied")


async def test_verify_finds_the_first_tampered_event(api: Api) -> None:
    await api.provider()
    await api.provider()
    intact = await audit.verify()
    assert intact.ok and intact.checked >= 4

    # Someone with database access edits an event behind the application's back.
    await tamper_with_audit("UPDATE audit_events SET after = {}::jsonb WHERE id = 3", '{"legal_name": "Forged"}')
    broken = await audit.verify()
    assert not broken.ok
    assert broken.first_bad_id == 3
    assert broken.checked == 2


async def test_verify_finds_a_deleted_event(api: Api) -> None:
    await api.provider()
    await api.provider()
    assert (await audit.verify()).ok  # sealed: the chain now holds every event
    await tamper_with_audit("DELETE FROM audit_events WHERE id = 2")
    broken = await audit.verify()
    assert broken.first_bad_id == 2
    assert "deleted" in (broken.problem or "")


async def test_the_database_refuses_to_edit_audit_events(api: Api) -> None:
    await api.provider()
    try:
        await DB.run_querystring(QueryString("DELETE FROM audit_events"))
    except Exception as error:
        assert "append-only" in str(error)
    else:
        raise AssertionError("deleting audit events should be refused")


async def test_error_shapes(api: Api) -> None:
    token = await api.admin()
    problem(await api.client.get("/api/v1/nowhere", headers=api.auth(token)), 404, "not_found")
    problem(await api.client.delete("/api/v1/authorities", headers=api.auth(token)), 405, "method_not_allowed")
    problem(await api.client.get("/api/v1/authorities/999", headers=api.auth(token)), 404, "not_found")
    bad_json = await api.client.post(
        "/api/v1/authorities",
        content=b"{not json",
        headers={**api.auth(token), "Content-Type": "application/json"},
    )
    problem(bad_json, 400, "malformed_request")
    wrong_type = await api.client.post(
        "/api/v1/authorities",
        json={"name": "X", "ons_code": "bad", "region": "north_west"},
        headers=api.auth(token),
    )
    assert problem(wrong_type, 400, "validation_failed")["field"] == "ons_code"
    await api.authority("Bolton Council", "E08000001")
    dup = await api.client.post(
        "/api/v1/authorities",
        json={"name": "Bolton again", "ons_code": "E08000001", "region": "north_west"},
        headers=api.auth(token),
    )
    problem(dup, 409, "ons_code_taken")


async def test_internal_errors_hide_internals(api: Api) -> None:
    token = await api.admin()
    original = api.app.state.resolve_token

    async def broken(*_: object) -> None:
        raise RuntimeError("secret connection string postgres://user:pw@db")

    api.app.state.resolve_token = broken
    try:
        response = await api.client.get("/api/v1/me", headers=api.auth(token))
    finally:
        api.app.state.resolve_token = original
    body = problem(response, 500, "internal_error")
    assert "secret" not in response.text and "postgres" not in response.text
    assert body["detail"]


async def test_health_and_openapi(api: Api) -> None:
    health = await api.client.get("/health")
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "database": "ok", "documents": "ok"}
    schema = (await api.client.get("/schema/openapi.json")).json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("operationId"), (method, path)
            assert operation.get("description"), f"{method.upper()} {path} has no description"


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (UniqueViolationError, 409, "duplicate"),
        (ExclusionViolationError, 409, "overlaps_existing"),
        (CheckViolationError, 422, "constraint_violated"),
    ],
)
async def test_a_constraint_that_slips_past_a_service_is_a_problem_not_a_500(
    api: Api, error: type[Exception], status: int, code: str
) -> None:
    token = await api.admin()
    original = api.app.state.resolve_token

    async def refused(*_: object) -> None:
        raise error('constraint "price_bands_no_overlap" of relation secret_table')

    api.app.state.resolve_token = refused
    try:
        response = await api.client.get("/api/v1/me", headers=api.auth(token))
    finally:
        api.app.state.resolve_token = original
    problem(response, status, code)
    assert "secret_table" not in response.text
