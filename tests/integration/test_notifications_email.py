"""Email delivery from the outbox against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from dps.core.db import DB
from dps.core.email import GovukNotifySender, OutgoingEmail, SmtpSender, deliver_all_due, deliver_due, retry_delay
from tests.support import scalar
from tests.support.mail import AT, Inbox, _queue, free_port


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def start_server(smtp_port: int, inbox: Inbox) -> Iterator[Any]:
    started: list[Controller] = []

    def start() -> None:
        controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        started.append(controller)

    yield start
    for controller in started:
        controller.stop()


async def test_a_message_waits_while_the_server_is_down_and_arrives_once_when_it_is_up(
    clean_database: str, smtp_port: int, inbox: Inbox, start_server: Any
) -> None:
    await _queue(1)
    sender = SmtpSender("127.0.0.1", smtp_port, "dps@council.test", timeout=5)

    refused = await deliver_due(sender, AT, base_url="https://dps.example")
    assert refused.failed == 1
    row = (await DB.run_querystring(_row()))[0]
    assert row["status"] == "queued" and row["attempts"] == 1
    assert row["next_attempt_at"] == AT + timedelta(minutes=1)
    assert row["last_error"]

    # Still down a minute later: the next wait doubles.
    again = await deliver_due(sender, AT + timedelta(minutes=1))
    assert again.failed == 1
    row = (await DB.run_querystring(_row()))[0]
    assert row["attempts"] == 2 and row["next_attempt_at"] == AT + timedelta(minutes=3)

    start_server()
    too_early = await deliver_due(sender, AT + timedelta(minutes=2), base_url="https://dps.example")
    assert too_early.attempted == 0 and inbox.messages == []

    delivered = await deliver_due(sender, AT + timedelta(minutes=3), base_url="https://dps.example")
    assert delivered.sent == 1
    assert len(inbox.messages) == 1
    mail = inbox.messages[0]
    assert mail["To"] == "officer0@council.test" and mail["Subject"] == "Decision due 25 November 2026"
    assert "https://dps.example/applications/1" in mail.get_payload()
    row = (await DB.run_querystring(_row()))[0]
    assert row["status"] == "sent" and row["sent_at"] == AT + timedelta(minutes=3) and row["last_error"] is None

    nothing = await deliver_due(sender, AT + timedelta(hours=1))
    assert nothing.attempted == 0 and len(inbox.messages) == 1


async def test_two_workers_at_once_send_each_message_exactly_once(
    clean_database: str, smtp_port: int, inbox: Inbox, start_server: Any
) -> None:
    await _queue(30)
    start_server()
    sender = SmtpSender("127.0.0.1", smtp_port, "dps@council.test", timeout=5)

    first, second = await asyncio.gather(deliver_all_due(sender, AT), deliver_all_due(sender, AT))

    assert first.sent + second.sent == 30
    assert sorted(m["To"] for m in inbox.messages) == sorted(f"officer{n}@council.test" for n in range(30))
    assert await scalar("SELECT count(*) FROM outbound_emails WHERE status = 'sent'") == 30


@pytest.mark.parametrize(("attempts", "wait"), [(1, 1), (2, 2), (3, 4), (9, 256), (10, 360), (50, 360)])
def test_retries_back_off_exponentially_up_to_six_hours(attempts: int, wait: int) -> None:
    assert retry_delay(attempts) == timedelta(minutes=wait)


def test_the_govuk_notify_request_carries_the_template_personalisation_and_a_signed_token() -> None:
    import base64
    import hashlib
    import hmac
    import json

    service_id = "26785a09-ab16-4eb0-8407-a37497a57506"
    secret = "3d844edf-8d35-48ac-975b-e847b4f122b0"
    notify_sender = GovukNotifySender(f"dps_live-{service_id}-{secret}", "template-1", client=None)
    url, headers, body = notify_sender.request(
        OutgoingEmail(5, "officer@council.test", "Subject", "Body", "https://dps.example/a/1"), issued_at=1700000000
    )
    assert url == "https://api.notifications.service.gov.uk/v2/notifications/email"
    assert json.loads(body) == {
        "email_address": "officer@council.test",
        "template_id": "template-1",
        "reference": "dps-5",
        "personalisation": {"subject": "Subject", "body": "Body", "link": "https://dps.example/a/1"},
    }
    token = headers["Authorization"].removeprefix("Bearer ")
    header, claims, signature = token.split(".")
    assert json.loads(base64.urlsafe_b64decode(claims + "==")) == {"iss": service_id, "iat": 1700000000}
    expected = hmac.new(secret.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(signature + "==") == expected


def _row():  # type: ignore[no-untyped-def]
    from piccolo.querystring import QueryString

    return QueryString("SELECT * FROM outbound_emails ORDER BY id")
