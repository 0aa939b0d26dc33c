"""Handler for "transparency_notice" rows: remind the filing council's officers of a notice's
deadline (e.g. a contract details notice within 30 days of entering into the contract, PA 2023
s.53(1)) a week before and on the day, until an officer marks it published."""

from __future__ import annotations

from datetime import datetime

from dps.accounts import public as accounts
from dps.core.auth import Role
from dps.core.context import Context
from dps.core.dates import long_date
from dps.scheduler.domain import Event, Message
from dps.scheduler.rules_frameworks import send
from dps.transparency import public as transparency

NOTICE_ROLES = (Role.PROCUREMENT_OFFICER,)


async def check_notice(ctx: Context, notice_id: int, now: datetime) -> datetime | None:
    """Send the reminder due now (once, by its key) and say when to look again."""
    reminder = await transparency.notice_reminder(notice_id, now)
    if reminder is None:
        return None
    if reminder.key is not None:
        message = Message(
            kind="notice.due",
            subject=f"{reminder.notice_type} {reminder.title} due {long_date(reminder.due_on)}",
            body=(
                f"The {reminder.notice_type} {reminder.title.lower()} ({reminder.law}) must be filed on Find a Tender "
                f"by {long_date(reminder.due_on)}. The draft, with anything still missing, is in the notices list; "
                "mark it published with the platform's notice id once filed."
            ),
            link_path=f"/api/v1/notices/{notice_id}",
        )
        people = await accounts.recipients_of_authority(reminder.authority_id, NOTICE_ROLES)
        await send(people, Event(name="notice_due", at=now, key=reminder.key), message, now)
    return reminder.next_at
