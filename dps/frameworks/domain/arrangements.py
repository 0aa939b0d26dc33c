"""Arrangements (DPS, flexible purchasing systems, dynamic markets, frameworks) and their lots."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from dps.accounts.domain import AgeRange
from dps.core.errors import Conflict, IllegalTransition, RuleViolation


class ServiceType(StrEnum):
    FOSTERING = "fostering"
    RESIDENTIAL = "residential"
    SUPPORTED_ACCOMMODATION = "supported_accommodation"
    SEND = "send"


class ArrangementStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    EXPIRED = "expired"
    SUSPENDED = "suspended"


# The arrangement's life: drafted, opened (published), suspended and resumed, closed to new
# applications, and finally expired at the end of its term.
ARRANGEMENT_TRANSITIONS: dict[ArrangementStatus, frozenset[ArrangementStatus]] = {
    ArrangementStatus.DRAFT: frozenset({ArrangementStatus.OPEN}),
    ArrangementStatus.OPEN: frozenset(
        {ArrangementStatus.CLOSED, ArrangementStatus.SUSPENDED, ArrangementStatus.EXPIRED}
    ),
    ArrangementStatus.SUSPENDED: frozenset({ArrangementStatus.OPEN, ArrangementStatus.EXPIRED}),
    ArrangementStatus.CLOSED: frozenset({ArrangementStatus.OPEN, ArrangementStatus.EXPIRED}),
    ArrangementStatus.EXPIRED: frozenset(),
}

DEFAULT_MIN_EVALUATORS = 2
DEFAULT_QUALITY_THRESHOLD = Decimal("60.00")


@dataclass(frozen=True, slots=True)
class ReopeningWindow:
    """A published period in which providers may apply (light touch, open frameworks)."""

    opens_at: datetime
    closes_at: datetime

    def __post_init__(self) -> None:
        if self.closes_at <= self.opens_at:
            raise RuleViolation("a window must close after it opens", code="invalid_window")

    def contains(self, at: datetime) -> bool:
        """Open from `opens_at` to `closes_at` inclusive: a window published as closing at 17:00
        still takes a submission stamped 17:00:00, and refuses 17:00:01."""
        return self.opens_at <= at <= self.closes_at


@dataclass(frozen=True, slots=True)
class TermExtension:
    previous_end: date
    new_end: date
    reason: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Arrangement:
    id: int
    reference: str
    title: str
    service_type: ServiceType
    profile_code: str
    lead_authority_id: int
    member_authority_ids: frozenset[int]
    term_start: date
    term_end: date
    status: ArrangementStatus
    quality_threshold: Decimal
    min_evaluators: int
    decision_period_days: int | None  # overrides the profile's period where it is configurable
    windows: tuple[ReopeningWindow, ...]
    extensions: tuple[TermExtension, ...]
    version: int

    def move_to(self, target: ArrangementStatus) -> Arrangement:
        """The arrangement in `target`, if its life allows that step."""
        if target not in ARRANGEMENT_TRANSITIONS[self.status]:
            raise IllegalTransition("arrangement", self.status.value, target.value)
        return replace(self, status=target, version=self.version + 1)

    def is_member(self, authority_id: int) -> bool:
        """The lead authority counts as a member of its own arrangement."""
        return authority_id == self.lead_authority_id or authority_id in self.member_authority_ids

    def extend_term(self, new_end: date, reason: str, at: datetime) -> Arrangement:
        """Move the end of the term, keeping the previous value and the reason."""
        if not reason.strip():
            raise RuleViolation("say why the term is extended", code="extension_reason_required")
        if new_end <= self.term_end:
            raise RuleViolation("an extension must move the end later", code="extension_not_later")
        record = TermExtension(previous_end=self.term_end, new_end=new_end, reason=reason.strip(), at=at)
        return replace(self, term_end=new_end, extensions=(*self.extensions, record), version=self.version + 1)

    def window_at(self, at: datetime) -> ReopeningWindow | None:
        return next((w for w in self.windows if w.contains(at)), None)


def check_term(start: date, end: date) -> None:
    if end <= start:
        raise RuleViolation("the term must end after it starts", code="invalid_term")


def check_windows_do_not_overlap(windows: tuple[ReopeningWindow, ...]) -> None:
    ordered = sorted(windows, key=lambda w: w.opens_at)
    for earlier, later in pairwise(ordered):
        if later.opens_at < earlier.closes_at:
            raise RuleViolation("reopening windows overlap", code="windows_overlap")


def check_conditions_editable(arrangement: Arrangement, locked_when_open: bool) -> None:
    """Under a dynamic market the conditions for membership cannot change once it is open
    (Procurement Act 2023 s.36): questions, requirements and lots are frozen."""
    if locked_when_open and arrangement.status is not ArrangementStatus.DRAFT:
        raise Conflict(
            "the conditions for membership of this dynamic market cannot change once it is open",
            code="conditions_locked",
        )


# --- lots ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgeBand:
    label: str
    min_age: int
    max_age: int

    def __post_init__(self) -> None:
        AgeRange(self.min_age, self.max_age)  # the same 0-25 rule as a setting's ages


@dataclass(frozen=True, slots=True)
class Lot:
    """A category inside an arrangement (PCR 2015 'category', Procurement Act 2023 'part')."""

    id: int
    arrangement_id: int
    code: str
    title: str
    description: str
    age_bands: tuple[AgeBand, ...]
    need_levels: tuple[str, ...]
    areas: tuple[str, ...]  # ONS codes of the authorities' areas served; empty = the whole region


def check_lot_bands(age_bands: tuple[AgeBand, ...], need_levels: tuple[str, ...]) -> None:
    labels = [b.label for b in age_bands]
    if len(set(labels)) != len(labels):
        raise RuleViolation("age band labels must be unique within a lot", code="duplicate_age_band")
    if len(set(need_levels)) != len(need_levels):
        raise RuleViolation("need levels must be unique within a lot", code="duplicate_need_level")
