"""Arrangements (DPS, flexible purchasing systems, dynamic markets, frameworks) and their lots."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from dps.accounts.domain import AgeRange
from dps.core.codes import CommonCode
from dps.core.errors import Conflict, IllegalTransition, RuleViolation
from dps.frameworks.codes import FrameworkCode


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


class ArrangementStep(StrEnum):
    """The verbs of an arrangement's life, each with the states it may be taken from (below)."""

    PUBLISH = "publish"
    CLOSE = "close"
    SUSPEND = "suspend"
    RESUME = "resume"
    EXPIRE = "expire"


_LIVE = frozenset({ArrangementStatus.OPEN, ArrangementStatus.SUSPENDED, ArrangementStatus.CLOSED})

# The arrangement's life, written once: each step, the states it is taken from, the state it leads to.
# - publish: a draft opens to applications; a DPS is then open to any operator meeting the
#   selection criteria throughout its period of validity (PCR 2015 reg 34);
# - close: an open arrangement stops taking new applications, members keep their places (a
#   flexible purchasing system or open framework between reopening windows; PA 2023 s.49);
# - suspend: an open arrangement pauses (e.g. while a challenge is resolved);
# - resume: a suspended or closed arrangement opens again (a reopening, PA 2023 s.49);
# - expire: a live arrangement ends with its term (PCR 2015 reg 34: the period of validity stated
#   in the call for competition; PA 2023 s.49: an open framework ends 8 years after the first award).
ARRANGEMENT_STEPS: dict[ArrangementStep, tuple[frozenset[ArrangementStatus], ArrangementStatus]] = {
    ArrangementStep.PUBLISH: (frozenset({ArrangementStatus.DRAFT}), ArrangementStatus.OPEN),
    ArrangementStep.CLOSE: (frozenset({ArrangementStatus.OPEN}), ArrangementStatus.CLOSED),
    ArrangementStep.SUSPEND: (frozenset({ArrangementStatus.OPEN}), ArrangementStatus.SUSPENDED),
    ArrangementStep.RESUME: (
        frozenset({ArrangementStatus.SUSPENDED, ArrangementStatus.CLOSED}),
        ArrangementStatus.OPEN,
    ),
    ArrangementStep.EXPIRE: (_LIVE, ArrangementStatus.EXPIRED),
}

# Every state's next states, derived from the steps (for readers that ask "where can it go").
ARRANGEMENT_TRANSITIONS: dict[ArrangementStatus, frozenset[ArrangementStatus]] = {
    status: frozenset(to for sources, to in ARRANGEMENT_STEPS.values() if status in sources)
    for status in ArrangementStatus
}

DEFAULT_MIN_EVALUATORS = 2
DEFAULT_QUALITY_THRESHOLD = Decimal("60.00")
DEFAULT_WINDOW_REMINDER_DAYS = 14


@dataclass(frozen=True, slots=True)
class ReopeningWindow:
    """A published period in which providers may apply (light touch, open frameworks)."""

    opens_at: datetime
    closes_at: datetime

    def __post_init__(self) -> None:
        if self.closes_at <= self.opens_at:
            raise RuleViolation("a window must close after it opens", code=FrameworkCode.INVALID_WINDOW)

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


class PublishingCheck(StrEnum):
    """What publishing checks: every lot has price bands, a questionnaire and compliance
    requirements exist; or the officer waived the check with a recorded reason (e.g. prices
    agreed after admission, due diligence done by the region)."""

    QUESTIONNAIRE = "questionnaire"
    COMPLIANCE_REQUIREMENTS = "compliance_requirements"
    PRICE_BANDS = "price_bands"


@dataclass(frozen=True, slots=True)
class Waiver:
    check: PublishingCheck
    reason: str
    at: datetime
    by_user_id: int | None


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
    questionnaire_version: int = 1  # the version new submissions are made under
    waivers: tuple[Waiver, ...] = ()  # publishing checks waived, each with its reason
    window_reminder_days: int = DEFAULT_WINDOW_REMINDER_DAYS  # remind this many days before a window opens

    def _step(self, step: ArrangementStep) -> Arrangement:
        sources, target = ARRANGEMENT_STEPS[step]
        if self.status not in sources:
            raise IllegalTransition("arrangement", self.status.value, target.value)
        return replace(self, status=target, version=self.version + 1)

    def publish(self) -> Arrangement:
        """Open a draft to applications (PCR 2015 reg 34); the service checks it is ready first."""
        return self._step(ArrangementStep.PUBLISH)

    def close(self) -> Arrangement:
        """Stop taking new applications; members keep their places."""
        return self._step(ArrangementStep.CLOSE)

    def suspend(self) -> Arrangement:
        """Pause an open arrangement (e.g. while a challenge is resolved)."""
        return self._step(ArrangementStep.SUSPEND)

    def resume(self) -> Arrangement:
        """Open a suspended or closed arrangement again (a reopening, PA 2023 s.49)."""
        return self._step(ArrangementStep.RESUME)

    def expire(self) -> Arrangement:
        """End a live arrangement with its term (PCR 2015 reg 34 period of validity; PA 2023 s.49)."""
        return self._step(ArrangementStep.EXPIRE)

    def is_member(self, authority_id: int) -> bool:
        """The lead authority counts as a member of its own arrangement."""
        return authority_id == self.lead_authority_id or authority_id in self.member_authority_ids

    def extend_term(self, new_end: date, reason: str, at: datetime) -> Arrangement:
        """Move the end of the term, keeping the previous value and the reason."""
        if not reason.strip():
            raise RuleViolation("say why the term is extended", code=FrameworkCode.EXTENSION_REASON_REQUIRED)
        if new_end <= self.term_end:
            raise RuleViolation("an extension must move the end later", code=FrameworkCode.EXTENSION_NOT_LATER)
        record = TermExtension(previous_end=self.term_end, new_end=new_end, reason=reason.strip(), at=at)
        return replace(self, term_end=new_end, extensions=(*self.extensions, record), version=self.version + 1)

    def window_at(self, at: datetime) -> ReopeningWindow | None:
        return next((w for w in self.windows if w.contains(at)), None)

    def waive(self, check: PublishingCheck, reason: str, at: datetime, by_user_id: int | None) -> Arrangement:
        """Record that a publishing check is waived, with its reason (a draft only)."""
        if self.status is not ArrangementStatus.DRAFT:
            raise Conflict("publishing checks are waived before publishing", code=FrameworkCode.ALREADY_PUBLISHED)
        if not reason.strip():
            raise RuleViolation("say why the check is waived", code=FrameworkCode.WAIVER_REASON_REQUIRED)
        kept = tuple(w for w in self.waivers if w.check is not check)
        waiver = Waiver(check, reason.strip(), at, by_user_id)
        # The version (the ETag of the arrangement's own fields) stays: a waiver is written under
        # the row lock and touches none of the fields a PATCH sends, so no update can be lost.
        return replace(self, waivers=(*kept, waiver))

    def waived(self, check: PublishingCheck) -> bool:
        return any(w.check is check for w in self.waivers)

    def new_questionnaire_version(self) -> Arrangement:
        """The next questionnaire version: applications submitted from now on are made under it."""
        return replace(self, questionnaire_version=self.questionnaire_version + 1, version=self.version + 1)


def check_term(start: date, end: date) -> None:
    if end <= start:
        raise RuleViolation("the term must end after it starts", code=FrameworkCode.INVALID_TERM)


def check_windows_do_not_overlap(windows: tuple[ReopeningWindow, ...]) -> None:
    ordered = sorted(windows, key=lambda w: w.opens_at)
    for earlier, later in pairwise(ordered):
        if later.opens_at < earlier.closes_at:
            raise RuleViolation("reopening windows overlap", code=FrameworkCode.WINDOWS_OVERLAP)


def check_questionnaire_editable(arrangement: Arrangement, submitted_under_current: bool) -> None:
    """Once an application has been submitted under the current questionnaire version, its
    questions, weights and pass marks are fixed: the award criteria and their weighting are those
    published and applied to every applicant alike (PCR 2015 reg 18(1) and 67(5); Procurement Act
    2023 s.12). A change needs a new version, which applies to applications submitted after it."""
    if submitted_under_current:
        raise Conflict(
            f"applications were submitted under questionnaire version {arrangement.questionnaire_version}: its "
            "questions, weights and pass marks are fixed; start a new questionnaire version to change them",
            code=FrameworkCode.CONDITIONS_LOCKED,
            questionnaire_version=arrangement.questionnaire_version,
        )


def check_conditions_editable(arrangement: Arrangement, locked_when_open: bool) -> None:
    """Under a dynamic market the conditions for membership cannot change once it is open
    (Procurement Act 2023 s.36): questions, requirements and lots are frozen."""
    if locked_when_open and arrangement.status is not ArrangementStatus.DRAFT:
        raise Conflict(
            "the conditions for membership of this dynamic market cannot change once it is open",
            code=FrameworkCode.CONDITIONS_LOCKED,
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
    quality_threshold: Decimal | None = None  # this lot's pass mark; None: the arrangement's
    withdrawn_at: datetime | None = None  # withdrawn once open: kept, no longer offered
    withdrawn_reason: str | None = None

    def threshold(self, arrangement_threshold: Decimal) -> Decimal:
        """The pass mark this lot's applications are decided against."""
        return arrangement_threshold if self.quality_threshold is None else self.quality_threshold

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def withdraw(self, reason: str, at: datetime) -> Lot:
        """Withdraw a lot of a published arrangement: kept for the record (memberships, decisions
        and placements refer to it) but no longer offered to applicants."""
        if self.withdrawn:
            raise Conflict("the lot is already withdrawn", code=FrameworkCode.ALREADY_WITHDRAWN)
        if not reason.strip():
            raise RuleViolation("say why the lot is withdrawn", code=CommonCode.REASON_REQUIRED)
        return replace(self, withdrawn_at=at, withdrawn_reason=reason.strip())


@dataclass(frozen=True, slots=True)
class Readiness:
    """What a draft has for publishing, as counted by the packages that own each part."""

    lots: tuple[Lot, ...]
    lots_with_price_bands: frozenset[int]
    questions: int
    requirements: int


def publishing_gaps(arrangement: Arrangement, readiness: Readiness) -> list[dict[str, object]]:
    """What publishing still lacks, each check not waived: a lot without price bands (a provider
    cannot price a rate card against it, nor a council check a fee), no questionnaire, no
    compliance requirements. The published conditions must be complete (PCR 2015 reg 34(4):
    the procurement documents state the nature and estimated quantity of the purchases, the
    categories and their characteristics; the selection criteria are published in advance)."""
    gaps: list[dict[str, object]] = []
    offered = [lot for lot in readiness.lots if not lot.withdrawn]
    unpriced = [lot for lot in offered if lot.id not in readiness.lots_with_price_bands]
    if unpriced and not arrangement.waived(PublishingCheck.PRICE_BANDS):
        gaps.append(
            {
                "check": PublishingCheck.PRICE_BANDS.value,
                "detail": "lots without price bands: " + ", ".join(lot.code for lot in unpriced),
                "lot_ids": [lot.id for lot in unpriced],
            }
        )
    if readiness.questions == 0 and not arrangement.waived(PublishingCheck.QUESTIONNAIRE):
        gaps.append({"check": PublishingCheck.QUESTIONNAIRE.value, "detail": "the questionnaire has no questions"})
    if readiness.requirements == 0 and not arrangement.waived(PublishingCheck.COMPLIANCE_REQUIREMENTS):
        gaps.append(
            {"check": PublishingCheck.COMPLIANCE_REQUIREMENTS.value, "detail": "no compliance requirements are set"}
        )
    return gaps


def check_lot_bands(age_bands: tuple[AgeBand, ...], need_levels: tuple[str, ...]) -> None:
    """Labels and need levels unique; age bands must not overlap, or a child of an age in both
    would match two price bands of the same lot (ages are whole years, both ends inclusive)."""
    labels = [b.label for b in age_bands]
    if len(set(labels)) != len(labels):
        raise RuleViolation("age band labels must be unique within a lot", code=FrameworkCode.DUPLICATE_AGE_BAND)
    if len(set(need_levels)) != len(need_levels):
        raise RuleViolation("need levels must be unique within a lot", code=FrameworkCode.DUPLICATE_NEED_LEVEL)
    ordered = sorted(age_bands, key=lambda b: (b.min_age, b.max_age))
    for earlier, later in pairwise(ordered):
        if later.min_age <= earlier.max_age:
            raise RuleViolation(
                f"age bands {earlier.label} ({earlier.min_age}-{earlier.max_age}) and {later.label} "
                f"({later.min_age}-{later.max_age}) overlap: a child aged {later.min_age} would be in both",
                code=FrameworkCode.AGE_BANDS_OVERLAP,
                age_bands=[earlier.label, later.label],
            )


def unreachable_lots(
    lots: Sequence[Lot], arrangement_threshold: Decimal, scored_lots: frozenset[int], threshold_applies: bool
) -> list[Lot]:
    """Lots whose pass mark can never be met: the questionnaire has scored questions (so the
    threshold applies) but none applies to the lot, whose total is therefore always 0.00, while
    its pass mark is above 0. Give the lot a scored question, or a pass mark of 0 to admit on its
    gateways alone."""
    if not threshold_applies:
        return []
    return [
        lot
        for lot in lots
        if not lot.withdrawn and lot.id not in scored_lots and lot.threshold(arrangement_threshold) > 0
    ]
