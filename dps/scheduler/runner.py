"""Running the scheduler: one pass (`run_once`), and the APScheduler job in the app or standalone.

A pass is one sweep of due deadline checks followed by one delivery pass of the email outbox
(skipped when no DPS_SMTP_HOST is set: emails stay queued). `AsyncIOScheduler` runs a pass every
DPS_SCHEDULER_INTERVAL_SECONDS (default 60); `max_instances=1` and `coalesce` keep one pass at a
time in a process, and the sweep's advisory lock keeps one at a time across processes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from dps.contracts.public import convert_pending_pdfs
from dps.core.context import Context
from dps.core.email import DeliveryResult, EmailSender, deliver_all_due, sender_from_settings
from dps.scheduler.domain_actions import PassActions
from dps.scheduler.engine import SweepResult, sweep

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PassReport:
    sweep: SweepResult
    delivery: DeliveryResult | None  # None: no email sender configured
    pdfs: int = 0  # PDF copies made after the sweep

    @property
    def actions(self) -> PassActions:
        """What the pass did, per action (the sweep's, and the PDF copies made after it)."""
        return replace(self.sweep.actions, pdfs=self.pdfs)

    def describe(self) -> str:
        """E.g. "checked 14 deadline(s) in 1 batch(es): 3 reminders (to 5 people), 1 suspension,
        0 reinstatements, 0 expiries, 1 closing, 1 conclusion, 1 document, 0 PDF copies; ..."."""
        if self.sweep.skipped:
            swept = f"sweep skipped: another scheduler holds the lock; {self.actions.describe()}"
        else:
            swept = f"checked {self.sweep.checked} deadline(s) in {self.sweep.batches} batch(es)"
            if self.sweep.unknown:
                swept += f", {self.sweep.unknown} of an unknown type"
            swept += f": {self.actions.describe()}"
        if self.delivery is None:
            sent = "email delivery off (no DPS_SMTP_HOST): messages stay queued"
        else:
            sent = f"emails sent {self.delivery.sent}, failed {self.delivery.failed} (will retry)"
        return f"{swept}; {sent}"


async def run_once(ctx: Context, *, sender: EmailSender | None = None) -> PassReport:
    """One sweep, then one delivery pass with `sender` (default: from the settings)."""
    swept = await sweep(ctx)
    # PDF copies of documents the sweep generated (and any left pending), outside its transaction.
    pdfs = await convert_pending_pdfs(ctx)
    sender = sender or sender_from_settings(ctx.settings)
    delivery = None
    if sender is not None:
        delivery = await deliver_all_due(sender, ctx.clock.now(), base_url=ctx.settings.public_base_url)
    return PassReport(sweep=swept, delivery=delivery, pdfs=pdfs)


async def _job(ctx: Context) -> None:
    report = await run_once(ctx)
    if report.sweep.checked or (report.delivery and report.delivery.attempted):
        log.info("scheduler pass: %s", report.describe())


def build_scheduler(ctx: Context) -> AsyncIOScheduler:
    """An AsyncIOScheduler running a pass every `scheduler_interval_seconds` (not started)."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(
        _job,
        "interval",
        seconds=ctx.settings.scheduler_interval_seconds,
        args=[ctx],
        id="dps-scheduler-pass",
        max_instances=1,
        coalesce=True,
    )
    return scheduler
