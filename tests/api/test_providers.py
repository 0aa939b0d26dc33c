"""Providers and settings: registration, isolation between providers, versioned updates."""

from __future__ import annotations

import asyncio

from tests.support import Api, problem


async def test_registration_validates_postcode_and_registration_number(api: Api) -> None:
    base = {
        "legal_name": "Nowhere Ltd",
        "address": "1 Road",
        "postcode": "M1 1AE",
        "company_number": "12345678",
    }
    body = {"admin_full_name": "A", "admin_email": "a@nowhere.test", "admin_password": "long-enough-password"}
    unknown = await api.client.post(
        "/api/v1/providers/register", json={**body, "provider": {**base, "postcode": "M1 9ZZ"}}
    )
    problem(unknown, 422, "unknown_postcode")
    unregistered = await api.client.post(
        "/api/v1/providers/register", json={**body, "provider": {**base, "company_number": None}}
    )
    problem(unregistered, 422, "registration_number_required")
    bad_number = await api.client.post(
        "/api/v1/providers/register", json={**body, "provider": {**base, "company_number": "12"}}
    )
    problem(bad_number, 400, "invalid_company_number")
    ok = await api.client.post("/api/v1/providers/register", json={**body, "provider": {**base, "postcode": "m11ae"}})
    assert ok.status_code == 201
    assert ok.json()["provider"]["postcode"] == "M1 1AE"
    again = await api.client.post(
        "/api/v1/providers/register",
        json={**body, "admin_email": "b@nowhere.test", "provider": base},
    )
    problem(again, 409, "company_number_taken")
    # Nothing half-written: the refused registrations left no users behind.
    assert (
        await api.client.post("/api/v1/auth/login", json={"email": "b@nowhere.test", "password": "x"})
    ).status_code == 401


async def test_unknown_fields_are_refused(api: Api) -> None:
    response = await api.client.post(
        "/api/v1/providers/register",
        json={
            "provider": {},
            "admin_full_name": "A",
            "admin_email": "a@b.test",
            "admin_password": "x" * 12,
            "is_admin": True,
        },
    )
    problem(response, 400, "validation_failed")


async def test_provider_cannot_read_or_change_another_providers_records(api: Api) -> None:
    a_id, a_token = await api.provider("Alpha Care Ltd")
    b_id, b_token = await api.provider("Beta Care Ltd")
    b_setting = await api.setting(b_id, b_token)

    problem(await api.client.get(f"/api/v1/providers/{b_id}", headers=api.auth(a_token)), 403, "permission_denied")
    problem(
        await api.client.get(f"/api/v1/providers/{b_id}/settings", headers=api.auth(a_token)),
        403,
        "permission_denied",
    )
    problem(
        await api.client.get(f"/api/v1/providers/{b_id}/settings/{b_setting['id']}", headers=api.auth(a_token)),
        403,
        "permission_denied",
    )
    problem(
        await api.client.patch(
            f"/api/v1/providers/{b_id}",
            json={"legal_name": "Hijacked"},
            headers={**api.auth(a_token), "If-Match": '"1"'},
        ),
        403,
        "permission_denied",
    )
    problem(
        await api.client.patch(
            f"/api/v1/providers/{b_id}/settings/{b_setting['id']}",
            json={"capacity": 99},
            headers={**api.auth(a_token), "If-Match": '"1"'},
        ),
        403,
        "permission_denied",
    )
    problem(
        await api.client.post(f"/api/v1/providers/{b_id}/settings", json={}, headers=api.auth(a_token)),
        400,
        "validation_failed",
    )
    # A provider listing providers sees only itself.
    listed = await api.client.get("/api/v1/providers", headers=api.auth(a_token))
    assert [p["id"] for p in listed.json()["items"]] == [a_id]
    # A provider cannot list another's users.
    users = await api.client.get("/api/v1/users", headers=api.auth(a_token))
    assert {u["provider_id"] for u in users.json()["items"]} == {a_id}
    b_admin = next(u for u in (await api.client.get("/api/v1/users", headers=api.auth(b_token))).json()["items"])
    # Nor read one: another organisation's user is, to it, a user that does not exist (issue 13 item 10).
    problem(
        await api.client.get(f"/api/v1/users/{b_admin['id']}", headers=api.auth(a_token)),
        404,
        "not_found",
    )
    # And B's record is untouched.
    b = (await api.client.get(f"/api/v1/providers/{b_id}", headers=api.auth(b_token))).json()
    assert b["legal_name"] == "Beta Care Ltd"
    assert b["version"] == 1


async def test_council_staff_read_every_provider(api: Api) -> None:
    authority_id = await api.authority()
    _, officer = await api.staff("procurement_officer", authority_id)
    a_id, _ = await api.provider("Alpha Care Ltd")
    b_id, _ = await api.provider("Beta Care Ltd")
    listed = await api.client.get("/api/v1/providers?name=care", headers=api.auth(officer))
    assert {p["id"] for p in listed.json()["items"]} == {a_id, b_id}
    assert (await api.client.get(f"/api/v1/providers/{b_id}", headers=api.auth(officer))).status_code == 200
    # ...but cannot change a provider's record.
    problem(
        await api.client.patch(
            f"/api/v1/providers/{b_id}",
            json={"legal_name": "X"},
            headers={**api.auth(officer), "If-Match": '"1"'},
        ),
        403,
        "permission_denied",
    )


async def test_update_needs_if_match_and_refuses_a_stale_one(api: Api) -> None:
    provider_id, token = await api.provider()
    read = await api.client.get(f"/api/v1/providers/{provider_id}", headers=api.auth(token))
    assert read.headers["etag"] == '"1"'

    problem(
        await api.client.patch(f"/api/v1/providers/{provider_id}", json={"trading_name": "X"}, headers=api.auth(token)),
        428,
        "precondition_required",
    )
    first = await api.client.patch(
        f"/api/v1/providers/{provider_id}",
        json={"trading_name": "Sunrise"},
        headers={**api.auth(token), "If-Match": read.headers["etag"]},
    )
    assert first.status_code == 200
    assert first.headers["etag"] == '"2"'
    assert first.json()["trading_name"] == "Sunrise"
    stale = await api.client.patch(
        f"/api/v1/providers/{provider_id}",
        json={"trading_name": "Moonrise"},
        headers={**api.auth(token), "If-Match": read.headers["etag"]},
    )
    body = problem(stale, 412, "stale_version")
    assert body["current_version"] == 2
    after = await api.client.get(f"/api/v1/providers/{provider_id}", headers=api.auth(token))
    assert after.json()["trading_name"] == "Sunrise"


async def test_concurrent_updates_with_the_same_version_lose_nothing(api: Api) -> None:
    """Two editors read version 1 and write at once: one wins, the other gets 412, none is lost silently."""
    provider_id, token = await api.provider()
    setting = await api.setting(provider_id, token)
    url = f"/api/v1/providers/{provider_id}/settings/{setting['id']}"
    headers = {**api.auth(token), "If-Match": '"1"'}
    results = await asyncio.gather(
        api.client.patch(url, json={"capacity": 5}, headers=headers),
        api.client.patch(url, json={"capacity": 6}, headers=headers),
    )
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 412]
    winner = next(r for r in results if r.status_code == 200).json()
    now = (await api.client.get(url, headers=api.auth(token))).json()
    assert now["capacity"] == winner["capacity"]
    assert now["version"] == 2


async def test_setting_rules(api: Api) -> None:
    provider_id, token = await api.provider()
    url = f"/api/v1/providers/{provider_id}/settings"
    created = await api.setting(provider_id, token, postcode="bl11ru", needs=["autism", "adhd"])
    assert created["postcode"] == "BL1 1RU"
    assert created["local_authority_code"] == "E08000001"  # Bolton, from the ONS directory
    assert created["needs"] == ["adhd", "autism"]

    async def refused(**overrides: object) -> dict[str, object]:
        body = {
            "name": "X",
            "setting_type": "childrens_home",
            "ofsted_urn": "SC999999",
            "postcode": "M1 1AE",
            "capacity": 3,
            "min_age": 8,
            "max_age": 17,
            **overrides,
        }
        return dict((await api.client.post(url, json=body, headers=api.auth(token))).json())

    assert (await refused(min_age=12, max_age=10))["code"] == "invalid_age_range"
    assert (await refused(ofsted_grade="sa_outcome_1", last_inspection_date="2026-01-01"))["code"] == (
        "grade_not_for_setting_type"
    )
    assert (
        await refused(setting_type="supported_accommodation", ofsted_grade="good", last_inspection_date="2026-01-01")
    )["code"] == "grade_not_for_setting_type"
    assert (await refused(ofsted_grade="good"))["code"] == "inspection_date_required"
    assert (await refused(ofsted_grade="good", last_inspection_date="2026-12-01"))["code"] == "inspection_in_future"
    assert (await refused(ofsted_urn=created["ofsted_urn"]))["code"] == "ofsted_urn_taken"
    assert (await refused(needs=["flying"]))["code"] == "validation_failed"
    assert (await refused(postcode="M1 9ZZ"))["code"] == "unknown_postcode"
    listed = await api.client.get(url, headers=api.auth(token))
    assert [s["id"] for s in listed.json()["items"]] == [created["id"]]  # nothing half-written


async def test_setting_update_moves_location_with_postcode(api: Api) -> None:
    provider_id, token = await api.provider()
    setting = await api.setting(provider_id, token, postcode="M1 1AE")
    url = f"/api/v1/providers/{provider_id}/settings/{setting['id']}"
    moved = await api.client.patch(
        url, json={"postcode": "SK1 3XE", "max_age": 15}, headers={**api.auth(token), "If-Match": '"1"'}
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["local_authority_code"] == "E08000007"  # Stockport
    assert (moved.json()["min_age"], moved.json()["max_age"]) == (8, 15)


async def test_pagination_walks_every_item_once(api: Api) -> None:
    provider_id, token = await api.provider()
    made = [(await api.setting(provider_id, token))["id"] for _ in range(5)]
    seen: list[int] = []
    cursor = None
    while True:
        query = f"?limit=2&cursor={cursor}" if cursor else "?limit=2"
        page = (
            await api.client.get(f"/api/v1/providers/{provider_id}/settings{query}", headers=api.auth(token))
        ).json()
        seen += [s["id"] for s in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made
    problem(
        await api.client.get(f"/api/v1/providers/{provider_id}/settings?limit=101", headers=api.auth(token)),
        400,
        "validation_failed",
    )
    problem(
        await api.client.get(f"/api/v1/providers/{provider_id}/settings?cursor=garbage", headers=api.auth(token)),
        400,
        "invalid_cursor",
    )
