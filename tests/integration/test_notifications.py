"""Notifications, their email outbox and the deadline tracker on the real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dps.accounts import repository as accounts
from dps.accounts.domain import Region, UserStatus
from dps.core import deadlines
from dps.core.auth import Role
from dps.core.db import DB
from dps.core.notifications import Recipient, list_for_user, mark_read, notify
from tests.support import scalar

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def _user(email: str, role: Role, *, authority_id: int | None = None, provider_id: int | None = None,
                status: UserStatus = UserStatus.ACTIVE) -> Recipient:  # fmt: skip
    user = await accounts.insert_user(
        email=email, full_name=email, role=role, status=status, authority_id=authority_id,
        provider_id=provider_id, password_hash=None, invitation_hash=None, invitation_expires_at=None, at=AT,
    )  # fmt: skip
    return Recipient(user_id=user.id, email=user.email)


async def _notify(recipients: list[Recipient], key: str = "application:1:decision-warning") -> int:
    async with DB.transaction():
        return await notify(
            recipients, kind="application.decision_warning", key=key, subject="Decision due in 2 working days",
            body="Application 1 needs a decision by 25 November 2026.", link_path="/applications/1", at=AT,
        )  # fmt: skip


async def test_notify_creates_one_notification_and_one_queued_email_per_recipient(clean_database: str) -> None:
    authority = await accounts.insert_authority("Bolton Council", "E08000001", Region.NORTH_WEST, AT)
    a = await _user("a@council.test", Role.PROCUREMENT_OFFICER, authority_id=authority.id)
    b = await _user("b@council.test", Role.PROCUREMENT_OFFICER, authority_id=authority.id)

    assert await _notify([a, b, a]) == 2

    assert await scalar("SELECT count(*) FROM notifications") == 2
    assert await scalar("SELECT count(*) FROM outbound_emails WHERE status = 'queued'") == 2
    assert await scalar("SELECT string_agg(recipient, ',' ORDER BY recipient) FROM outbound_emails") == (
        "a@council.test,b@council.test"
    )


async def test_repeating_a_key_creates_nothing_new_but_a_new_recipient_still_gets_it(clean_database: str) -> None:
    authority = await accounts.insert_authority("Bolton Council", "E08000001", Region.NORTH_WEST, AT)
    a = await _user("a@council.test", Role.PROCUREMENT_OFFICER, authority_id=authority.id)
    b = await _user("b@council.test", Role.PROCUREMENT_OFFICER, authority_id=authority.id)
    assert await _notify([a]) == 1

    assert await _notify([a]) == 0
    assert await _notify([a, b]) == 1
    assert await _notify([a], key="application:1:decision-overdue") == 1

    assert await scalar("SELECT count(*) FROM notifications") == 3
    assert await scalar("SELECT count(*) FROM outbound_emails") == 3


async def test_notify_rolls_back_with_the_callers_transaction(clean_database: str) -> None:
    authority = await accounts.insert_authority("Bolton Council", "E08000001", Region.NORTH_WEST, AT)
    a = await _user("a@council.test", Role.PROCUREMENT_OFFICER, authority_id=authority.id)

    class Boom(Exception):
        pass

    try:
        async with DB.transaction():
            await notify([a], kind="k", key="k:1", subject="s", body="b", link_path="/", at=AT)
            raise Boom
    except Boom:
        pass

    assert await scalar("SELECT count(*) FROM notifications") == 0
    assert await scalar("SELECT count(*) FROM outbound_emails") == 0


async def test_users_list_their_own_notifications_newest_first_and_mark_them_read(clean_database: str) -> None:
    authority = await accounts.insert_authority("Bolton Council", "E08000001", Region.NORTH_WEST, AT)
    a = await _user("a@council.test", Role.PROCUREMENT_OFFICER, authority_id=authority.id)
    b = await _user("b@council.test", Role.PROCUREMENT_OFFICER, authority_id=authority.id)
    for n in range(3):
        await _notify([a], key=f"k:{n}")
    await _notify([b], key="k:b")

    page = await list_for_user(a.user_id, limit=2, before_id=None, unread_only=False)
    assert [n.key for n in page.items] == ["k:2", "k:1"]
    assert page.next_after_id is not None
    rest = await list_for_user(a.user_id, limit=2, before_id=page.next_after_id, unread_only=False)
    assert [n.key for n in rest.items] == ["k:0"]

    read = await mark_read(a.user_id, page.items[0].id, AT + timedelta(hours=1))
    assert read.read_at == AT + timedelta(hours=1)
    again = await mark_read(a.user_id, page.items[0].id, AT + timedelta(hours=2))
    assert again.read_at == AT + timedelta(hours=1)
    unread = await list_for_user(a.user_id, limit=10, before_id=None, unread_only=True)
    assert [n.key for n in unread.items] == ["k:1", "k:0"]


async def test_recipients_are_the_active_users_of_the_organisation(clean_database: str) -> None:
    authority = await accounts.insert_authority("Bolton Council", "E08000001", Region.NORTH_WEST, AT)
    other = await accounts.insert_authority("Wigan Council", "E08000010", Region.NORTH_WEST, AT)
    officer = await _user("officer@council.test", Role.PROCUREMENT_OFFICER, authority_id=authority.id)
    evaluator = await _user("evaluator@council.test", Role.EVALUATOR, authority_id=authority.id)
    await _user("invited@council.test", Role.PROCUREMENT_OFFICER, authority_id=authority.id,
                status=UserStatus.INVITED)  # fmt: skip
    await _user("wigan@council.test", Role.PROCUREMENT_OFFICER, authority_id=other.id)

    assert await accounts.recipients_of_authority(authority.id) == [officer, evaluator]
    assert await accounts.recipients_of_authority(authority.id, [Role.PROCUREMENT_OFFICER]) == [officer]
    assert await accounts.recipients_of_authority(authority.id, []) == []


async def test_track_upserts_one_row_per_entity_and_none_stops_tracking(clean_database: str) -> None:
    async with DB.transaction():
        await deadlines.track("application", 7, AT)
        await deadlines.track("application", 7, AT + timedelta(days=3))
        await deadlines.track("arrangement", 7, AT + timedelta(days=1))

    assert await deadlines.next_check("application", 7) == AT + timedelta(days=3)
    assert await deadlines.next_check("arrangement", 7) == AT + timedelta(days=1)
    assert await scalar("SELECT count(*) FROM deadline_checks") == 2

    async with DB.transaction():
        await deadlines.track("application", 7, None)
        await deadlines.track("application", 8, None)

    assert await deadlines.next_check("application", 7) is None
    assert await scalar("SELECT count(*) FROM deadline_checks") == 1
