"""Email delivery from the outbox (`outbound_emails`, filled by `dps.core.notifications.notify`).

`deliver_due()` claims queued messages whose time has come with `FOR UPDATE SKIP LOCKED`, so two
workers never send the same email, hands each to an `EmailSender`, and only after the server has
accepted it marks it `sent`. A failure (server down, refused, timed out, rejected) keeps the
message queued with `attempts`, `last_error` and a `next_attempt_at` that backs off
exponentially (1, 2, 4 ... minutes, at most 6 hours between attempts); messages are never
dropped. With no DPS_SMTP_HOST there is no sender and messages simply stay queued.

Delivery is at-least-once: if the process dies after the server accepted a message but before
the `sent` mark commits, that one message is sent again on the next pass.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any, Protocol

import aiosmtplib
from piccolo.querystring import QueryString

from dps.core.db import DB
from dps.core.settings import Settings

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=6)
DEFAULT_BATCH = 50


@dataclass(frozen=True, slots=True)
class OutgoingEmail:
    id: int
    recipient: str
    subject: str
    body: str
    link_url: str


class DeliveryFailed(Exception):
    """The email service did not accept the message; it stays queued."""


# What a failed attempt can raise: SMTP replies and refusals, network errors, timeouts.
RETRYABLE = (aiosmtplib.SMTPException, OSError, TimeoutError, DeliveryFailed)


class EmailSender(Protocol):
    """Sends one message; returns once the service accepted it, raises otherwise."""

    async def send(self, message: OutgoingEmail) -> None: ...


class SmtpSender:
    """Plain SMTP through aiosmtplib (STARTTLS when the server offers it)."""

    def __init__(self, host: str, port: int, sender: str, *, timeout: float = 10.0) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.timeout = timeout

    async def send(self, message: OutgoingEmail) -> None:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.recipient
        mail["Subject"] = message.subject
        mail["Message-ID"] = f"<dps-{message.id}@{self.sender.rpartition('@')[2] or 'dps'}>"
        mail.set_content(f"{message.body}\n\n{message.link_url}\n" if message.link_url else message.body)
        await aiosmtplib.send(mail, hostname=self.host, port=self.port, timeout=self.timeout)


class GovukNotifySender:
    """GOV.UK Notify's email API behind the same interface (POST /v2/notifications/email with a
    template whose personalisation fields are `subject`, `body` and `link`).

    The HTTP client is injected (anything with an async `post(url, headers=, content=)`
    returning an object with `status_code` and `text`), so tests never reach the internet.
    Notify authenticates with a JWT signed HS256 by the secret part of the API key."""

    BASE_URL = "https://api.notifications.service.gov.uk"

    def __init__(self, api_key: str, template_id: str, client: Any) -> None:
        # An API key is "<name>-<service id: uuid>-<secret: uuid>".
        self.service_id = api_key[-73:-37]
        self.secret = api_key[-36:]
        self.template_id = template_id
        self.client = client

    def token(self, issued_at: int) -> str:
        import base64
        import hashlib
        import hmac

        def b64(raw: bytes) -> str:
            return base64.urlsafe_b64encode(raw).decode().rstrip("=")

        header = b64(json.dumps({"typ": "JWT", "alg": "HS256"}, separators=(",", ":")).encode())
        claims = b64(json.dumps({"iss": self.service_id, "iat": issued_at}, separators=(",", ":")).encode())
        signature = hmac.new(self.secret.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
        return f"{header}.{claims}.{b64(signature)}"

    def request(self, message: OutgoingEmail, issued_at: int) -> tuple[str, dict[str, str], bytes]:
        """The URL, headers and body of the request that sends `message`."""
        body = {
            "email_address": message.recipient,
            "template_id": self.template_id,
            "reference": f"dps-{message.id}",
            "personalisation": {"subject": message.subject, "body": message.body, "link": message.link_url},
        }
        headers = {"Authorization": f"Bearer {self.token(issued_at)}", "Content-Type": "application/json"}
        return f"{self.BASE_URL}/v2/notifications/email", headers, json.dumps(body).encode()

    async def send(self, message: OutgoingEmail) -> None:
        url, headers, content = self.request(message, int(time.time()))
        response = await self.client.post(url, headers=headers, content=content)
        if response.status_code != 201:
            raise DeliveryFailed(f"GOV.UK Notify refused the message: {response.status_code} {response.text[:200]}")


def sender_from_settings(settings: Settings) -> EmailSender | None:
    """SMTP when DPS_SMTP_HOST is set; otherwise None, and emails stay queued."""
    if not settings.smtp_host:
        return None
    return SmtpSender(settings.smtp_host, settings.smtp_port, settings.smtp_sender)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: 1 min, doubling, capped at 6 h."""
    if attempts < 1:
        return FIRST_RETRY
    return min(FIRST_RETRY * (2 ** min(attempts - 1, 20)), MAX_RETRY)


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    sent: int
    failed: int

    @property
    def attempted(self) -> int:
        return self.sent + self.failed


_CLAIM_SQL = """
SELECT id, recipient, subject, body, link_path, attempts FROM outbound_emails
WHERE status = 'queued' AND next_attempt_at <= {}
ORDER BY next_attempt_at, id
LIMIT {}
FOR UPDATE SKIP LOCKED
"""


async def deliver_due(
    sender: EmailSender, now: datetime, *, base_url: str = "", batch_size: int = DEFAULT_BATCH
) -> DeliveryResult:
    """One delivery pass over at most `batch_size` due messages (see the module docstring)."""
    sent = failed = 0
    async with DB.transaction():
        rows = await DB.run_querystring(QueryString(_CLAIM_SQL, now, batch_size))
        for row in rows:
            link = f"{base_url.rstrip('/')}{row['link_path']}" if row["link_path"] else ""
            message = OutgoingEmail(row["id"], row["recipient"], row["subject"], row["body"], link)
            attempts = row["attempts"] + 1
            try:
                await sender.send(message)
            except RETRYABLE as error:  # the message stays queued for a later attempt
                failed += 1
                log.warning(
                    "email %s to %s not delivered (attempt %s): %s", row["id"], row["recipient"], attempts, error
                )
                await DB.run_querystring(
                    QueryString(
                        "UPDATE outbound_emails SET attempts = {}, next_attempt_at = {}, last_error = {} WHERE id = {}",
                        attempts,
                        now + retry_delay(attempts),
                        f"{type(error).__name__}: {error}"[:2000],
                        row["id"],
                    )
                )
                continue
            sent += 1
            await DB.run_querystring(
                QueryString(
                    "UPDATE outbound_emails SET status = 'sent', attempts = {}, sent_at = {}, last_error = NULL "
                    "WHERE id = {}",
                    attempts,
                    now,
                    row["id"],
                )
            )
    return DeliveryResult(sent=sent, failed=failed)


async def deliver_all_due(sender: EmailSender, now: datetime, *, base_url: str = "") -> DeliveryResult:
    """Delivery passes until nothing due is left that this pass has not tried."""
    total_sent = total_failed = 0
    while True:
        result = await deliver_due(sender, now, base_url=base_url)
        total_sent += result.sent
        total_failed += result.failed
        # Failed messages move to the future, so every pass makes progress; a short pass is the last.
        if result.attempted < DEFAULT_BATCH:
            return DeliveryResult(sent=total_sent, failed=total_failed)
