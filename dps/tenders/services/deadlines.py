"""What tenders does when the scheduler says a call-off's time has come (it only says when)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dps.core.context import Context
from dps.core.errors import NotFound
from dps.tenders import repository
from dps.tenders.domain.call_offs import CallOff
from dps.tenders.domain.deadlines import CallOffStep, call_off_step
from dps.tenders.services.award import conclude_call_off
from dps.tenders.services.call_offs import close_counting


@dataclass(frozen=True, slots=True)
class Outcome:
    """What `on_deadline` did: the step taken (None: nothing was due) and the call-off after it
    (None: there is no such call-off, so nothing is left to watch)."""

    step: CallOffStep | None
    call_off: CallOff | None
    offers_opened: int | None = None  # submitted offers opened, when the step left the call-off closed

    @property
    def next_check_at(self) -> datetime | None:
        """When the scheduler should look again: the deadline, the standstill's end, or never."""
        return self.call_off.next_check_at() if self.call_off is not None else None


async def on_deadline(ctx: Context, call_off_id: int, now: datetime) -> Outcome:
    """Close a published call-off at its deadline (its sealed offers open: PCR 2015 reg 34) or
    conclude an awarded one once its standstill has ended (Procurement Act 2023 s.51), as the
    system; nothing otherwise (nor for a call-off that does not exist)."""
    try:
        call_off = await repository.get_call_off(call_off_id)
    except NotFound:
        return Outcome(None, None)
    step = call_off_step(call_off, now)
    if step is CallOffStep.CLOSE:
        after, opened = await close_counting(ctx.as_system(), call_off_id)
        return Outcome(step, after, opened)
    if step is CallOffStep.CONCLUDE:
        return Outcome(step, await conclude_call_off(ctx.as_system(), call_off_id))
    return Outcome(None, call_off)
