"""Signing in and out, invitations, lockout, and what anonymous callers may do."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support import PASSWORD, Api, problem


async def test_login_me_logout(api: Api) -> None:
    provider_id, token = await api.provider()

    me = await api.client.get("/api/v1/me", headers=api.auth(token))
    assert me.status_code == 200
    assert me.json()["role"] == "provider_admin"
    assert me.json()["organisation_kind"] == "provider"
    assert me.json()["organisation_id"] == provider_id

    out = await api.client.post("/api/v1/auth/logout", headers=api.auth(token))
    assert out.status_code == 204
    problem(await api.client.get("/api/v1/me", headers=api.auth(token)), 401, "invalid_token")


async def test_wrong_password_and_unknown_email_look_the_same(api: Api) -> None:
    await api.provider()
    wrong = await api.client.post("/api/v1/auth/login", json={"email": "admin1@provider.test", "password": "nope"})
    unknown = await api.client.post("/api/v1/auth/login", json={"email": "who@nowhere.test", "password": "nope"})
    assert (
        problem(wrong, 401, "invalid_credentials")["detail"] == problem(unknown, 401, "invalid_credentials")["detail"]
    )


async def test_repeated_failures_slow_the_client_down_then_it_may_sign_in(api: Api) -> None:
    await api.provider()
    me = (await api.client.get("/api/v1/me", headers=api.auth(await api.admin()))).json()
    assert me["role"] == "admin"
    email = "admin@test.dps"
    for _ in range(5):
        problem(
            await api.client.post("/api/v1/auth/login", json={"email": email, "password": "wrong-password"}),
            401,
            "invalid_credentials",
        )
    # This client must wait now: even the right password is not checked, with a Retry-After.
    locked = await api.client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    problem(locked, 429, "login_throttled")
    assert 0 < int(locked.headers["retry-after"]) <= 15 * 60

    api.clock.advance(timedelta(minutes=15, seconds=1))
    assert await api.login(email)


async def test_expired_token_is_refused(api: Api) -> None:
    _, token = await api.provider()
    api.clock.advance(timedelta(hours=12, seconds=1))
    problem(await api.client.get("/api/v1/me", headers=api.auth(token)), 401, "invalid_token")


async def test_malformed_authorization_header(api: Api) -> None:
    problem(
        await api.client.get("/api/v1/me", headers={"Authorization": "Basic abc"}),
        401,
        "invalid_authorization_header",
    )


async def test_invitation_works_once_and_expires(api: Api) -> None:
    authority_id = await api.authority()
    invited = await api.client.post(
        "/api/v1/users",
        json={
            "email": "Eva@Council.test",
            "full_name": "Eva",
            "role": "evaluator",
            "authority_id": authority_id,
        },
        headers=api.auth(await api.admin()),
    )
    assert invited.status_code == 201
    body = invited.json()
    assert body["user"]["status"] == "invited"
    assert body["user"]["email"] == "eva@council.test"  # emails are stored lower-cased
    # An invited user cannot sign in before choosing a password.
    problem(
        await api.client.post("/api/v1/auth/login", json={"email": "eva@council.test", "password": PASSWORD}),
        401,
        "invalid_credentials",
    )
    accept = {"invitation_token": body["invitation_token"], "password": PASSWORD}
    assert (await api.client.post("/api/v1/auth/accept-invitation", json=accept)).status_code == 200
    problem(await api.client.post("/api/v1/auth/accept-invitation", json=accept), 401, "invalid_invitation")
    assert await api.login("eva@council.test")

    late = await api.client.post(
        "/api/v1/users",
        json={
            "email": "late@council.test",
            "full_name": "Late",
            "role": "evaluator",
            "authority_id": authority_id,
        },
        headers=api.auth(await api.admin()),
    )
    api.clock.advance(timedelta(days=7, seconds=1))
    problem(
        await api.client.post(
            "/api/v1/auth/accept-invitation",
            json={"invitation_token": late.json()["invitation_token"], "password": PASSWORD},
        ),
        401,
        "invitation_expired",
    )


async def test_short_password_is_a_validation_error_naming_the_field(api: Api) -> None:
    response = await api.client.post(
        "/api/v1/auth/accept-invitation", json={"invitation_token": "x" * 20, "password": "short"}
    )
    body = problem(response, 400, "validation_failed")
    assert body["field"] == "password"


async def test_disabled_user_loses_access_at_once(api: Api) -> None:
    provider_id, admin_token = await api.provider()
    invited = await api.client.post(
        "/api/v1/users",
        json={
            "email": "care@provider.test",
            "full_name": "Carer",
            "role": "provider_user",
            "provider_id": provider_id,
        },
        headers=api.auth(admin_token),
    )
    assert invited.status_code == 201
    user_id = invited.json()["user"]["id"]
    await api.client.post(
        "/api/v1/auth/accept-invitation",
        json={"invitation_token": invited.json()["invitation_token"], "password": PASSWORD},
    )
    token = await api.login("care@provider.test")
    disabled = await api.client.post(f"/api/v1/users/{user_id}/disable", headers=api.auth(admin_token))
    assert disabled.json()["status"] == "disabled"
    problem(await api.client.get("/api/v1/me", headers=api.auth(token)), 401, "invalid_token")


WRITE_ROUTES = [
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/authorities"),
    ("PATCH", "/api/v1/providers/1"),
    ("POST", "/api/v1/providers/1/settings"),
    ("PATCH", "/api/v1/providers/1/settings/1"),
    ("POST", "/api/v1/users"),
    ("POST", "/api/v1/users/1/disable"),
    ("POST", "/api/v1/documents"),
    ("POST", "/api/v1/arrangements"),
    ("PATCH", "/api/v1/arrangements/1"),
    ("POST", "/api/v1/arrangements/1/publish"),
    ("POST", "/api/v1/arrangements/1/close"),
    ("POST", "/api/v1/arrangements/1/suspend"),
    ("POST", "/api/v1/arrangements/1/resume"),
    ("POST", "/api/v1/arrangements/1/lots"),
    ("PATCH", "/api/v1/arrangements/1/lots/1"),
    ("DELETE", "/api/v1/arrangements/1/lots/1"),
    ("POST", "/api/v1/arrangements/1/lots/1/withdraw"),
    ("POST", "/api/v1/arrangements/1/waivers"),
    ("POST", "/api/v1/arrangements/1/questionnaire-versions"),
    ("DELETE", "/api/v1/arrangements/1/questions/1"),
    ("DELETE", "/api/v1/arrangements/1/price-bands/1"),
    ("POST", "/api/v1/arrangements/1/price-bands/1/withdraw"),
    ("DELETE", "/api/v1/arrangements/1/additional-services/1"),
    ("POST", "/api/v1/arrangements/1/additional-services/1/withdraw"),
    ("POST", "/api/v1/memberships/1/reinstate"),
    ("POST", "/api/v1/memberships/1/remove"),
    ("POST", "/api/v1/memberships/1/suspend"),
    ("POST", "/api/v1/compliance/evidence"),
    ("POST", "/api/v1/compliance/arrangements/1/requirements"),
    ("POST", "/api/v1/compliance/extractions"),
    ("POST", "/api/v1/compliance/settings/1/visits"),
    ("POST", "/api/v1/compliance/action-items/1/status"),
    ("POST", "/api/v1/compliance/arrangements/1/overrides"),
    ("POST", "/api/v1/compliance/settings/1/ofsted-judgements"),
    ("DELETE", "/api/v1/compliance/arrangements/1/requirements/1"),
    ("POST", "/api/v1/concerns/1/issue"),
    ("POST", "/api/v1/concerns"),
    ("POST", "/api/v1/concerns/1/rescind"),
    ("POST", "/api/v1/concerns/1/respond"),
    ("POST", "/api/v1/arrangements/1/clarifications"),
    ("POST", "/api/v1/arrangements/1/questions"),
    ("PATCH", "/api/v1/arrangements/1/questions/1"),
    ("POST", "/api/v1/clarifications/1/answer"),
    ("POST", "/api/v1/applications/1/evaluators"),
    ("POST", "/api/v1/applications/1/decision"),
    ("POST", "/api/v1/applications/1/evaluations/declaration"),
    ("POST", "/api/v1/applications/1/extend-decision"),
    ("PATCH", "/api/v1/applications/1"),
    ("POST", "/api/v1/applications"),
    ("PUT", "/api/v1/applications/1/evaluations/marks"),
    ("PUT", "/api/v1/applications/1/moderation"),
    ("POST", "/api/v1/applications/1/submit"),
    ("POST", "/api/v1/applications/1/evaluations/submit"),
    ("POST", "/api/v1/applications/1/withdraw"),
    ("POST", "/api/v1/notifications/1/read"),
    ("POST", "/api/v1/call-offs/1/clarifications/1/answer"),
    ("POST", "/api/v1/call-offs/1/clarifications"),
    ("POST", "/api/v1/call-offs/1/award"),
    ("POST", "/api/v1/call-offs/1/second-round"),
    ("POST", "/api/v1/call-offs/1/offers/1/revised-fee"),
    ("POST", "/api/v1/call-offs/1/cancel"),
    ("POST", "/api/v1/call-offs/1/close"),
    ("POST", "/api/v1/call-offs/1/conclude"),
    ("POST", "/api/v1/call-offs"),
    ("POST", "/api/v1/call-offs/1/evaluate"),
    ("PATCH", "/api/v1/call-offs/1/offers/1"),
    ("PATCH", "/api/v1/call-offs/1"),
    ("POST", "/api/v1/call-offs/1/offers"),
    ("POST", "/api/v1/call-offs/1/offers/1/marks"),
    ("POST", "/api/v1/call-offs/1/offers/1/moderation"),
    ("POST", "/api/v1/call-offs/1/evaluators"),
    ("POST", "/api/v1/call-offs/1/evaluators/1/release"),
    ("POST", "/api/v1/call-offs/1/reopen-evaluation"),
    ("POST", "/api/v1/call-offs/1/no-award"),
    ("POST", "/api/v1/call-offs/1/publish"),
    ("POST", "/api/v1/call-offs/1/offers/1/withdraw"),
    ("POST", "/api/v1/placements/1/end"),
    ("POST", "/api/v1/placements/1/move"),
    ("POST", "/api/v1/contract-templates/versions/1/approve"),
    ("POST", "/api/v1/contract-templates/versions/1/retire"),
    ("POST", "/api/v1/contract-templates/1/versions"),
    ("PUT", "/api/v1/contract-templates/approval-policies/1"),
    ("POST", "/api/v1/contracts/1/activate"),
    ("POST", "/api/v1/contracts/decision-letters"),
    ("POST", "/api/v1/contracts/1/end"),
    ("POST", "/api/v1/contracts/1/issue"),
    ("POST", "/api/v1/contracts/membership-agreements"),
    ("POST", "/api/v1/contracts/placement-agreements"),
    ("POST", "/api/v1/contracts/fee-variations"),
    ("POST", "/api/v1/contracts/1/sign"),
    ("POST", "/api/v1/contracts/1/signed-copy"),
    ("POST", "/api/v1/contracts/1/terminate"),
    ("POST", "/api/v1/arrangements/1/price-bands"),
    ("PATCH", "/api/v1/arrangements/1/price-bands/1"),
    ("POST", "/api/v1/arrangements/1/additional-services"),
    ("POST", "/api/v1/rate-cards"),
    ("POST", "/api/v1/rate-cards/1/lines/1/exception-decision"),
    ("POST", "/api/v1/rate-cards/1/approve"),
    ("POST", "/api/v1/rate-cards/1/reject"),
    ("POST", "/api/v1/uplifts"),
    ("POST", "/api/v1/uplifts/1/apply"),
    ("POST", "/api/v1/notices/1/publish"),
]


@pytest.mark.parametrize(("method", "path"), WRITE_ROUTES)
async def test_every_write_refuses_an_anonymous_caller(api: Api, method: str, path: str) -> None:
    # Authentication is checked before the body is even read.
    problem(await api.client.request(method, path, json={}), 401, "unauthenticated")


async def test_every_write_route_is_covered_by_the_anonymous_test(api: Api) -> None:
    """New write routes must be added to WRITE_ROUTES (the registration and sign-in routes are public)."""
    public = {"/api/v1/auth/login", "/api/v1/auth/accept-invitation", "/api/v1/providers/register"}
    schema = (await api.client.get("/schema/openapi.json")).json()
    writes = {
        path for path, ops in schema["paths"].items() for method in ops if method in {"post", "patch", "put", "delete"}
    }
    covered = {p.replace("/1", "/{x}") for _, p in WRITE_ROUTES}
    normalised = {"/".join("{x}" if part.startswith("{") else part for part in p.split("/")) for p in writes - public}
    assert normalised <= covered, normalised - covered
