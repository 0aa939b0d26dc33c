"""The face of transparency for the packages above it (the scheduler, the app, the CLI)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from dps.core.settings import Settings
from dps.transparency import repository
from dps.transparency.config import TransparencyConfig
from dps.transparency.controllers import NoticeController, OcdsController
from dps.transparency.domain.notices import NOTICE_KINDS, NoticeType, reminder_state
from dps.transparency.listener import NOTICE_ENTITY, TransparencyListener

__all__ = ["NOTICE_ENTITY", "NoticeController", "NoticeReminder", "OcdsController", "listener_for", "notice_reminder"]
REMINDER_HOUR = time(8, 0, tzinfo=UTC)


def listener_for(settings: Settings) -> TransparencyListener:
    """The listener the app, the scheduler and the CLI put in their Context."""
    return TransparencyListener(TransparencyConfig.from_env(settings.public_base_url))


def reminder_time(day: date) -> datetime:
    return datetime.combine(day, REMINDER_HOUR)


@dataclass(frozen=True, slots=True)
class NoticeReminder:
    notice_id: int
    authority_id: int
    notice_type: str
    title: str
    law: str
    due_on: date
    key: str | None  # the reminder to send now (sent once), or None
    next_at: datetime | None  # when to look again; None stops tracking


async def notice_reminder(notice_id: int, now: datetime) -> NoticeReminder | None:
    """What the scheduler should do about a notice's deadline now; None when there is nothing."""
    row = await repository.get_notice(notice_id)
    if row is None or row.due_on is None:
        return None
    state = reminder_state(notice_id, row.due_on, now.astimezone(UTC).date(), row.status == "published")
    kind = NOTICE_KINDS[NoticeType(row.notice_type)]
    return NoticeReminder(
        notice_id=row.id,
        authority_id=row.authority_id,
        notice_type=row.notice_type,
        title=kind.title,
        law=kind.law,
        due_on=row.due_on,
        key=state.due_key,
        next_at=reminder_time(state.next_on) if state.next_on else None,
    )
