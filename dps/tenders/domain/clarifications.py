"""Clarifications of a call-off: an invited provider's question before the deadline, and the
commissioner's answer, sent to every invited provider without saying who asked.

Equal treatment and transparency (PCR 2015 reg 18(1)): what one invited provider learns about the
requirement, every invited provider learns, at the same time, and nobody learns who asked.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from dps.core.codes import CommonCode
from dps.core.errors import Conflict
from dps.tenders.codes import TenderCode
from dps.tenders.domain.call_offs import CallOff


def require_questions_open(call_off: CallOff, at: datetime) -> None:
    """Questions are taken while offers are (`CallOff.taking_offers`): an answer after the
    deadline could no longer reach every offer in time (409 `deadline_passed`)."""
    if not call_off.taking_offers(at):
        raise Conflict("questions are taken only while offers are open", code=TenderCode.DEADLINE_PASSED)


@dataclass(frozen=True, slots=True)
class Clarification:
    id: int
    call_off_id: int
    provider_id: int  # who asked: shown to the council and to the asker only
    question: str
    asked_at: datetime
    answer: str | None
    answered_at: datetime | None

    def answered(self, text: str, at: datetime) -> Clarification:
        """Answer once (409 `already_answered`); the answer goes to every invited provider."""
        if self.answer is not None:
            raise Conflict("this question is already answered", code=CommonCode.ALREADY_ANSWERED)
        return replace(self, answer=text.strip(), answered_at=at)
