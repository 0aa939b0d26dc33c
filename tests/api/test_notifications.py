"""A user's own notifications: listed newest first, filtered unread, marked read; nobody else's."""

from __future__ import annotations

from datetime import timedelta

from dps.core.db import DB
from dps.core.notifications import Recipient, notify
from tests.support import Api, problem

BASE = "/api/v1/notifications"


async def _notify(api: Api, user_id: int, email: str, key: str) -> None:
    async with DB.transaction():
        await notify(
            [Recipient(user_id, email)], kind="application.decision_warning", key=key,
            subject=f"Subject {key}", body="Two working days are left.", link_path="/applications/1",
            at=api.clock.now(),
        )  # fmt: skip
    api.clock.advance(timedelta(minutes=1))


async def test_a_user_reads_their_own_notifications_newest_first_and_marks_them_read(api: Api) -> None:
    council = await api.authority()
    alice, alice_token = await api.staff("procurement_officer", council)
    bob, bob_token = await api.staff("procurement_officer", council)
    for key in ("k1", "k2", "k3"):
        await _notify(api, alice, "alice@council.test", key)
    await _notify(api, bob, "bob@council.test", "kb")

    first = await api.client.get(BASE, params={"limit": 2}, headers=api.auth(alice_token))
    assert first.status_code == 200, first.text
    page = first.json()
    assert [n["subject"] for n in page["items"]] == ["Subject k3", "Subject k2"]
    assert page["items"][0]["link_path"] == "/applications/1" and page["items"][0]["read_at"] is None
    rest = await api.client.get(BASE, params={"limit": 2, "cursor": page["next_cursor"]}, headers=api.auth(alice_token))
    assert [n["subject"] for n in rest.json()["items"]] == ["Subject k1"]
    assert rest.json()["next_cursor"] is None

    newest = page["items"][0]["id"]
    read = await api.client.post(f"{BASE}/{newest}/read", headers=api.auth(alice_token))
    assert read.status_code == 200, read.text
    assert read.json()["read_at"] is not None
    unread = await api.client.get(BASE, params={"unread": "true"}, headers=api.auth(alice_token))
    assert [n["subject"] for n in unread.json()["items"]] == ["Subject k2", "Subject k1"]

    # Bob sees only his own and cannot touch Alice's.
    bobs = (await api.client.get(BASE, headers=api.auth(bob_token))).json()["items"]
    assert [n["subject"] for n in bobs] == ["Subject kb"]
    problem(await api.client.post(f"{BASE}/{newest}/read", headers=api.auth(bob_token)), 404, "not_found")


async def test_anonymous_callers_see_no_notifications(api: Api) -> None:
    problem(await api.client.get(BASE), 401, "unauthenticated")
