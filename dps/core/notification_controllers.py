"""Routes of the in-app notifications: the caller's own inbox."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from msgspec import Struct

from dps.core import notifications
from dps.core.context import Context
from dps.core.http import DEFAULT_PAGE_SIZE, Cursor, Limit, after_id, signed_in


class NotificationOut(Struct, kw_only=True):
    id: int
    kind: str
    subject: str
    body: str
    link_path: str
    created_at: datetime
    read_at: datetime | None

    @classmethod
    def of(cls, n: notifications.Notification) -> NotificationOut:
        return cls(
            id=n.id,
            kind=n.kind,
            subject=n.subject,
            body=n.body,
            link_path=n.link_path,
            created_at=n.created_at,
            read_at=n.read_at,
        )


class NotificationPage(Struct, kw_only=True):
    items: list[NotificationOut]
    next_cursor: str | None


class NotificationController(Controller):
    path = "/api/v1/notifications"
    guards = [signed_in]
    tags = ["Notifications"]

    @get("/", operation_id="ListNotifications")
    async def list_(
        self,
        ctx: NamedDependency[Context],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        unread: FromQuery[bool] = False,
    ) -> NotificationPage:
        """Your own notifications, newest first; `unread=true` keeps those not yet read."""
        page = await notifications.list_my_notifications(ctx, limit, after_id(cursor), unread)
        return NotificationPage(items=[NotificationOut.of(n) for n in page.items], next_cursor=page.next_cursor)

    @post("/{notification_id:int}/read", operation_id="ReadNotification", status_code=200)
    async def read(self, notification_id: FromPath[int], ctx: NamedDependency[Context]) -> NotificationOut:
        """Mark one of your notifications read (again is harmless). Another user's is 404."""
        return NotificationOut.of(await notifications.read_my_notification(ctx, notification_id))
