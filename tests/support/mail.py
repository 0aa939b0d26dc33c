"""A local SMTP inbox for the e-mail tests, and a free port to run it on."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from email import message_from_bytes
from typing import Any

from dps.accounts import repository as accounts
from dps.accounts.domain import Region, UserStatus
from dps.core.auth import Role
from dps.core.db import DB
from dps.core.notifications import Recipient, notify

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _queue(count: int) -> list[Recipient]:
    authority = await accounts.insert_authority("Bolton Council", "E08000001", Region.NORTH_WEST, AT)
    people = []
    for n in range(count):
        user = await accounts.insert_user(
            email=f"officer{n}@council.test", full_name="Officer", role=Role.PROCUREMENT_OFFICER,
            status=UserStatus.ACTIVE, authority_id=authority.id, provider_id=None, password_hash=None,
            invitation_hash=None, invitation_expires_at=None, at=AT,
        )  # fmt: skip
        people.append(Recipient(user.id, user.email))
    async with DB.transaction():
        await notify(
            people, kind="application.decision_warning", key="application:1:decision-warning:2026-11-25",
            subject="Decision due 25 November 2026", body="Two working days are left.",
            link_path="/applications/1", at=AT,
        )  # fmt: skip
    return people
