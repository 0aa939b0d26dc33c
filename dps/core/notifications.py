"""In-app notifications and the email outbox they feed.

`notify()` runs inside the caller's transaction: it creates one in-app notification per recipient
and queues one email each in `outbound_emails`, in one statement. `(key, user_id)` is unique, so a
rule that fires again with the same key (a repeated sweep, a retried request) creates nothing new;
the email is queued only for notifications actually created, so it is never sent twice either.
`dps.core.email` delivers the queue.

Keys are deterministic and name the fact, e.g. f"application:{id}:decision-warning".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piccolo.querystring import QueryString

from dps.core.context import Context
from dps.core.db import DB
from dps.core.errors import NotFound
from dps.core.pagination import Page, page_of
from dps.core.tables import Notification as NotificationRow


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: int
    email: str


@dataclass(frozen=True, slots=True)
class Notification:
    id: int
    user_id: int
    kind: str
    key: str
    subject: str
    body: str
    link_path: str
    created_at: datetime
    read_at: datetime | None


_NOTIFY_SQL = """
WITH people AS (
    SELECT DISTINCT ON (user_id) user_id, email
    FROM unnest({}::bigint[], {}::text[]) AS r(user_id, email)
    ORDER BY user_id
), created AS (
    INSERT INTO notifications (user_id, kind, key, subject, body, link_path, created_at, read_at)
    SELECT user_id, {}, {}, {}, {}, {}, {}, NULL FROM people
    ON CONFLICT (user_id, key) DO NOTHING
    RETURNING id, user_id
)
INSERT INTO outbound_emails
    (notification_id, recipient, subject, body, link_path, status, attempts, next_attempt_at,
     last_error, created_at, sent_at)
SELECT c.id, p.email, {}, {}, {}, 'queued', 0, {}, NULL, {}, NULL
FROM created c JOIN people p USING (user_id)
RETURNING id
"""


async def notify(
    recipients: Sequence[Recipient],
    *,
    kind: str,
    key: str,
    subject: str,
    body: str,
    link_path: str,
    at: datetime,
) -> int:
    """Create one in-app notification per recipient and queue one email each, inside the
    caller's transaction. (key, user_id) is unique: calling again with the same key creates
    nothing new (returns how many were created). `kind` e.g. "application.decided"."""
    if not recipients:
        return 0
    rows = await DB.run_querystring(
        QueryString(
            _NOTIFY_SQL,
            [r.user_id for r in recipients],
            [r.email for r in recipients],
            kind,
            key,
            subject,
            body,
            link_path,
            at,
            subject,
            body,
            link_path,
            at,
            at,
        )
    )
    return len(rows)


# --- reading one's own -----------------------------------------------------------------------


def _notification(row: dict[str, Any]) -> Notification:
    return Notification(
        id=row["id"],
        user_id=row["user_id"],
        kind=row["kind"],
        key=row["key"],
        subject=row["subject"],
        body=row["body"],
        link_path=row["link_path"],
        created_at=row["created_at"],
        read_at=row["read_at"],
    )


async def list_for_user(user_id: int, *, limit: int, before_id: int | None, unread_only: bool) -> Page[Notification]:
    """The user's notifications, newest first; `before_id` is the cursor (the last id seen)."""
    query = NotificationRow.select().where(NotificationRow.user_id == user_id)
    if before_id is not None:
        query = query.where(NotificationRow.id < before_id)
    if unread_only:
        query = query.where(NotificationRow.read_at.is_null())
    rows = await query.order_by(NotificationRow.id, ascending=False).limit(limit + 1)
    return page_of([_notification(r) for r in rows], limit)


async def mark_read(user_id: int, notification_id: int, at: datetime) -> Notification:
    """Mark one of the user's notifications read (again is harmless: the first time stays).
    Another user's notification is reported as missing, so ids reveal nothing."""
    await NotificationRow.update({NotificationRow.read_at: at}).where(
        (NotificationRow.id == notification_id)
        & (NotificationRow.user_id == user_id)
        & NotificationRow.read_at.is_null()
    )
    row = (
        await NotificationRow.select()
        .where((NotificationRow.id == notification_id) & (NotificationRow.user_id == user_id))
        .first()
    )
    if row is None:
        raise NotFound(f"notification {notification_id} does not exist", entity="notification")
    return _notification(row)


# --- services for the caller's own inbox -------------------------------------------------------


async def list_my_notifications(ctx: Context, limit: int, after_id: int, unread_only: bool) -> Page[Notification]:
    """The caller's own notifications, newest first (`after_id` 0: from the newest)."""
    user = ctx.require_signed_in()
    return await list_for_user(user.user_id, limit=limit, before_id=after_id or None, unread_only=unread_only)


async def count_my_unread(ctx: Context) -> int:
    """How many of the caller's notifications are unread (the portal's header shows it)."""
    user = ctx.require_signed_in()
    return int(
        await NotificationRow.count().where(
            (NotificationRow.user_id == user.user_id) & NotificationRow.read_at.is_null()
        )
    )


async def read_my_notification(ctx: Context, notification_id: int) -> Notification:
    """Mark one of the caller's notifications read; anyone else's is 404. Not audited: it changes
    only the reader's own inbox, not the state of any case."""
    user = ctx.require_signed_in()
    async with DB.transaction():
        read = await mark_read(user.user_id, notification_id, ctx.clock.now())
    return read
