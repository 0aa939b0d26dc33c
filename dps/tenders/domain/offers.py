"""Offers: a provider's sealed answer to a call-off, and how opened offers are scored and ranked."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

import msgspec

from dps.core.codes import CommonCode
from dps.core.errors import Conflict, RuleViolation
from dps.core.evaluation import (
    Criterion,
    CriterionKind,
    Mark,
    check_mark,
    price_score,
    proximity_score,
    rank,
    spreads,
    suggested_consensus,
    weighted_total,
)
from dps.core.rounding import round_half_up
from dps.tenders.codes import TenderCode
from dps.tenders.domain.call_offs import PREFERRED_NEEDS_CRITERION, Criteria, preferred_needs_criterion


class OfferStatus(StrEnum):
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class AdditionalService:
    description: str
    weekly_fee_pence: int


@dataclass(frozen=True, slots=True)
class Answer:
    question_id: int
    text: str


@dataclass(frozen=True, slots=True)
class OfferContent:
    """What a provider offers; sealed until the deadline."""

    setting_id: int
    weekly_fee_pence: int
    additional_services: tuple[AdditionalService, ...]
    start_date: date
    answers: tuple[Answer, ...]
    notes: str

    @property
    def additional_services_pence(self) -> int:
        """The weekly fees of the additional services offered with the placement."""
        return sum(s.weekly_fee_pence for s in self.additional_services)

    def digest(self, salt: str = "") -> str:
        """SHA-256 of the salt and the content: the audit trail records this, never the content,
        before the deadline, so the trail proves what was offered without unsealing it. The salt is
        the offer's own secret (`Offer.content_salt`): without it a fee is guessable from the digest
        by trying every amount against the otherwise predictable content (invited setting, the
        child's start date, no answers when the call-off asks no questions)."""
        return hashlib.sha256(salt.encode() + msgspec.json.encode(self, order="sorted")).hexdigest()


def check_offer_content(content: OfferContent, criteria: Criteria, invited_setting_ids: frozenset[int]) -> None:
    """The setting must be one of the provider's invited settings; every question answered once."""
    if content.setting_id not in invited_setting_ids:
        raise RuleViolation(
            "offer one of your settings that was invited to this call-off", code=TenderCode.SETTING_NOT_INVITED
        )
    if content.weekly_fee_pence <= 0 or any(s.weekly_fee_pence < 0 for s in content.additional_services):
        raise RuleViolation("fees are positive amounts in pence", code=CommonCode.INVALID_FEE)
    asked = [q.id for q in criteria.questions]
    answered = [a.question_id for a in content.answers]
    if sorted(answered) != asked or any(not a.text.strip() for a in content.answers):
        raise RuleViolation(
            "answer every quality question exactly once", code=TenderCode.ANSWERS_INCOMPLETE, question_ids=asked
        )


@dataclass(frozen=True, slots=True)
class Offer:
    id: int
    call_off_id: int
    provider_id: int
    content: OfferContent
    fee_flags: tuple[str, ...]  # from pricing's fee check, e.g. "above_ceiling"
    status: OfferStatus
    submitted_at: datetime
    updated_at: datetime
    version: int
    revised_fee_pence: int | None = None  # the second round's fee, sealed until that round's deadline
    revised_at: datetime | None = None
    content_salt: str = ""  # random, kept with the offer and never shown: salts `content_digest`

    @property
    def content_digest(self) -> str:
        return self.content.digest(self.content_salt)

    @property
    def weekly_total_pence(self) -> int:
        """What the placement costs a week: the core fee that counts plus the additional services."""
        return self.agreed_fee_pence + self.content.additional_services_pence

    @property
    def agreed_fee_pence(self) -> int:
        """The weekly fee that counts: the second round's when one was given, else the first."""
        return self.revised_fee_pence if self.revised_fee_pence is not None else self.content.weekly_fee_pence

    def revise_fee(self, fee_pence: int, at: datetime) -> Offer:
        """A second-round fee: positive and not higher than the first (the round only lowers prices)."""
        if self.status is not OfferStatus.SUBMITTED:
            raise Conflict("a withdrawn offer is not in the second round", code=TenderCode.OFFER_WITHDRAWN)
        if not 0 < fee_pence <= self.content.weekly_fee_pence:
            raise RuleViolation(
                "the revised weekly fee is positive and no higher than the first offer's",
                code=TenderCode.REVISED_FEE_NOT_LOWER,
                first_fee_pence=self.content.weekly_fee_pence,
            )
        # The version stays: a council reading the offers while the round is open must not tell
        # from a changed version (or ETag) which provider revised (issue 13 item 10).
        return replace(self, revised_fee_pence=fee_pence, revised_at=at)

    def revise(self, content: OfferContent, flags: tuple[str, ...], at: datetime) -> Offer:
        if self.status is OfferStatus.WITHDRAWN:
            raise Conflict("a withdrawn offer cannot be changed; submit a new one", code=TenderCode.OFFER_WITHDRAWN)
        return replace(self, content=content, fee_flags=flags, updated_at=at, version=self.version + 1)

    def withdraw(self, at: datetime) -> Offer:
        if self.status is OfferStatus.WITHDRAWN:
            raise Conflict("the offer is already withdrawn", code=TenderCode.OFFER_WITHDRAWN)
        return replace(self, status=OfferStatus.WITHDRAWN, updated_at=at, version=self.version + 1)


# --- evaluation --------------------------------------------------------------------------------


def moderated_marks(
    criteria: Criteria,
    evaluator_marks: Mapping[int, Sequence[Mark]],
    moderated: Mapping[int, Mark],
    tolerance: int = 1,
    *,
    criterion_list: Sequence[Criterion] | None = None,
) -> dict[int, Mark]:
    """The mark that counts for each question of one offer.

    A moderator's recorded mark wins. Without one, a question where every evaluator's mark lies
    within `tolerance` (and every gateway mark agrees) takes the suggested consensus (the median),
    with the reason "consensus of N evaluators"; a question where they disagree must be moderated
    (409 `moderation_required`): the shared rules of `dps.core.evaluation`. Scoring many offers
    passes `criterion_list` (`criteria.criteria()`) once instead of building it per offer.
    """
    if criterion_list is None:
        criterion_list = criteria.criteria()
    result: dict[int, Mark] = {}
    disputed = {s.criterion_id for s in spreads(criterion_list, evaluator_marks, tolerance) if s.needs_discussion}
    for criterion in criterion_list:
        if criterion.id in moderated:
            check_mark(criterion, moderated[criterion.id])
            result[criterion.id] = moderated[criterion.id]
            continue
        marks = [m for ms in evaluator_marks.values() for m in ms if m.criterion_id == criterion.id]
        if not marks:
            raise RuleViolation(
                f"question {criterion.id} has no marks yet", code=CommonCode.MARKS_MISSING, question_id=criterion.id
            )
        if criterion.id in disputed:
            raise Conflict(
                f"evaluators disagree on question {criterion.id}: record a moderated mark",
                code=TenderCode.MODERATION_REQUIRED,
                question_id=criterion.id,
            )
        suggestion = suggested_consensus(criterion, marks)
        result[criterion.id] = suggestion.as_mark(f"consensus of {len(marks)} evaluators")
    return result


@dataclass(frozen=True, slots=True)
class OfferFacts:
    """What scoring needs to know about one opened offer."""

    offer_id: int
    weekly_fee_pence: int  # the core fee (the second round's where one was given)
    distance_miles: Decimal
    submitted_at: datetime
    marks: Mapping[int, Mark]  # the moderated mark per question
    additional_services_pence: int = 0  # the weekly fees of the services offered with the placement
    preferred_needs_met: int = 0  # how many of the child's preferred needs the setting meets

    @property
    def weekly_total_pence(self) -> int:
        """What price is scored on: the core fee plus the additional services offered. An offer that
        moves cost out of its fee into "additional" services costs the council the same, so pricing
        the fee alone would reward the move (PCR 2015 reg 67: the most economically advantageous
        tender on the price or cost of what is offered)."""
        return self.weekly_fee_pence + self.additional_services_pence


@dataclass(frozen=True, slots=True)
class OfferScore:
    offer_id: int
    failed_gateways: tuple[int, ...]
    quality_percent: Decimal  # weighted total of the scored questions, 0..100
    quality_score: Decimal  # quality_percent x quality weight / 100
    price_score: Decimal
    proximity_score: Decimal
    total: Decimal
    rank: int | None  # None when a gateway failed (the offer is not ranked)


def score_offers(criteria: Criteria, offers: Sequence[OfferFacts], preferred_needs: int = 0) -> list[OfferScore]:
    """Score and rank opened offers.

    total = quality + price + proximity, each rounded half up to 0.01, where
      quality   = quality_weight x weighted_total(moderated marks) / 100, the preferred needs
                  counting as one more scored criterion: meeting m of the child's `preferred_needs`
                  scores m out of that many, at `preferred_needs_weight` (`preferred_needs_criterion`)
      price     = price_weight x lowest weekly total / this weekly total, where the weekly total is
                  the core fee plus the additional services offered (lowest among the offers passing
                  every gateway)
      proximity = proximity_weight x 1 within full_marks_within miles, falling linearly to 0 at
                  zero_beyond miles (`dps.core.evaluation.proximity_score`)
    An offer that fails a gateway question is not scored further and not ranked. Ranking is by
    total, highest first; ties are broken by the higher quality score, then the lower weekly total,
    then the shorter distance, then the earlier submission (the last change before the deadline).
    """
    criterion_list = criteria.criteria()
    gateways = [c for c in criterion_list if c.kind is CriterionKind.PASS_FAIL]
    needs_criterion = preferred_needs_criterion(criteria, preferred_needs)
    if needs_criterion is not None:
        criterion_list = [*criterion_list, needs_criterion]
        offers = [
            replace(o, marks={**o.marks, needs_criterion.id: _needs_mark(o.preferred_needs_met, preferred_needs)})
            for o in offers
        ]
    failed: dict[int, tuple[int, ...]] = {}
    for offer in offers:
        failures = tuple(g.id for g in gateways if not _gateway_passed(offer.marks, g.id))
        if failures:
            failed[offer.offer_id] = failures
    passing = [o for o in offers if o.offer_id not in failed]
    lowest = min((o.weekly_total_pence for o in passing), default=0)
    scores: dict[int, OfferScore] = {}
    entries = []
    # Marks are small whole numbers, so many offers share a pattern of marks (and some a fee or a
    # distance): each distinct input is scored once with the shared rules and the result reused.
    quality_of: dict[tuple[tuple[int, int | None, bool | None], ...], tuple[Decimal, Decimal]] = {}
    price_of: dict[int, Decimal] = {}
    proximity_of: dict[Decimal, Decimal] = {}
    for offer in offers:
        pattern = tuple(sorted((m.criterion_id, m.score, m.passed) for m in offer.marks.values()))
        if pattern not in quality_of:
            percent = weighted_total(criterion_list, offer.marks)
            quality_of[pattern] = percent, round_half_up(Fraction(percent) * Fraction(criteria.quality_weight) / 100)
        quality_percent, quality = quality_of[pattern]
        if offer.offer_id in failed:
            scores[offer.offer_id] = OfferScore(
                offer.offer_id, failed[offer.offer_id], quality_percent, Decimal("0.00"),
                Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), None,
            )  # fmt: skip
            continue
        fee = offer.weekly_total_pence
        if fee not in price_of:
            price_of[fee] = price_score(lowest, fee, criteria.price_weight)
        price = price_of[fee]
        if offer.distance_miles not in proximity_of:
            proximity_of[offer.distance_miles] = proximity_score(
                offer.distance_miles,
                criteria.proximity_weight,
                criteria.full_marks_within_miles,
                criteria.zero_beyond_miles,
            )
        proximity = proximity_of[offer.distance_miles]
        total = quality + price + proximity
        scores[offer.offer_id] = OfferScore(offer.offer_id, (), quality_percent, quality, price, proximity, total, None)
        entries.append((offer.offer_id, total, (-quality, fee, offer.distance_miles, offer.submitted_at)))
    for ranked in rank(entries):
        scores[ranked.key] = replace(scores[ranked.key], rank=ranked.rank)
    return [scores[o.offer_id] for o in offers]


def _needs_mark(met: int, preferred: int) -> Mark:
    if not 0 <= met <= preferred:
        raise RuleViolation(
            "a setting meets between none and all of the preferred needs", code=TenderCode.INVALID_NEEDS_MET
        )
    return Mark(PREFERRED_NEEDS_CRITERION, met, None, f"meets {met} of {preferred} preferred needs")


def _gateway_passed(marks: Mapping[int, Mark], criterion_id: int) -> bool:
    mark = marks.get(criterion_id)
    return mark is not None and bool(mark.passed)
