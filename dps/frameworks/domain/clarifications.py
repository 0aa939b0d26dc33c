"""Clarifications: a provider's question about an arrangement, and the officer's answer.

Equal treatment and transparency (PCR 2015 reg 18(1); Procurement Act 2023 s.12) mean that an
answer that helps one applicant is published to all, with the asker's identity removed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from dps.core.codes import CommonCode
from dps.core.errors import Conflict, RuleViolation
from dps.frameworks.codes import FrameworkCode


@dataclass(frozen=True, slots=True)
class Clarification:
    id: int
    arrangement_id: int
    provider_id: int
    question_text: str
    asked_at: datetime
    answer_text: str | None
    answered_at: datetime | None
    published: bool
    published_question: str | None  # the question as published, anonymised by the officer

    def answer(self, text: str, at: datetime, *, publish: bool, published_question: str | None) -> Clarification:
        """Answer once, privately or published to every applicant with the question anonymised."""
        if self.answer_text is not None:
            raise Conflict("this clarification is already answered", code=CommonCode.ALREADY_ANSWERED)
        if not text.strip():
            raise RuleViolation("write the answer", code=FrameworkCode.ANSWER_REQUIRED)
        if publish and not (published_question or "").strip():
            # The officer rewrites the question without names or details that identify the asker.
            raise RuleViolation(
                "give the question as it will be published, without anything identifying the provider",
                code=FrameworkCode.PUBLISHED_QUESTION_REQUIRED,
            )
        return replace(
            self,
            answer_text=text.strip(),
            answered_at=at,
            published=publish,
            published_question=(published_question or "").strip() or None if publish else None,
        )

    def as_seen_by_other_applicants(self) -> Clarification:
        """What another applicant sees: the anonymised question and the answer, no provider id."""
        return replace(self, provider_id=0, question_text=self.published_question or "")
