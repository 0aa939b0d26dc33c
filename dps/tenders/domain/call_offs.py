"""Call-offs (placement requests): the anonymised child, the criteria, the deadline and the life
of a competition from draft to concluded.

A call-off under a DPS goes to every eligible member of the lot at the same moment (PCR 2015
reg 34: every admitted participant of the category is invited to tender for each specific
contract) and offers stay sealed until the time limit for receipt has passed. Nothing here
imports a framework; services pass the clock's time in as `at`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum

from dps.accounts.domain import MAX_AGE_SERVED, Need, OfstedGrade, SettingType
from dps.core.calendar import WorkingDays
from dps.core.codes import CommonCode
from dps.core.dates import UK_TIME
from dps.core.errors import Conflict, IllegalTransition, InvalidInput, RuleViolation
from dps.core.evaluation import Criterion, CriterionKind, check_proximity_band
from dps.core.geo import normalise_district, normalise_postcode
from dps.tenders.codes import TenderCode

HUNDRED = Decimal(100)


class CallOffStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"
    EVALUATED = "evaluated"
    AWARDED = "awarded"
    CONCLUDED = "concluded"
    NO_AWARD = "no_award"
    CANCELLED = "cancelled"


# The competition's life. A call-off may be cancelled (with its reason) at any point before it
# concludes; once offers are open it may also end without an award (no suitable offer).
CALL_OFF_TRANSITIONS: dict[CallOffStatus, frozenset[CallOffStatus]] = {
    CallOffStatus.DRAFT: frozenset({CallOffStatus.PUBLISHED, CallOffStatus.CANCELLED}),
    CallOffStatus.PUBLISHED: frozenset({CallOffStatus.CLOSED, CallOffStatus.CANCELLED}),
    CallOffStatus.CLOSED: frozenset({CallOffStatus.EVALUATED, CallOffStatus.NO_AWARD, CallOffStatus.CANCELLED}),
    # Back to closed: an officer reopens the evaluation before the award, with a recorded reason.
    CallOffStatus.EVALUATED: frozenset(
        {CallOffStatus.AWARDED, CallOffStatus.NO_AWARD, CallOffStatus.CANCELLED, CallOffStatus.CLOSED}
    ),
    CallOffStatus.AWARDED: frozenset({CallOffStatus.CONCLUDED, CallOffStatus.CANCELLED}),
    CallOffStatus.CONCLUDED: frozenset(),
    CallOffStatus.NO_AWARD: frozenset(),
    CallOffStatus.CANCELLED: frozenset(),
}


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    NOT_STATED = "not_stated"


class PlacementType(StrEnum):
    EMERGENCY = "emergency"
    SHORT_TERM = "short_term"
    LONG_TERM = "long_term"
    SHORT_BREAK = "short_break"
    REMAND = "remand"


class NeedPriority(StrEnum):
    """How a commissioner marks each of the child's needs."""

    ESSENTIAL = "essential"  # a filter: only settings meeting it are invited (the eligibility function)
    PREFERRED = "preferred"  # scored as a quality criterion (`preferred_needs_criterion`)


# --- the anonymised child ----------------------------------------------------------------------


def home_district(raw: str) -> str:
    """The child's home postcode district (outward code) only.

    A full postcode can identify a household, and a call-off goes to every member of the lot, so
    it is refused outright rather than cut down: what is never stored can never leak (UK GDPR
    art. 5(1)(c), data minimisation; the information sharing protocol shares no more than needed).
    """
    try:
        normalise_postcode(raw)
    except InvalidInput:
        return normalise_district(raw)
    raise RuleViolation(
        "give the postcode district only (e.g. 'M5'), never the child's full postcode",
        code=TenderCode.FULL_POSTCODE_NOT_ALLOWED,
        field="home_district",
    )


@dataclass(frozen=True, slots=True)
class ChildProfile:
    """What providers are told about the child: no name, no date of birth, no full postcode."""

    age: int
    sex: Sex
    needs: frozenset[Need]  # essential: a setting must meet every one to be invited
    need_level: str | None  # one of the lot's need levels: the price band the fee is checked against
    home_district: str
    education_needs: str
    risks: str
    placement_type: PlacementType
    siblings: int  # brothers and sisters to be placed together with the child (0: none)
    parent_and_child: bool
    start_date: date
    expected_duration_weeks: int | None
    # Preferred: not a filter; how many of them a setting meets is scored as a quality criterion.
    preferred_needs: frozenset[Need] = frozenset()

    def __post_init__(self) -> None:
        both = self.needs & self.preferred_needs
        if both:
            raise RuleViolation(
                f"a need is either essential or preferred, not both: {', '.join(sorted(both))}",
                code=TenderCode.NEED_BOTH_ESSENTIAL_AND_PREFERRED,
                field="needs",
            )
        if not 0 <= self.age <= MAX_AGE_SERVED:
            raise RuleViolation(f"age runs from 0 to {MAX_AGE_SERVED}", code=TenderCode.INVALID_AGE, field="age")
        if self.siblings < 0:
            raise RuleViolation("siblings cannot be negative", code=TenderCode.INVALID_SIBLINGS, field="siblings")
        if self.expected_duration_weeks is not None and self.expected_duration_weeks < 1:
            raise RuleViolation("a duration is at least one week", code=TenderCode.INVALID_DURATION)


# --- criteria ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QualityQuestion:
    """A question providers answer in their offer; evaluators mark it (a gateway or scored)."""

    id: int  # 1..n within the call-off
    text: str
    kind: CriterionKind
    max_score: int
    weight: Decimal

    def criterion(self) -> Criterion:
        return Criterion(self.id, self.kind, self.max_score, self.weight)


@dataclass(frozen=True, slots=True)
class Criteria:
    """Published with the call-off and fixed once it is published (PCR 2015 reg 67(5): the relative
    weighting of each award criterion is stated in the procurement documents).

    The three weights add up to 100: the quality share, the price score and the proximity score
    are each out of their weight, so a total is out of 100.
    """

    min_grade: OfstedGrade | None
    setting_types: tuple[SettingType, ...]
    questions: tuple[QualityQuestion, ...]
    quality_weight: Decimal
    price_weight: Decimal
    proximity_weight: Decimal
    full_marks_within_miles: Decimal = Decimal(5)
    zero_beyond_miles: Decimal = Decimal(50)
    min_evaluators: int | None = None  # more than the profile's minimum panel (`domain.panel`)
    # The relative weight, among the quality questions' weights, of the share of the child's
    # preferred needs a setting meets (`preferred_needs_criterion`); 0 without preferred needs.
    preferred_needs_weight: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if self.min_evaluators is not None and self.min_evaluators < 1:
            raise RuleViolation("a panel has at least one evaluator", code=TenderCode.INVALID_MIN_EVALUATORS)
        weights = (self.quality_weight, self.price_weight, self.proximity_weight)
        if any(not w.is_finite() or w < 0 for w in weights) or sum(weights) != HUNDRED:
            raise RuleViolation(
                "the quality, price and proximity weights are 0 or more and add up to 100",
                code=TenderCode.INVALID_WEIGHTS,
            )
        for question in self.questions:
            question.criterion()  # the shared rule: scored needs max_score and weight, gateways neither
        if not self.preferred_needs_weight.is_finite() or self.preferred_needs_weight < 0:
            raise RuleViolation("the preferred needs' weight is 0 or more", code=TenderCode.INVALID_WEIGHTS)
        scored: list[object] = [q for q in self.questions if q.kind is CriterionKind.SCORED]
        if self.preferred_needs_weight > 0:
            scored.append(self.preferred_needs_weight)
        if self.quality_weight > 0 and not scored:
            raise RuleViolation(
                "a quality weight needs at least one scored question (or preferred needs with a weight)",
                code=TenderCode.QUALITY_WITHOUT_QUESTIONS,
            )
        if self.quality_weight == 0 and scored:
            raise RuleViolation(
                "scored questions need a quality weight above 0", code=TenderCode.QUESTIONS_WITHOUT_WEIGHT
            )
        check_proximity_band(self.full_marks_within_miles, self.zero_beyond_miles)
        if [q.id for q in self.questions] != list(range(1, len(self.questions) + 1)):
            raise RuleViolation("questions are numbered 1..n", code=TenderCode.INVALID_QUESTION_IDS)

    def criteria(self) -> list[Criterion]:
        """The questions evaluators mark (the preferred needs are scored from facts, not marked)."""
        return [q.criterion() for q in self.questions]


# Questions are numbered 1..n; the preferred needs take criterion 0.
PREFERRED_NEEDS_CRITERION = 0


def preferred_needs_criterion(criteria: Criteria, preferred: int) -> Criterion | None:
    """The preferred needs as one scored quality criterion: a setting meeting m of the child's p
    preferred needs scores m out of p, weighted `preferred_needs_weight` beside the questions. None
    when the call-off has no preferred needs."""
    if preferred == 0 or criteria.preferred_needs_weight == 0:
        return None
    return Criterion(PREFERRED_NEEDS_CRITERION, CriterionKind.SCORED, preferred, criteria.preferred_needs_weight)


def check_preferred_needs(child: ChildProfile, criteria: Criteria) -> None:
    """Preferred needs count only with a weight, and a weight only with preferred needs (PCR 2015
    reg 67(5): every award criterion and its weighting is stated in the call-off)."""
    if child.preferred_needs and criteria.preferred_needs_weight == 0:
        raise RuleViolation(
            "preferred needs are scored as quality: give them a preferred_needs_weight above 0",
            code=TenderCode.PREFERRED_NEEDS_WITHOUT_WEIGHT,
            field="criteria.preferred_needs_weight",
        )
    if not child.preferred_needs and criteria.preferred_needs_weight > 0:
        raise RuleViolation(
            "a preferred_needs_weight needs at least one need marked preferred",
            code=TenderCode.WEIGHT_WITHOUT_PREFERRED_NEEDS,
            field="criteria.preferred_needs_weight",
        )


# --- deadlines -------------------------------------------------------------------------------


# Profiles under which an urgent call-off may have a shorter period than the minimum, with its
# reason recorded. PCR 2015 reg 34 sets at least 10 days for tenders under a DPS, but a
# sub-central contracting authority (every council is one) may fix the time limit by agreement
# with all the selected candidates; the recorded reason is that agreement or the urgency behind it.
URGENT_PERIOD_ALLOWED: dict[str, str] = {
    "pcr2015_dps": "PCR 2015 reg 34: sub-central authorities may agree a shorter time limit with all candidates",
}


def check_deadline(
    deadline: datetime,
    published_at: datetime,
    *,
    profile_code: str,
    min_offer_period_days: int | None,
    urgent_reason: str | None,
) -> None:
    """Refuse a deadline that is not in the future, or shorter than the profile's minimum period
    for offers (counted in calendar days from publication) unless urgent where the profile allows."""
    if deadline <= published_at:
        raise RuleViolation("the deadline for offers must be in the future", code=TenderCode.DEADLINE_IN_PAST)
    if min_offer_period_days is None or deadline - published_at >= timedelta(days=min_offer_period_days):
        return
    if urgent_reason is None or not urgent_reason.strip():
        raise RuleViolation(
            f"offers need at least {min_offer_period_days} days under this arrangement; "
            "mark the request urgent with a reason where the profile allows a shorter period",
            code=TenderCode.OFFER_PERIOD_TOO_SHORT,
            min_offer_period_days=min_offer_period_days,
        )
    if profile_code not in URGENT_PERIOD_ALLOWED:
        raise RuleViolation(
            f"this arrangement's profile allows no period shorter than {min_offer_period_days} days",
            code=TenderCode.URGENT_NOT_ALLOWED,
        )


def offers_open(deadline: datetime, at: datetime) -> bool:
    """Offers are taken while `at < deadline`.

    The boundary: an offer stamped one second before the deadline is accepted; AT the deadline
    (to the microsecond) and after it is refused, and from that same instant offers are unsealed.
    One instant is never both "still taking offers" and "offers opened", so nobody can read an
    offer while another may still be changed.
    """
    return at < deadline


def sealed(deadline: datetime, at: datetime) -> bool:
    """Before the deadline nobody but the offering provider may read an offer's content."""
    return at < deadline


def require_offers_open(deadline: datetime, at: datetime) -> None:
    if not offers_open(deadline, at):
        raise Conflict(
            f"the deadline for offers passed at {deadline.isoformat()}",
            code=TenderCode.DEADLINE_PASSED,
            deadline=deadline,
        )


def standstill_ends_at(awarded_at: datetime, working_days: int | None, calendar: WorkingDays) -> datetime | None:
    """When the standstill after an award ends, or None where the profile has none.

    Procurement Act 2023 s.51: the standstill is 8 working days beginning with the day the
    contract details notice is published (the award day counts if it is a working day); it ends at
    midnight (UK time) after its last day. No standstill applies to DPS call-offs under PCR 2015
    or below-threshold light touch call-offs (profiles set None).
    """
    if working_days is None or working_days == 0:
        return None
    award_day = awarded_at.astimezone(UK_TIME).date()
    last_day = calendar.add(award_day - timedelta(days=1), working_days)
    return datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=UK_TIME)


# --- the call-off ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CallOff:
    id: int
    arrangement_id: int
    lot_id: int
    authority_id: int
    created_by: int
    title: str
    child: ChildProfile
    criteria: Criteria
    deadline: datetime
    urgent_reason: str | None
    status: CallOffStatus
    status_reason: str | None
    published_at: datetime | None
    closed_at: datetime | None
    awarded_offer_id: int | None
    award_reason: str | None
    awarded_at: datetime | None
    standstill_ends_at: datetime | None
    concluded_at: datetime | None
    version: int
    # The optional price-only second round among the top N offers, started after evaluation.
    second_round_size: int | None = None
    second_round_deadline: datetime | None = None
    second_round_scored_at: datetime | None = None

    def _to(self, target: CallOffStatus, **changes: object) -> CallOff:
        if target not in CALL_OFF_TRANSITIONS[self.status]:
            raise IllegalTransition("call_off", self.status.value, target.value)
        return replace(self, status=target, version=self.version + 1, **changes)  # type: ignore[arg-type]

    def require_draft(self) -> None:
        if self.status is not CallOffStatus.DRAFT:
            raise Conflict("only a draft call-off can be changed", code=TenderCode.CALL_OFF_NOT_DRAFT)

    def publish(self, at: datetime, profile_code: str, min_offer_period_days: int | None) -> CallOff:
        """Send the request to the invited settings; the deadline must respect the profile."""
        if self.status is not CallOffStatus.DRAFT:
            raise IllegalTransition("call_off", self.status.value, CallOffStatus.PUBLISHED.value)
        check_deadline(
            self.deadline,
            at,
            profile_code=profile_code,
            min_offer_period_days=min_offer_period_days,
            urgent_reason=self.urgent_reason,
        )
        return self._to(CallOffStatus.PUBLISHED, published_at=at)

    def past_deadline(self, at: datetime) -> bool:
        """Whether the time limit for offers has passed at `at` (PCR 2015 reg 34): offers are no
        longer taken and are open to the council, whether or not the scheduler's sweep has closed
        the call-off yet. Reads use this, never a stored transition, so a GET changes nothing."""
        return self.status is not CallOffStatus.DRAFT and not offers_open(self.deadline, at)

    def due_to_close(self, at: datetime) -> bool:
        """Still published at or after its deadline: the sweep (or the next write) closes it."""
        return self.status is CallOffStatus.PUBLISHED and self.past_deadline(at)

    def taking_offers(self, at: datetime) -> bool:
        """Published and before its deadline: offers (and clarification questions) are taken."""
        return self.status is CallOffStatus.PUBLISHED and offers_open(self.deadline, at)

    def require_taking_offers(self, at: datetime) -> None:
        """Offers go in, change or are withdrawn only while published and before the time limit
        for receipt (PCR 2015 reg 34: offers are sealed until it passes): 409 `deadline_passed`."""
        if self.status is not CallOffStatus.PUBLISHED:
            raise Conflict("offers are no longer taken for this placement request", code=TenderCode.DEADLINE_PASSED)
        require_offers_open(self.deadline, at)

    def require_markable(self) -> None:
        """Opened offers are marked once the call-off has closed and until it is evaluated (the
        evaluation runs on the offers as opened at the deadline, PCR 2015 reg 34 and reg 84's
        record of the evaluation): 409 `not_in_evaluation` otherwise."""
        if self.status is not CallOffStatus.CLOSED:
            raise Conflict(
                "offers are marked once the call-off has closed and before it is evaluated",
                code=TenderCode.NOT_IN_EVALUATION,
            )

    def close(self, at: datetime) -> CallOff:
        """Stop taking offers and open them; only at or after the deadline."""
        if self.status is not CallOffStatus.PUBLISHED:
            raise IllegalTransition("call_off", self.status.value, CallOffStatus.CLOSED.value)
        if offers_open(self.deadline, at):
            raise Conflict("offers are still open until the deadline", code=TenderCode.DEADLINE_NOT_REACHED)
        return self._to(CallOffStatus.CLOSED, closed_at=at)

    def evaluated(self) -> CallOff:
        return self._to(CallOffStatus.EVALUATED)

    def reopen_evaluation(self, reason: str) -> CallOff:
        """Back to marking before the award (a mark found wrong, an evaluator to add or release),
        with the reason on the record (PCR 2015 reg 84). Not once a second round has started: its
        providers were invited on the ranking, and revised fees are in."""
        if self.status is not CallOffStatus.EVALUATED:
            raise IllegalTransition("call_off", self.status.value, CallOffStatus.CLOSED.value)
        if self.second_round_size is not None:
            raise Conflict("a second round has started on this evaluation", code=TenderCode.SECOND_ROUND_EXISTS)
        _reason(reason)
        return self._to(CallOffStatus.CLOSED)

    def start_second_round(self, size: int, deadline: datetime, at: datetime) -> CallOff:
        """Invite the providers of the top `size` ranked offers to a price-only second round that
        closes at `deadline`: each may lower (never raise) its weekly fee; quality and proximity
        stand. One round per call-off, after evaluation and before the award. A further round of
        the competition on price alone is open to the authority where the call-off's documents
        say so (PCR 2015 reg 34(13)-(14); PA 2023 s.46 competitive flexible procedure rounds)."""
        if self.status is not CallOffStatus.EVALUATED:
            raise Conflict("a second round follows the evaluation, before the award", code=TenderCode.NOT_EVALUATED)
        if self.second_round_size is not None:
            raise Conflict("this call-off has had its second round", code=TenderCode.SECOND_ROUND_EXISTS)
        if size < 2:
            raise RuleViolation(
                "a price round needs at least two offers", code=TenderCode.SECOND_ROUND_TOO_SMALL, field="size"
            )
        if deadline <= at:
            raise RuleViolation("the second round's deadline must be in the future", code=TenderCode.DEADLINE_IN_PAST)
        return replace(self, second_round_size=size, second_round_deadline=deadline, version=self.version + 1)

    def second_round_open(self, at: datetime) -> bool:
        return self.second_round_deadline is not None and offers_open(self.second_round_deadline, at)

    def require_second_round_open(self, at: datetime) -> None:
        if self.second_round_deadline is None or self.status is not CallOffStatus.EVALUATED:
            raise Conflict("there is no second round open", code=TenderCode.NO_SECOND_ROUND)
        require_offers_open(self.second_round_deadline, at)

    def second_round_scored(self, at: datetime) -> CallOff:
        """Rescore once the second round has closed (at or after its deadline)."""
        if self.second_round_deadline is None or self.status is not CallOffStatus.EVALUATED:
            raise Conflict("there is no second round to score", code=TenderCode.NO_SECOND_ROUND)
        if offers_open(self.second_round_deadline, at):
            raise Conflict("the second round is open until its deadline", code=TenderCode.DEADLINE_NOT_REACHED)
        return replace(self, second_round_scored_at=at, version=self.version + 1)

    def award(
        self, offer_id: int, top_offer_id: int, reason: str | None, at: datetime, standstill_end: datetime | None
    ) -> CallOff:
        """Award the top-ranked offer, or another one with a recorded reason (PCR 2015 reg 84:
        the procurement record shows why the award went where it went). After a second round, only
        once its revised fees have been scored."""
        if self.status is not CallOffStatus.EVALUATED:
            raise IllegalTransition("call_off", self.status.value, CallOffStatus.AWARDED.value)
        if self.second_round_deadline is not None and self.second_round_scored_at is None:
            raise Conflict(
                "score the second round (evaluate) once its deadline has passed, then award",
                code=TenderCode.SECOND_ROUND_NOT_SCORED,
            )
        cleaned = reason.strip() if reason else None
        if offer_id != top_offer_id and not cleaned:
            raise RuleViolation(
                "awarding other than the top-ranked offer needs a recorded reason",
                code=TenderCode.AWARD_REASON_REQUIRED,
            )
        return self._to(
            CallOffStatus.AWARDED,
            awarded_offer_id=offer_id,
            award_reason=cleaned,
            awarded_at=at,
            standstill_ends_at=standstill_end,
        )

    def due_to_conclude(self, at: datetime) -> bool:
        """Awarded, and any standstill has ended by `at` (Procurement Act 2023 s.51: the contract
        may be entered into once the 8 working days' standstill has ended; a profile without a
        standstill concludes at the award)."""
        end = self.standstill_ends_at
        return self.status is CallOffStatus.AWARDED and (end is None or at >= end)

    def conclude(self, at: datetime) -> CallOff:
        """Conclude once any standstill has ended (`due_to_conclude`): 409 `standstill_running` before."""
        if self.status is CallOffStatus.AWARDED and not self.due_to_conclude(at):
            assert self.standstill_ends_at is not None
            raise Conflict(
                f"the standstill runs until {self.standstill_ends_at.isoformat()}",
                code=TenderCode.STANDSTILL_RUNNING,
                standstill_ends_at=self.standstill_ends_at,
            )
        return self._to(CallOffStatus.CONCLUDED, concluded_at=at)

    def end_without_award(self, reason: str) -> CallOff:
        return self._to(CallOffStatus.NO_AWARD, status_reason=_reason(reason))

    def cancel(self, reason: str) -> CallOff:
        return self._to(CallOffStatus.CANCELLED, status_reason=_reason(reason))

    def next_check_at(self) -> datetime | None:
        """When the scheduler should look at this call-off next: the deadline while published,
        the end of the standstill while awarded, never otherwise."""
        if self.status is CallOffStatus.PUBLISHED:
            return self.deadline
        if self.status is CallOffStatus.AWARDED:
            return self.standstill_ends_at or self.awarded_at
        return None


# Once a call-off has ended, the providers invited to it no longer need the child's profile; only
# the winner, who places the child, keeps it (UK GDPR art. 5(1)(c) and (e): no more, and for no
# longer, than the purpose needs).
ENDED = frozenset({CallOffStatus.CONCLUDED, CallOffStatus.NO_AWARD, CallOffStatus.CANCELLED})


def profile_withheld(status: CallOffStatus, *, council_staff: bool, winner: bool) -> bool:
    """Whether a reader no longer sees the child's profile (and the title): an invited provider
    that did not win, once the call-off has ended. The raising council's staff always see it."""
    return not council_staff and not winner and status in ENDED


def _reason(reason: str) -> str:
    if not reason.strip():
        raise RuleViolation("give the reason", code=CommonCode.REASON_REQUIRED)
    return reason.strip()
