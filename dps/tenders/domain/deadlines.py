"""What falls due for a call-off at a given time: the step the scheduler asks tenders to take."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from dps.tenders.domain.call_offs import CallOff


class CallOffStep(StrEnum):
    CLOSE = "close"
    CONCLUDE = "conclude"


def call_off_step(call_off: CallOff, now: datetime) -> CallOffStep | None:
    """What the scheduler does for a call-off at `now`.

    - Published and the deadline has come: close it, which opens the sealed offers (PCR 2015
      reg 34 with the DPS's time limit for tenders; offers are opened at the deadline, never
      before: `dps.tenders.domain.call_offs.offers_open`).
    - Awarded and the standstill has ended: conclude it, which records the placement (Procurement
      Act 2023 s.51: the contract may be entered into once the 8 working days' standstill has
      ended; where the profile has no standstill the award concludes at once)."""
    if call_off.due_to_close(now):
        return CallOffStep.CLOSE
    if call_off.due_to_conclude(now):
        return CallOffStep.CONCLUDE
    return None
