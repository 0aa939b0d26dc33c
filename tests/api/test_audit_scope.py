"""Issue 13 item 6: the audit trail is read by the owner of each record. An officer of a council
outside an arrangement reads none of its application events, none of another council's users
(emails, sign-ins) and, after a deadline, not who offered on another council's call-off."""

from __future__ import annotations

from datetime import timedelta

from tests.support import Api, tamper_with_audit
from tests.support.applications import APPS, set_up
from tests.support.call_offs import member, offer_body, raise_and_publish, scene, settings

__all__ = ["settings"]  # long-lived tokens: these tests move the clock past a deadline

AUDIT = "/api/v1/audit"


async def trail(api: Api, token: str, **params: str) -> list[dict]:
    response = await api.client.get(AUDIT, params={"limit": "100", **params}, headers=api.auth(token))
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def user_id(api: Api, token: str) -> str:
    me = await api.client.get("/api/v1/me", headers=api.auth(token))
    assert me.status_code == 200, me.text
    return str(me.json()["user_id"])


async def test_an_outsider_council_reads_no_other_councils_users_or_arrangements(api: Api) -> None:
    world = await set_up(api)
    provider_id, provider = await api.provider()
    opened = await api.client.post(
        APPS, json={"arrangement_id": world["arrangement_id"], "lot_ids": world["lots"]}, headers=api.auth(provider)
    )
    assert opened.status_code == 201, opened.text
    application = {"entity_type": "application", "entity_id": str(opened.json()["id"])}
    salford = await api.authority("Salford City Council", "E08000006")
    _, outsider = await api.staff("procurement_officer", salford)
    other_councils_users = {await user_id(api, world["officer"])} | {str(i) for i, _ in world["evaluators"]}
    provider_user = await user_id(api, provider)

    seen = await trail(api, outsider)
    users_seen = {e["entity_id"] for e in seen if e["entity_type"] == "user"}
    assert users_seen
    assert not users_seen & other_councils_users, "another council's users, emails and sign-ins"
    assert provider_user not in users_seen, "a provider's users are the provider's business"
    assert await trail(api, outsider, **application) == []
    assert not [e for e in seen if e["entity_type"] in {"arrangement", "lot", "question", "application"}]
    # Their own council's users and sign-ins they do see; providers' own records stay open to due
    # diligence; the lead council reads the application's events.
    assert await user_id(api, outsider) in users_seen
    provider_record = await trail(api, outsider, entity_type="provider", entity_id=str(provider_id))
    assert [e["action"] for e in provider_record] == ["provider.registered"]
    assert [e["action"] for e in await trail(api, world["officer"], **application)] == ["application.opened"]


async def test_who_offered_on_a_call_off_stays_with_its_council(api: Api) -> None:
    s = await scene(api)
    _, provider, setting_id = await member(api, s)
    deadline = api.clock.now() + timedelta(days=10)
    call_off = await raise_and_publish(api, s, deadline)
    submitted = await api.client.post(
        f"/api/v1/call-offs/{call_off['id']}/offers", json=offer_body(setting_id, 400_000), headers=api.auth(provider)
    )
    assert submitted.status_code == 201, submitted.text
    salford = await api.authority("Salford City Council", "E08000006")
    _, outsider = await api.staff("procurement_officer", salford)

    api.clock.set(deadline + timedelta(hours=1))
    outsider, officer = await api.renew(outsider), await api.renew(s.officer)
    assert await trail(api, outsider, entity_type="offer") == []
    assert await trail(api, outsider, entity_type="call_off") == []
    assert [e["action"] for e in await trail(api, officer, entity_type="offer")] == ["offer.submitted"]


async def test_newest_first_pages_backwards(api: Api) -> None:
    for _ in range(3):
        await api.provider()
    admin = await api.admin()
    oldest_first = [e["id"] for e in await trail(api, admin)]
    first = await api.client.get(AUDIT, params={"order": "desc", "limit": "2"}, headers=api.auth(admin))
    assert first.status_code == 200, first.text
    page = first.json()
    rest = await api.client.get(
        AUDIT, params={"order": "desc", "limit": "100", "cursor": page["next_cursor"]}, headers=api.auth(admin)
    )
    newest_first = [e["id"] for e in page["items"]] + [e["id"] for e in rest.json()["items"]]
    assert newest_first == list(reversed(oldest_first))


async def test_the_migration_backfills_the_owner_of_earlier_events(api: Api) -> None:
    import importlib

    migration = importlib.import_module("migrations.core.core_2026_12_05t13_25_00_000000_audit_owners")
    s = await scene(api)
    admin = await api.admin()
    await tamper_with_audit("UPDATE audit_events SET owner_kind = NULL, owner_id = NULL")
    await migration.backfill()
    events = await trail(api, admin, entity_type="arrangement", entity_id=str(s.arrangement_id))
    assert events
    from tests.support import scalar

    assert await scalar("SELECT count(*) FROM audit_events WHERE owner_kind IS NULL") == 0
    assert await scalar(
        f"SELECT count(*) FROM audit_events WHERE entity_type = 'arrangement' AND owner_kind = 'arrangement'"  # noqa: S608
        f" AND owner_id = {s.arrangement_id}"
    ) == len(events)
