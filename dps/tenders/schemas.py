"""Request and response bodies of the tenders API (msgspec Structs; unknown fields refused)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from dps.accounts.domain import MAX_AGE_SERVED, Need, OfstedGrade, SettingType
from dps.core.evaluation import CriterionKind, Mark
from dps.core.patches import UNCHANGED
from dps.core.requests import Input, Instant, OfferFeePence, Reason, ShortText, Title, WeeklyFeePence, given
from dps.tenders.domain import call_offs as d
from dps.tenders.domain import offers as o
from dps.tenders.domain import requests as rq
from dps.tenders.domain.clarifications import Clarification
from dps.tenders.domain.invitations import Invitation
from dps.tenders.domain.panel import PanelMember, PanelProgress
from dps.tenders.domain.placements import EndingKind, FeeFrom, Placement, UnplannedReason

Text = Annotated[str, Meta(min_length=1, max_length=2000)]
# msgspec cannot bound a Decimal; the domain checks weights add up to 100.
Weight = Annotated[Decimal, Meta(examples=["40"])]


# --- call-offs -----------------------------------------------------------------------------------


class NeedIn(Input, kw_only=True):
    need: Need
    priority: d.NeedPriority = d.NeedPriority.ESSENTIAL


class ChildIn(Input, kw_only=True):
    """The anonymised child: no name, date of birth or full postcode (a full postcode is refused).
    Each need is a bare name (essential, as before) or `{"need": ..., "priority": "essential" |
    "preferred"}`."""

    age: Annotated[int, Meta(ge=0, le=MAX_AGE_SERVED)]
    sex: d.Sex
    needs: Annotated[list[Need | NeedIn], Meta(max_length=30)] = msgspec.field(default_factory=list)
    need_level: Annotated[str, Meta(min_length=1, max_length=40)] | None = None
    home_district: Annotated[str, Meta(min_length=2, max_length=8, examples=["M5"])]
    education_needs: ShortText = ""
    risks: ShortText = ""
    placement_type: d.PlacementType
    siblings: Annotated[int, Meta(ge=0, le=10)] = 0
    parent_and_child: bool = False
    start_date: date
    expected_duration_weeks: Annotated[int, Meta(ge=1, le=520)] | None = None

    def to_domain(self) -> d.ChildProfile:
        # A need given without a mark is essential: the request shape before needs could be preferred.
        marked = [(n, d.NeedPriority.ESSENTIAL) if isinstance(n, Need) else (n.need, n.priority) for n in self.needs]
        return d.ChildProfile(
            age=self.age,
            sex=self.sex,
            needs=frozenset(n for n, priority in marked if priority is d.NeedPriority.ESSENTIAL),
            preferred_needs=frozenset(n for n, priority in marked if priority is d.NeedPriority.PREFERRED),
            need_level=self.need_level.strip() if self.need_level else None,
            home_district=d.home_district(self.home_district),
            education_needs=self.education_needs.strip(),
            risks=self.risks.strip(),
            placement_type=self.placement_type,
            siblings=self.siblings,
            parent_and_child=self.parent_and_child,
            start_date=self.start_date,
            expected_duration_weeks=self.expected_duration_weeks,
        )


class QuestionIn(Input, kw_only=True):
    text: Text
    kind: CriterionKind = CriterionKind.SCORED
    max_score: Annotated[int, Meta(ge=0, le=100)] = 5
    weight: Weight = Decimal(1)


class CriteriaIn(Input, kw_only=True):
    min_grade: OfstedGrade | None = None
    setting_types: Annotated[list[SettingType], Meta(max_length=4)] = msgspec.field(default_factory=list)
    questions: Annotated[list[QuestionIn], Meta(max_length=30)] = msgspec.field(default_factory=list)
    quality_weight: Weight
    price_weight: Weight
    proximity_weight: Weight
    full_marks_within_miles: Decimal = Decimal(5)
    zero_beyond_miles: Decimal = Decimal(50)
    min_evaluators: Annotated[int, Meta(ge=1, le=20)] | None = None  # above the profile's minimum panel
    # Beside the questions' weights: the weight of the share of preferred needs a setting meets.
    preferred_needs_weight: Weight = Decimal(0)

    def to_domain(self) -> d.Criteria:
        return d.Criteria(
            min_grade=self.min_grade,
            setting_types=tuple(self.setting_types),
            questions=tuple(
                d.QualityQuestion(n, q.text.strip(), q.kind, q.max_score, q.weight)
                for n, q in enumerate(self.questions, start=1)
            ),
            quality_weight=self.quality_weight,
            price_weight=self.price_weight,
            proximity_weight=self.proximity_weight,
            full_marks_within_miles=self.full_marks_within_miles,
            zero_beyond_miles=self.zero_beyond_miles,
            min_evaluators=self.min_evaluators,
            preferred_needs_weight=self.preferred_needs_weight,
        )


class CallOffIn(Input, kw_only=True):
    arrangement_id: int
    lot_id: int
    title: Title
    child: ChildIn
    criteria: CriteriaIn
    deadline: Instant
    urgent_reason: Reason | None = None

    def to_domain(self) -> rq.CallOffDraft:
        return rq.CallOffDraft(
            arrangement_id=self.arrangement_id,
            lot_id=self.lot_id,
            title=self.title.strip(),
            child=self.child.to_domain(),
            criteria=self.criteria.to_domain(),
            deadline=self.deadline,
            urgent_reason=self.urgent_reason.strip() if self.urgent_reason else None,
        )


class CallOffPatch(Input, kw_only=True):
    title: Title | UnsetType = UNSET
    child: ChildIn | UnsetType = UNSET
    criteria: CriteriaIn | UnsetType = UNSET
    deadline: Instant | UnsetType = UNSET
    urgent_reason: Reason | UnsetType | None = UNSET

    def to_domain(self) -> rq.CallOffChanges:
        title, child, criteria, reason = self.title, self.child, self.criteria, self.urgent_reason
        return rq.CallOffChanges(
            title=UNCHANGED if isinstance(title, UnsetType) else title.strip(),
            child=UNCHANGED if isinstance(child, UnsetType) else child.to_domain(),
            criteria=UNCHANGED if isinstance(criteria, UnsetType) else criteria.to_domain(),
            deadline=given(self.deadline),
            urgent_reason=UNCHANGED if isinstance(reason, UnsetType) else (reason.strip() if reason else None),
        )


class ReasonIn(Input, kw_only=True):
    reason: Reason


class ChildOut(Struct, kw_only=True):
    age: int
    sex: d.Sex
    needs: list[Need]  # essential
    preferred_needs: list[Need]
    need_level: str | None
    home_district: str
    education_needs: str
    risks: str
    placement_type: d.PlacementType
    siblings: int
    parent_and_child: bool
    start_date: date
    expected_duration_weeks: int | None


class QuestionOut(Struct, kw_only=True):
    id: int
    text: str
    kind: CriterionKind
    max_score: int
    weight: Decimal


class CriteriaOut(Struct, kw_only=True):
    min_grade: OfstedGrade | None
    setting_types: list[SettingType]
    questions: list[QuestionOut]
    quality_weight: Decimal
    price_weight: Decimal
    proximity_weight: Decimal
    full_marks_within_miles: Decimal
    zero_beyond_miles: Decimal
    min_evaluators: int | None = None
    preferred_needs_weight: Decimal = Decimal(0)
    tie_break: str = (
        "highest total; then higher quality score, lower weekly total (fee + additional services), shorter distance, "
        "earlier submission"
    )


class CallOffOut(Struct, kw_only=True):
    """`child` is null and `title` generic (`profile_withheld`) for an invited provider that did
    not win, once the request has ended."""

    id: int
    arrangement_id: int
    lot_id: int
    authority_id: int
    title: str
    child: ChildOut | None
    criteria: CriteriaOut
    deadline: datetime
    urgent_reason: str | None
    status: d.CallOffStatus
    status_reason: str | None
    published_at: datetime | None
    closed_at: datetime | None
    awarded_offer_id: int | None
    award_reason: str | None
    awarded_at: datetime | None
    standstill_ends_at: datetime | None
    concluded_at: datetime | None
    second_round_size: int | None
    second_round_deadline: datetime | None
    second_round_scored_at: datetime | None
    version: int
    profile_withheld: bool = False
    # The deadline for offers has passed (offers no longer taken, open to the council). A read
    # never changes the call-off: a published one stays published until the scheduler's sweep closes it.
    past_deadline: bool = False
    # The placement a concluded call-off made (GET of one call-off, for those who may read it).
    placement_id: int | None = None

    @classmethod
    def withheld(cls, c: d.CallOff, withheld: bool, past_deadline: bool = False) -> CallOffOut:
        """The call-off, without the child's profile and title when `withheld`."""
        out = cls.of(c)
        out.past_deadline = past_deadline
        if withheld:
            out.child, out.title, out.profile_withheld = None, f"Placement request {c.id}", True
        return out

    @classmethod
    def of(cls, c: d.CallOff) -> CallOffOut:
        ch, cr = c.child, c.criteria
        return cls(
            id=c.id,
            arrangement_id=c.arrangement_id,
            lot_id=c.lot_id,
            authority_id=c.authority_id,
            title=c.title,
            child=ChildOut(
                age=ch.age,
                sex=ch.sex,
                needs=sorted(ch.needs),
                preferred_needs=sorted(ch.preferred_needs),
                need_level=ch.need_level,
                home_district=ch.home_district,
                education_needs=ch.education_needs,
                risks=ch.risks,
                placement_type=ch.placement_type,
                siblings=ch.siblings,
                parent_and_child=ch.parent_and_child,
                start_date=ch.start_date,
                expected_duration_weeks=ch.expected_duration_weeks,
            ),
            criteria=CriteriaOut(
                min_grade=cr.min_grade,
                setting_types=list(cr.setting_types),
                questions=[
                    QuestionOut(id=q.id, text=q.text, kind=q.kind, max_score=q.max_score, weight=q.weight)
                    for q in cr.questions
                ],
                quality_weight=cr.quality_weight,
                price_weight=cr.price_weight,
                proximity_weight=cr.proximity_weight,
                full_marks_within_miles=cr.full_marks_within_miles,
                zero_beyond_miles=cr.zero_beyond_miles,
                min_evaluators=cr.min_evaluators,
                preferred_needs_weight=cr.preferred_needs_weight,
            ),
            deadline=c.deadline,
            urgent_reason=c.urgent_reason,
            status=c.status,
            status_reason=c.status_reason,
            published_at=c.published_at,
            closed_at=c.closed_at,
            awarded_offer_id=c.awarded_offer_id,
            award_reason=c.award_reason,
            awarded_at=c.awarded_at,
            standstill_ends_at=c.standstill_ends_at,
            concluded_at=c.concluded_at,
            second_round_size=c.second_round_size,
            second_round_deadline=c.second_round_deadline,
            second_round_scored_at=c.second_round_scored_at,
            version=c.version,
        )


class CallOffPage(Struct, kw_only=True):
    items: list[CallOffOut]
    next_cursor: str | None


class ReasonOut(Struct, kw_only=True):
    code: str
    detail: str


class InvitationOut(Struct, kw_only=True):
    setting_id: int
    setting_name: str
    provider_id: int
    membership_id: int | None
    invited: bool
    reasons: list[ReasonOut]
    distance_miles: Decimal | None
    preferred_needs_met: list[str]  # of the child's preferred needs, those the setting met when invited

    @classmethod
    def of(cls, i: Invitation) -> InvitationOut:
        return cls(
            setting_id=i.setting_id,
            setting_name=i.setting_name,
            provider_id=i.provider_id,
            membership_id=i.membership_id,
            invited=i.invited,
            reasons=[ReasonOut(code=x["code"], detail=x["detail"]) for x in i.reasons],
            distance_miles=i.distance_miles,
            preferred_needs_met=list(i.preferred_needs_met),
        )


class InvitationPage(Struct, kw_only=True):
    items: list[InvitationOut]
    next_cursor: str | None


# --- offers --------------------------------------------------------------------------------------


class ServiceIn(Input, kw_only=True):
    description: Title
    weekly_fee_pence: WeeklyFeePence


class AnswerIn(Input, kw_only=True):
    question_id: Annotated[int, Meta(ge=1)]
    text: Text


class OfferIn(Input, kw_only=True):
    setting_id: int
    weekly_fee_pence: OfferFeePence
    additional_services: Annotated[list[ServiceIn], Meta(max_length=20)] = msgspec.field(default_factory=list)
    start_date: date
    answers: Annotated[list[AnswerIn], Meta(max_length=30)] = msgspec.field(default_factory=list)
    notes: ShortText = ""

    def content(self) -> o.OfferContent:
        return o.OfferContent(
            setting_id=self.setting_id,
            weekly_fee_pence=self.weekly_fee_pence,
            additional_services=tuple(
                o.AdditionalService(s.description.strip(), s.weekly_fee_pence) for s in self.additional_services
            ),
            start_date=self.start_date,
            answers=tuple(o.Answer(a.question_id, a.text.strip()) for a in self.answers),
            notes=self.notes.strip(),
        )


class ScoreOut(Struct, kw_only=True):
    failed_gateways: list[int]
    quality_percent: Decimal
    quality_score: Decimal
    price_score: Decimal
    proximity_score: Decimal
    total: Decimal
    rank: int | None

    @classmethod
    def of(cls, s: o.OfferScore) -> ScoreOut:
        return cls(
            failed_gateways=list(s.failed_gateways),
            quality_percent=s.quality_percent,
            quality_score=s.quality_score,
            price_score=s.price_score,
            proximity_score=s.proximity_score,
            total=s.total,
            rank=s.rank,
        )


class ServiceOut(Struct, kw_only=True):
    description: str
    weekly_fee_pence: int


class AnswerOut(Struct, kw_only=True):
    question_id: int
    text: str


class OfferOut(Struct, kw_only=True):
    id: int
    call_off_id: int
    provider_id: int
    setting_id: int
    weekly_fee_pence: int
    additional_services: list[ServiceOut]
    additional_services_pence: int  # the services' weekly fees together
    weekly_total_pence: int  # fee that counts (the revised one once shown) + services: what price is scored on
    start_date: date
    answers: list[AnswerOut]
    notes: str
    fee_flags: list[str]
    distance_miles: Decimal | None
    status: o.OfferStatus
    submitted_at: datetime
    updated_at: datetime
    version: int
    revised_fee_pence: int | None = None  # the second round's fee (sealed from the council until it closes)
    revised_at: datetime | None = None
    score: ScoreOut | None = None

    @classmethod
    def of(cls, x: o.Offer, distance: Decimal | None = None, score: o.OfferScore | None = None) -> OfferOut:
        c = x.content
        return cls(
            id=x.id,
            call_off_id=x.call_off_id,
            provider_id=x.provider_id,
            setting_id=c.setting_id,
            weekly_fee_pence=c.weekly_fee_pence,
            additional_services=[
                ServiceOut(description=s.description, weekly_fee_pence=s.weekly_fee_pence)
                for s in c.additional_services
            ],
            additional_services_pence=c.additional_services_pence,
            weekly_total_pence=x.weekly_total_pence,
            start_date=c.start_date,
            answers=[AnswerOut(question_id=a.question_id, text=a.text) for a in c.answers],
            notes=c.notes,
            fee_flags=list(x.fee_flags),
            distance_miles=distance,
            status=x.status,
            submitted_at=x.submitted_at,
            updated_at=x.updated_at,
            version=x.version,
            revised_fee_pence=x.revised_fee_pence,
            revised_at=x.revised_at,
            score=ScoreOut.of(score) if score else None,
        )


class OfferList(Struct, kw_only=True):
    """Before the deadline the raising council sees only counts (`sealed` true, no items)."""

    sealed: bool
    submitted: int
    withdrawn: int
    items: list[OfferOut]


# --- clarifications, marks, award ------------------------------------------------------------------


class ClarificationIn(Input, kw_only=True):
    question: Text


class ClarificationAnswerIn(Input, kw_only=True):
    answer: Text


class ClarificationOut(Struct, kw_only=True):
    id: int
    question: str
    asked_at: datetime
    answer: str | None
    answered_at: datetime | None
    mine: bool  # asked by the caller's provider (who asked is never shown to other providers)

    @classmethod
    def of(cls, c: Clarification, provider_id: int | None) -> ClarificationOut:
        return cls(
            id=c.id,
            question=c.question,
            asked_at=c.asked_at,
            answer=c.answer,
            answered_at=c.answered_at,
            mine=provider_id == c.provider_id,
        )


class MarkIn(Input, kw_only=True):
    question_id: Annotated[int, Meta(ge=1)]
    score: Annotated[int, Meta(ge=0)] | None = None
    passed: bool | None = None
    rationale: Text


class MarksIn(Input, kw_only=True):
    marks: Annotated[list[MarkIn], Meta(min_length=1, max_length=30)]


class SecondRoundIn(Input, kw_only=True):
    """A price-only round among the top `size` ranked offers, closing at `deadline`."""

    size: Annotated[int, Meta(ge=2, le=50)]
    deadline: Instant


class RevisedFeeIn(Input, kw_only=True):
    weekly_fee_pence: OfferFeePence


class AwardIn(Input, kw_only=True):
    offer_id: int
    reason: Reason | None = None  # required when the offer is not the top-ranked one


# --- the evaluation panel ------------------------------------------------------------------------


class EvaluatorsIn(Input, kw_only=True):
    """Users (the raising council's evaluators or commissioners) to put on the panel."""

    evaluator_ids: Annotated[list[int], Meta(min_length=1, max_length=20)]


class PanelMemberOut(Struct, kw_only=True):
    evaluator_id: int
    state: str  # "submitted" (every offer marked), "marking" or "released"
    offers_marked: int
    assigned_at: datetime
    released_at: datetime | None
    release_reason: str | None


class PanelOut(Struct, kw_only=True):
    """The panel; evaluation completes when nobody is `marking` and at least `minimum` submitted."""

    minimum: int
    complete: bool
    members: list[PanelMemberOut]

    @classmethod
    def of(cls, members: list[PanelMember], state: PanelProgress, marked: dict[int, int], minimum: int) -> PanelOut:
        def state_of(evaluator_id: int) -> str:
            if evaluator_id in state.released:
                return "released"
            return "submitted" if evaluator_id in state.submitted else "marking"

        return cls(
            minimum=minimum,
            complete=not state.marking and len(state.submitted) >= minimum,
            members=[
                PanelMemberOut(
                    evaluator_id=m.evaluator_id,
                    state=state_of(m.evaluator_id),
                    offers_marked=marked.get(m.evaluator_id, 0),
                    assigned_at=m.assigned_at,
                    released_at=m.released_at,
                    release_reason=m.release_reason,
                )
                for m in members
            ],
        )


class MarkOut(Struct, kw_only=True):
    question_id: int
    score: int | None
    passed: bool | None
    rationale: str


class OfferMarksOut(Struct, kw_only=True):
    """One evaluator's marks on the offer (`evaluator_id`), or the moderated marks (`moderated`)."""

    evaluator_id: int | None
    moderated: bool
    marks: list[MarkOut]

    @classmethod
    def of(cls, evaluator_id: int, moderated: bool, marks: list[Mark]) -> OfferMarksOut:
        return cls(
            evaluator_id=None if moderated else evaluator_id,
            moderated=moderated,
            marks=[
                MarkOut(question_id=m.criterion_id, score=m.score, passed=m.passed, rationale=m.rationale)
                for m in marks
            ],
        )


# --- placements ----------------------------------------------------------------------------------


class FeeFromOut(Struct, kw_only=True):
    from_day: date
    weekly_fee_pence: int

    @classmethod
    def of(cls, f: FeeFrom) -> FeeFromOut:
        return cls(from_day=f.from_day, weekly_fee_pence=f.weekly_fee_pence)


class PlacementOut(Struct, kw_only=True):
    id: int
    call_off_id: int | None
    previous_placement_id: int | None
    child_reference: str | None
    authority_id: int
    provider_id: int
    setting_id: int
    lot_id: int | None
    age_band: str | None
    need_level: str | None
    start_date: date
    weekly_fee_pence: int  # the fee in force on `fee_on` (today)
    fee_on: date
    scheduled_fees: list[FeeFromOut]  # agreed from a later day, not in force yet
    fee_history: list[FeeFromOut]  # every fee agreed, oldest first, each from its day
    distance_miles: Decimal
    out_of_area: bool
    over_20_miles: bool
    off_framework: bool
    off_framework_reason: str | None
    ended_on: date | None
    ending_kind: EndingKind | None
    ending_reason: UnplannedReason | None
    ending_note: str | None
    version: int

    @classmethod
    def of(cls, p: Placement, today: date) -> PlacementOut:
        return cls(
            id=p.id,
            call_off_id=p.call_off_id,
            previous_placement_id=p.previous_placement_id,
            child_reference=p.child_reference,
            authority_id=p.authority_id,
            provider_id=p.provider_id,
            setting_id=p.setting_id,
            lot_id=p.lot_id,
            age_band=p.age_band,
            need_level=p.need_level,
            start_date=p.start_date,
            weekly_fee_pence=p.fee_on(today),
            fee_on=today,
            scheduled_fees=[FeeFromOut.of(f) for f in p.scheduled_fees(today)],
            fee_history=[FeeFromOut.of(f) for f in p.fee_schedule()],
            distance_miles=p.distance_miles,
            out_of_area=p.out_of_area,
            over_20_miles=p.over_20_miles,
            off_framework=p.off_framework,
            off_framework_reason=p.off_framework_reason,
            ended_on=p.ended_on,
            ending_kind=p.ending_kind,
            ending_reason=p.ending_reason,
            ending_note=p.ending_note,
            version=p.version,
        )


class PlacementPage(Struct, kw_only=True):
    items: list[PlacementOut]
    next_cursor: str | None


class EndPlacementIn(Input, kw_only=True):
    ended_on: date
    kind: EndingKind
    reason_code: UnplannedReason | None = None
    note: ShortText | None = None


class MovePlacementIn(Input, kw_only=True):
    """End the current placement and start the next one (a move is an end plus a new placement)."""

    ended_on: date
    kind: EndingKind
    reason_code: UnplannedReason | None = None
    note: ShortText | None = None
    setting_id: int
    start_date: date
    weekly_fee_pence: OfferFeePence
    # A spot purchase outside the framework, recorded only on purpose with its reason (a move
    # within the framework passes the offer's eligibility and fee checks instead).
    off_framework: bool = False
    off_framework_reason: Reason | None = None


class CouncilFiguresOut(Struct, kw_only=True):
    authority_id: int
    started: int
    ended: int
    unplanned_endings: int
    live_at_end: int
    out_of_area_live: int
    over_20_miles_live: int
    children_live: int
    children_with_3_plus_placements: int
    spend_pence: int
    weekly_spend_live_pence: int
    off_framework_live: int
    off_framework_spend_pence: int


class PlacementReportOut(Struct, kw_only=True):
    first_day: date
    last_day: date
    arrangement_id: int | None = None  # figures of placements under this arrangement only
    councils: list[CouncilFiguresOut]
    consortium: CouncilFiguresOut | None = None  # the sum of `councils` (authority_id 0), for the lead
