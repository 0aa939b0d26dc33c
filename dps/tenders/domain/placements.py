"""Placements: the child placed with a provider's setting after a call-off concludes, and its end."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from dps.compliance.domain.eligibility import Reason, SettingEligibility
from dps.core.codes import CommonCode
from dps.core.errors import Conflict, RuleViolation
from dps.core.geo import Location, distance_miles
from dps.core.rounding import round_half_up
from dps.frameworks.domain.arrangements import AgeBand
from dps.pricing.domain.fees import FeeCheck
from dps.pricing.domain.spend import FeeSpan
from dps.tenders.codes import TenderCode

# DESIGN.md story 9 reports children placed over 20 miles from home (the distance used in the
# DfE's children looked after statistics, SSDA903 "placed more than 20 miles from home").
FAR_FROM_HOME_MILES = Decimal(20)


class EndingKind(StrEnum):
    PLANNED = "planned"
    UNPLANNED = "unplanned"


class UnplannedReason(StrEnum):
    """Why a placement ended before it was planned to (the commissioner picks one)."""

    PROVIDER_NOTICE = "provider_notice"  # the provider gave notice
    PLACEMENT_BREAKDOWN = "placement_breakdown"
    SAFEGUARDING = "safeguarding"
    CHILD_REQUEST = "child_request"
    COURT_DECISION = "court_decision"
    PROVIDER_SUSPENDED = "provider_suspended"
    OTHER = "other"


# The anonymised reference a child carries from the placement request that placed them through
# every later move: the request's number, never a name, a date of birth or a full postcode (UK
# GDPR art. 5(1)(c), data minimisation). Contracts print the same reference.
CHILD_REFERENCE_PREFIX = "CH-CO"


def reference_of_call_off(call_off_id: int) -> str:
    """The child's reference, from the call-off that placed them, e.g. CH-CO-000042."""
    return f"{CHILD_REFERENCE_PREFIX}-{call_off_id:06d}"


@dataclass(frozen=True, slots=True)
class FeeFrom:
    """The weekly fee agreed from a day on (the placement's start, or a contract variation's day)."""

    from_day: date
    weekly_fee_pence: int


@dataclass(frozen=True, slots=True)
class Placement:
    id: int
    call_off_id: int | None
    previous_placement_id: int | None  # the placement this one replaced (a move)
    authority_id: int
    provider_id: int
    setting_id: int
    home_district: str  # the child's postcode district, to measure a move's distance
    start_date: date
    weekly_fee_pence: int
    distance_miles: Decimal
    out_of_area: bool
    over_20_miles: bool
    ended_on: date | None
    ending_kind: EndingKind | None
    ending_reason: UnplannedReason | None
    ending_note: str | None
    version: int
    agreed_fee_id: int | None = None  # pricing's record of the weekly fee agreed for this placement
    # The fee schedule, oldest first: the fee agreed at the start, then each variation from its
    # day. Empty means `weekly_fee_pence` from the start. `weekly_fee_pence` is the last entry's
    # fee (what the next variation starts from), not necessarily the fee in force today.
    fees: tuple[FeeFrom, ...] = ()
    child_reference: str | None = None
    lot_id: int | None = None  # the lot the child was placed under (None: not known)
    age_band: str | None = None  # the lot's band the fee is recorded against
    need_level: str | None = None
    off_framework: bool = False  # a spot purchase outside the arrangement, recorded with its reason
    off_framework_reason: str | None = None

    @classmethod
    def start(
        cls,
        *,
        authority_id: int,
        authority_code: str,
        provider_id: int,
        setting_id: int,
        setting_location: Location | None,
        home_district: str,
        home: Location,
        start_date: date,
        weekly_fee_pence: int,
        call_off_id: int | None = None,
        previous_placement_id: int | None = None,
        child_reference: str | None = None,
        lot_id: int | None = None,
        age_band: str | None = None,
        need_level: str | None = None,
        off_framework: bool = False,
        off_framework_reason: str | None = None,
    ) -> Placement:
        """A new placement of the child at a setting: by a concluded call-off (`call_off_id`) or by
        a move (`previous_placement_id`). Its distance is measured one way for both: the straight
        line on the OS grid from the centroid of the child's home district (`home`) to the setting
        (DESIGN.md "Geography"), flagged by `placement_flags` (Children Act 1989 s.22C out of area;
        over 20 miles, SSDA903). A setting without a grid reference cannot be measured (422
        `unknown_postcode`)."""
        if setting_location is None:
            raise RuleViolation("the setting has no grid reference to measure from", code=CommonCode.UNKNOWN_POSTCODE)
        miles, out_of_area, far = placement_flags(
            Decimal(repr(distance_miles(home, setting_location))),
            setting_location.local_authority_code,
            authority_code,
        )
        return cls(
            id=0,
            call_off_id=call_off_id,
            previous_placement_id=previous_placement_id,
            authority_id=authority_id,
            provider_id=provider_id,
            setting_id=setting_id,
            home_district=home_district,
            start_date=start_date,
            weekly_fee_pence=weekly_fee_pence,
            distance_miles=miles,
            out_of_area=out_of_area,
            over_20_miles=far,
            ended_on=None,
            ending_kind=None,
            ending_reason=None,
            ending_note=None,
            version=1,
            child_reference=child_reference,
            lot_id=lot_id,
            age_band=age_band,
            need_level=need_level,
            off_framework=off_framework,
            off_framework_reason=off_framework_reason,
        )

    def is_live(self, today: date) -> bool:
        return self.ended_on is None or self.ended_on > today

    def fee_schedule(self) -> tuple[FeeFrom, ...]:
        return self.fees or (FeeFrom(self.start_date, self.weekly_fee_pence),)

    def fee_on(self, day: date) -> int:
        """The weekly fee in force on `day`: the latest agreed from that day or before (the first
        fee before the start). A variation agreed today for next April is not in force today."""
        return fee_in_force(self.fee_schedule(), day)

    def scheduled_fees(self, today: date) -> tuple[FeeFrom, ...]:
        """Variations agreed from a day after `today`: signed, not yet in force (the fee agreed at
        the start is the placement's fee, shown as such before it starts)."""
        return tuple(f for f in self.fee_schedule()[1:] if f.from_day > today)

    def fee_spans(self) -> tuple[FeeSpan, ...]:
        """Each fee with the days it is in force: from its day to the day before the next one,
        within the days the child occupies the placement (up to the day before `ended_on`)."""
        return fee_spans(self.fee_schedule(), self.start_date, self.ended_on)

    def vary_fee(self, weekly_fee_pence: int, from_day: date) -> Placement:
        """The weekly fee from `from_day` on, as a contract variation agreed (the placement must be
        live that day; the fee stays positive). The fee in force before that day is unchanged:
        the schedule keeps both (a variation for April signed in December leaves December alone).
        Variations are agreed in date order; one for the same day replaces the earlier one."""
        if weekly_fee_pence <= 0:
            raise RuleViolation("a weekly fee is a positive number of pence", code=CommonCode.INVALID_FEE)
        if from_day < self.start_date or not self.is_live(from_day):
            raise Conflict(
                "the placement is not live on the day the new fee applies", code=TenderCode.PLACEMENT_NOT_LIVE
            )
        schedule = self.fee_schedule()
        if from_day < schedule[-1].from_day:
            raise Conflict(
                f"a fee is already agreed from {schedule[-1].from_day.isoformat()}; vary from that day or later",
                code=TenderCode.FEE_VARIATION_OUT_OF_ORDER,
            )
        fees = (*(f for f in schedule if f.from_day != from_day), FeeFrom(from_day, weekly_fee_pence))
        return replace(self, fees=fees, weekly_fee_pence=weekly_fee_pence, version=self.version + 1)

    def end(
        self,
        on: date,
        kind: EndingKind,
        reason: UnplannedReason | None,
        note: str | None,
        today: date | None = None,
    ) -> Placement:
        """End the placement on `on` (the day the child leaves); an unplanned ending needs its reason code.

        An end recorded for a day still ahead of `today` is a plan: the child may leave or move
        earlier (or on that day), which replaces it; a later day would extend the placement, which
        takes a contract variation, not a new ending (409 `end_after_recorded_end`). An end on or
        before today is history (409 `placement_ended`)."""
        if self.ended_on is not None:
            if today is None or self.ended_on <= today:
                raise Conflict("this placement has already ended", code=TenderCode.PLACEMENT_ENDED)
            if on > self.ended_on:
                raise Conflict(
                    f"the placement is recorded to end on {self.ended_on.isoformat()}; an ending can be brought "
                    "forward, and a later end is an extension agreed by contract variation",
                    code=TenderCode.END_AFTER_RECORDED_END,
                )
        if on < self.start_date:
            raise RuleViolation("a placement cannot end before it starts", code=TenderCode.END_BEFORE_START)
        if kind is EndingKind.UNPLANNED and reason is None:
            raise RuleViolation("say why the placement ended unplanned", code=TenderCode.ENDING_REASON_REQUIRED)
        if kind is EndingKind.PLANNED and reason is not None:
            raise RuleViolation(
                "a planned ending takes no unplanned reason", code=TenderCode.ENDING_REASON_NOT_APPLICABLE
            )
        return replace(
            self,
            ended_on=on,
            ending_kind=kind,
            ending_reason=reason,
            ending_note=(note or "").strip() or None,
            version=self.version + 1,
        )


def placement_flags(
    distance_miles: Decimal, setting_authority_code: str | None, child_authority_code: str
) -> tuple[Decimal, bool, bool]:
    """(distance rounded to 0.01 mile, out of area, over 20 miles).

    Out of area: the setting lies outside the child's (placing) authority (Children Act 1989
    s.22C(7)-(9): a child is placed within the authority's area unless that is not reasonably
    practicable). A setting whose authority is unknown counts as out of area: it is not shown to
    be inside.
    """
    miles = round_half_up(distance_miles)
    return miles, setting_authority_code != child_authority_code, miles > FAR_FROM_HOME_MILES


@dataclass(frozen=True, slots=True)
class FeeBand:
    """The lot's price band a placement's fee is recorded against: an age band x a need level."""

    age_band: str
    need_level: str


def fee_band(
    age_bands: Sequence[AgeBand], need_levels: Sequence[str], age: int, need_level: str | None
) -> FeeBand | None:
    """The band of the lot for the child: the age band containing the child's age (the first, in
    the lot's order, should bands touch) crossed with the child's need level; a lot with a single
    need level lends it to a child raised without one. None when no band fits (a lot without age
    bands, an age outside them, or no need level to choose): the fee is then not recorded for the
    cross-authority analysis, which compares like with like only (DESIGN.md story 9)."""
    label = next((b.label for b in age_bands if b.min_age <= age <= b.max_age), None)
    level = need_level if need_level is not None else (need_levels[0] if len(need_levels) == 1 else None)
    if label is None or level is None:
        return None
    return FeeBand(label, level)


def fee_in_force(schedule: Sequence[FeeFrom], day: date) -> int:
    """The fee of a schedule (oldest first) in force on `day`; its first fee before it starts."""
    fee = schedule[0].weekly_fee_pence
    for entry in schedule:
        if entry.from_day <= day:
            fee = entry.weekly_fee_pence
    return fee


def fee_spans(schedule: Sequence[FeeFrom], start_date: date, ended_on: date | None) -> tuple[FeeSpan, ...]:
    """The spans of days each fee of a schedule is in force for a placement occupied from
    `start_date` up to the day before `ended_on` (the day the child leaves is not charged)."""
    last_occupied = ended_on - timedelta(days=1) if ended_on is not None else None
    spans = []
    for i, entry in enumerate(schedule):
        first = max(entry.from_day, start_date)
        upto = schedule[i + 1].from_day - timedelta(days=1) if i + 1 < len(schedule) else None
        if last_occupied is not None:
            upto = last_occupied if upto is None else min(upto, last_occupied)
        if upto is None or upto >= first:
            spans.append(FeeSpan(entry.weekly_fee_pence, first, upto))
    return tuple(spans)


# --- moves -----------------------------------------------------------------------------------------


class MoveOutsideFramework(RuleViolation):
    code = TenderCode.MOVE_OUTSIDE_FRAMEWORK


def move_refusals(verdict: SettingEligibility | None, fee: FeeCheck) -> tuple[Reason, ...]:
    """Why a move to another setting is not a call-off under the framework (empty: it is).

    A move places the child with another setting without a competition, so it must meet what an
    offer meets, checked by the same functions: the setting eligible for the child now (active
    membership of the lot, compliant, no suspending concern, type, ages, needs: `verdict` from
    `dps.compliance.eligibility`, None when its provider holds no place on the lot; PCR 2015 reg
    34(25): contracts under a DPS go to its admitted members only), and the fee checked against
    the lot's band and the provider's approved rate card (`dps.pricing` `check_offer_fee`). With
    no competition to weigh a fee the flags of an offer become refusals: there must be a band and
    an approved card; the fee may not be below the band's floor, nor above the provider's own
    approved price for the band, nor above the ceiling unless that price is an approved exception.
    """
    reasons: list[Reason] = []
    if verdict is None:
        reasons.append(Reason("not_a_member", "the setting's provider holds no place on the lot"))
    elif not verdict.eligible:
        reasons.extend(verdict.reasons)
    if fee.no_band:
        reasons.append(Reason("no_band", "the lot has no price band in force for the child"))
    if fee.no_rate_card:
        reasons.append(Reason("no_rate_card", "the provider has no approved rate card price for the band"))
    if fee.below_floor:
        reasons.append(Reason("below_floor", f"the fee is below the band's floor of {fee.floor_pence}p a week"))
    if fee.above_ceiling and not fee.exception_approved:
        reasons.append(Reason("above_ceiling", f"the fee is above the band's ceiling of {fee.ceiling_pence}p a week"))
    if fee.above_rate_card:
        reasons.append(
            Reason(
                "above_rate_card",
                f"the fee is above the provider's approved price of {fee.rate_card_price_pence}p a week",
            )
        )
    return tuple(reasons)


def off_framework_reason(off_framework: bool, reason: str | None) -> str | None:
    """A spot purchase (a placement outside the framework) is recorded only on purpose, with why:
    the reason, stripped; None for a move within the framework (which takes no reason)."""
    text = (reason or "").strip()
    if off_framework and not text:
        raise RuleViolation(
            "say why the child is placed outside the framework", code=TenderCode.OFF_FRAMEWORK_REASON_REQUIRED
        )
    if not off_framework and text:
        raise RuleViolation(
            "a reason is for a placement outside the framework: set off_framework",
            code=TenderCode.OFF_FRAMEWORK_NOT_SET,
        )
    return text or None
