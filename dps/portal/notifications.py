"""Notifications: the signed-in person's inbox (the header shows how many are unread), each
opening the portal's page for what it is about and marking it read."""

from __future__ import annotations

import re
from typing import Any

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from dps.core import notifications
from dps.portal.web import Portal, page, redirect

PAGE_SIZE = 20

# The API path a notification names -> the portal page a person reads it on.
PAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^/api/v1/call-offs/(\d+)(?:/.*)?$"), "/placement-requests/{}"),
    (re.compile(r"^/api/v1/contracts/(\d+)$"), "/contracts/{}"),
    (re.compile(r"^/api/v1/rate-cards/(\d+)$"), "/rate-cards/{}"),
    (re.compile(r"^/api/v1/applications/(\d+)(?:/.*)?$"), "/applications/{}"),
    (re.compile(r"^/api/v1/arrangements/(\d+)(?:/.*)?$"), "/arrangements/{}"),
    (re.compile(r"^/api/v1/memberships/(\d+)$"), "/compliance/memberships/{}"),
    (re.compile(r"^/api/v1/concerns/(\d+)$"), "/concerns/{}"),
    (re.compile(r"^/api/v1/compliance/.*$"), "/compliance"),
]


def portal_page(link_path: str) -> str:
    """The portal page for a notification's link (the home page when the portal has none)."""
    for pattern, target in PAGES:
        found = pattern.match(link_path)
        if found:
            return target.format(*found.groups())
    return "/"


class NotificationPages(Controller):
    path = "/notifications"

    @get("/", name="notifications")
    async def inbox(self, portal: NamedDependency[Portal], after: FromQuery[int] = 0) -> Template:
        """Newest first, unread ones marked."""
        portal.signed_in()
        found = await notifications.list_my_notifications(portal.ctx, PAGE_SIZE, after, False)
        return page(
            portal,
            "notifications/index.html",
            items=found.items,
            after=after,
            next_after=found.next_after_id,
        )

    @get("/{notification_id:int}", name="notification")
    async def open(self, portal: NamedDependency[Portal], notification_id: FromPath[int]) -> Redirect:
        """Mark it read and go to its page (someone else's is not found)."""
        read = await notifications.read_my_notification(portal.ctx, notification_id)
        return redirect(portal, portal_page(read.link_path))


CONTROLLERS: list[Any] = [NotificationPages]
