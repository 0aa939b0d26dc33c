"""Evaluation: how marks become a decision, shared by applications and offers.

One mechanism serves both evaluations the product runs. `dps.frameworks` evaluates a provider's
application to join a lot (questionnaire answers); `dps.tenders` evaluates offers in a call-off
(quality questions, then a price score and a proximity score added by the caller). Both call
this module, so the rules below are written once.

The mechanism, in order:

1. **Independent marking.** Each evaluator marks every criterion on their own, with a rationale
   for every mark (`check_mark`, `missing_marks`, `check_submission`). Until an evaluator has
   submitted, the others' marks stay sealed from them (`sealed_until_submitted`); nobody, the
   moderator included, sees another's unsubmitted draft (`marks_visible`).
2. **Spreads.** Once all have submitted, `spreads` shows where they disagree: scored criteria
   whose marks differ by more than a tolerance, and gateways where one passed and another failed.
   Moderation concentrates there.
3. **Moderation.** The officer records one moderated mark per criterion, with a reason. A
   `suggested_consensus` (median score; majority pass, a tie failing) is only a starting point.
4. **Gateways.** A pass/fail criterion moderated as fail rejects, whatever the scores.
5. **Weighted total.** Scored criteria combine as a weighted percentage, computed exactly and
   rounded once (`weighted_total`, `round_half_up`).
6. **Threshold.** `result` passes an application when no gateway failed and the total reaches
   the published threshold.
7. **Ranking.** Offers in a call-off are ordered by total with published tie-breaks (`rank`);
   `price_score` and `proximity_score` are the call-off's other two components.

Weights and the threshold are fixed and published before anyone is marked, and the arithmetic
here never depends on who is being marked: PCR 2015 reg 18(1) requires contracting authorities
to treat economic operators equally and without discrimination and to act transparently, and
reg 67(5) requires the relative weighting of each award criterion to be stated in the
procurement documents. Scores and weights are ints and Decimals, never floats, and all
intermediate arithmetic is exact (`Fraction`), so the same marks always give the same total.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, Inexact, localcontext
from enum import StrEnum
from fractions import Fraction
from math import lcm
from typing import Any, Generic, TypeVar

from dps.core.codes import CommonCode
from dps.core.errors import RuleViolation
from dps.core.rounding import round_half_up

K = TypeVar("K")

HUNDRED = Fraction(100)


class CriterionKind(StrEnum):
    PASS_FAIL = "pass_fail"  # noqa: S105 - a criterion kind, not a password
    SCORED = "scored"


@dataclass(frozen=True, slots=True)
class Criterion:
    """One question as evaluated: a gateway (pass/fail) or a scored, weighted question."""

    id: int
    kind: CriterionKind
    max_score: int = 0  # SCORED: scores run 0..max_score; PASS_FAIL: 0
    weight: Decimal = Decimal(0)  # SCORED: relative weight, > 0; PASS_FAIL: 0

    def __post_init__(self) -> None:
        if self.kind is CriterionKind.SCORED:
            valid = self.max_score >= 1 and self.weight.is_finite() and self.weight > 0
        else:
            valid = self.max_score == 0 and self.weight == 0
        if not valid:
            raise RuleViolation(
                f"criterion {self.id}: a scored criterion needs max_score >= 1 and a weight > 0; "
                "a pass/fail criterion has neither",
                code=CommonCode.INVALID_CRITERION,
                criterion_id=self.id,
            )


@dataclass(frozen=True, slots=True)
class Mark:
    """One evaluator's (or the moderator's) mark on one criterion."""

    criterion_id: int
    score: int | None  # SCORED
    passed: bool | None  # PASS_FAIL
    rationale: str


def _violation(code: str, detail: str, criterion_id: int) -> RuleViolation:
    return RuleViolation(detail, code=code, criterion_id=criterion_id)


def check_mark(criterion: Criterion, mark: Mark) -> None:
    """Refuse a mark that does not fit its criterion or gives no reason."""
    cid = criterion.id
    if mark.criterion_id != cid:
        raise _violation("criterion_mismatch", f"the mark is for criterion {mark.criterion_id}", cid)
    if criterion.kind is CriterionKind.SCORED:
        if mark.score is None:
            raise _violation("score_missing", f"criterion {cid} is scored: give a score", cid)
        if mark.passed is not None:
            raise _violation("mark_kind_mismatch", f"criterion {cid} is scored, not pass/fail", cid)
        if not 0 <= mark.score <= criterion.max_score:
            raise _violation("score_out_of_range", f"criterion {cid} is scored from 0 to {criterion.max_score}", cid)
    else:
        if mark.passed is None:
            raise _violation("pass_fail_missing", f"criterion {cid} is pass/fail: say which", cid)
        if mark.score is not None:
            raise _violation("mark_kind_mismatch", f"criterion {cid} is pass/fail, not scored", cid)
    # Every mark carries its reason. Moderation reconciles differing marks by their reasons; the
    # decision letter must give the reasons for rejection (PCR 2015 reg 55(2), reg 86 for the
    # relative advantages of the winning offer); and the procurement record must show how each
    # decision was reached (reg 84). A number without a reason cannot be explained or defended.
    if not mark.rationale.strip():
        raise _violation("rationale_required", f"criterion {cid}: explain the mark", cid)


def _has_value(criterion: Criterion, mark: Mark) -> bool:
    return (mark.score if criterion.kind is CriterionKind.SCORED else mark.passed) is not None


def missing_marks(criteria: Sequence[Criterion], marks: Sequence[Mark]) -> list[int]:
    """Ids of criteria not yet marked, in criteria order (a mark without its value is a draft)."""
    by_id = {criterion.id: criterion for criterion in criteria}
    marked = {m.criterion_id for m in marks if m.criterion_id in by_id and _has_value(by_id[m.criterion_id], m)}
    return [criterion.id for criterion in criteria if criterion.id not in marked]


def _marks_by_criterion(criteria: Sequence[Criterion], marks: Sequence[Mark]) -> dict[int, Mark]:
    """Index one evaluator's marks, refusing marks for unknown criteria and second marks."""
    known = {criterion.id for criterion in criteria}
    indexed: dict[int, Mark] = {}
    for mark in marks:
        if mark.criterion_id not in known:
            raise _violation("unknown_criterion", "no such criterion here", mark.criterion_id)
        if mark.criterion_id in indexed:
            raise _violation("duplicate_mark", "one mark per criterion", mark.criterion_id)
        indexed[mark.criterion_id] = mark
    return indexed


def check_submission(criteria: Sequence[Criterion], marks: Sequence[Mark]) -> None:
    """Refuse an evaluator's submission unless every criterion has exactly one valid mark."""
    indexed = _marks_by_criterion(criteria, marks)
    for criterion in criteria:
        if criterion.id in indexed:
            check_mark(criterion, indexed[criterion.id])
    missing = missing_marks(criteria, marks)
    if missing:
        raise RuleViolation(
            f"{len(missing)} criteria are not marked yet", code=CommonCode.MARKS_MISSING, criterion_ids=missing
        )


def check_moderation(criteria: Sequence[Criterion], marks: Sequence[Mark]) -> dict[int, Mark]:
    """Refuse moderated marks unless each is for a criterion being evaluated, at most one per
    criterion, and valid with its reason (`check_mark`); the marks by criterion id otherwise.
    Moderation may cover some criteria only (where evaluators disagree). One rule for moderating
    applications and offers alike (PCR 2015 reg 18(1): equal treatment; reg 84: the record of why
    each mark stands)."""
    indexed = _marks_by_criterion(criteria, marks)
    by_id = {criterion.id: criterion for criterion in criteria}
    for criterion_id, mark in indexed.items():
        check_mark(by_id[criterion_id], mark)
    return indexed


def sealed_until_submitted(viewer_id: int, submitted: Collection[int]) -> bool:
    """True while `viewer_id` may NOT see the other evaluators' marks.

    Evaluators mark independently: seeing a colleague's score first anchors one's own, and two
    anchored marks are one opinion counted twice. So an evaluator sees the others' marks only
    once they have submitted their own; `submitted` holds the ids of those who have.
    """
    return viewer_id not in submitted


def marks_visible(viewer_id: int, owner_id: int, submitted: Collection[int], *, moderator: bool) -> bool:
    """Whether `viewer_id` may see the marks `owner_id` gave.

    Everyone sees their own marks, drafts included. Nobody sees another evaluator's marks until
    that evaluator has submitted them: a draft is work in progress and may still change, and a
    moderator or colleague reading it would anchor, or be seen to steer, the final mark. Once the
    owner has submitted, the moderator sees them; a fellow evaluator only once they have
    submitted their own too (`sealed_until_submitted`). `submitted` holds who has submitted.
    """
    if viewer_id == owner_id:
        return True
    if owner_id not in submitted:
        return False
    return moderator or not sealed_until_submitted(viewer_id, submitted)


@dataclass(frozen=True, slots=True)
class Spread:
    """How far evaluators' marks on one criterion lie apart (pass/fail as 0 = fail, 1 = pass)."""

    criterion_id: int
    lowest: int
    highest: int
    needs_discussion: bool


def _mark_value(criterion: Criterion, mark: Mark) -> int:
    if criterion.kind is CriterionKind.SCORED:
        assert mark.score is not None  # check_mark has run
        return mark.score
    return 1 if mark.passed else 0


def spreads(
    criteria: Sequence[Criterion], marks_by_evaluator: Mapping[int, Sequence[Mark]], tolerance: int = 1
) -> list[Spread]:
    """The range of evaluators' marks per criterion, in criteria order; criteria nobody marked are left out.

    A scored criterion needs discussion when its highest and lowest scores differ by more than
    `tolerance`; a gateway needs discussion whenever one evaluator passed and another failed.
    """
    if tolerance < 0:
        raise RuleViolation("the tolerance cannot be negative", code=CommonCode.INVALID_TOLERANCE)
    indexed = [_marks_by_criterion(criteria, marks) for marks in marks_by_evaluator.values()]
    result: list[Spread] = []
    for criterion in criteria:
        values: list[int] = []
        for by_criterion in indexed:
            mark = by_criterion.get(criterion.id)
            if mark is not None:
                check_mark(criterion, mark)
                values.append(_mark_value(criterion, mark))
        if not values:
            continue
        lowest, highest = min(values), max(values)
        allowed = tolerance if criterion.kind is CriterionKind.SCORED else 0
        result.append(Spread(criterion.id, lowest, highest, highest - lowest > allowed))
    return result


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A starting point for the moderated mark; the moderator supplies the reason."""

    criterion_id: int
    score: int | None
    passed: bool | None

    def as_mark(self, rationale: str) -> Mark:
        """The suggestion adopted as a mark with the moderator's reason."""
        return Mark(self.criterion_id, self.score, self.passed, rationale)


def suggested_consensus(criterion: Criterion, marks: Sequence[Mark]) -> Suggestion:
    """Suggest a moderated mark from the evaluators' marks on one criterion.

    Scored: the median score, so one outlying evaluator does not drag the suggestion; with an
    even number of marks the median is the mean of the middle two, rounded half up to a whole
    score (2 and 3 suggest 3) by the same `round_half_up` used everywhere else.
    Pass/fail: pass when most evaluators passed. A tie fails: a gateway is a minimum standard
    (safeguarding, insurance, registration), and an even split means it has not been shown to be
    met, so a doubt fails safe; the moderator may still pass it, with a recorded reason.
    """
    if not marks:
        raise _violation("no_marks", "no evaluator has marked this criterion", criterion.id)
    for mark in marks:
        check_mark(criterion, mark)
    if criterion.kind is CriterionKind.PASS_FAIL:
        passes = sum(1 for mark in marks if mark.passed)
        return Suggestion(criterion.id, None, passes * 2 > len(marks))
    scores = sorted(_mark_value(criterion, mark) for mark in marks)
    middle = len(scores) // 2
    if len(scores) % 2:
        return Suggestion(criterion.id, scores[middle], None)
    # The mean of two whole, non-negative scores is a whole or a half: adding one before the floor
    # division rounds the half up, exactly as round_half_up(Fraction(a + b, 2), "1") would.
    return Suggestion(criterion.id, (scores[middle - 1] + scores[middle] + 1) // 2, None)


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of one moderated evaluation."""

    failed_gateways: tuple[int, ...]  # PASS_FAIL criteria moderated as fail, in criteria order
    weighted_total: Decimal  # 0.00..100.00, two decimal places
    meets_threshold: bool  # no failed gateway AND weighted_total >= threshold


def _moderated_mark(criterion: Criterion, moderated: Mapping[int, Mark]) -> Mark:
    mark = moderated.get(criterion.id)
    if mark is None:
        raise _violation("moderation_incomplete", f"criterion {criterion.id} is not moderated", criterion.id)
    check_mark(criterion, mark)
    return mark


def weighted_total(criteria: Sequence[Criterion], moderated: Mapping[int, Mark]) -> Decimal:
    """The weighted percentage over scored criteria, 0.00 to 100.00.

    total = 100 * sum(score / max_score * weight) / sum(weight), over SCORED criteria, computed
    exactly and rounded once at the end with `round_half_up` to two places. E.g. weights 60 and
    40 scored 3/5 and 4/5: 100 * (0.6 * 60 + 0.8 * 40) / 100 = 68.00. With no scored criteria
    (a gateway-only questionnaire) the total is 0.00.
    """
    scored = [c for c in criteria if c.kind is CriterionKind.SCORED]
    if not scored:
        return Decimal("0.00")
    # Exact without a Fraction per question: over the common denominator L of the maximum scores,
    # score / max * weight = score * (L / max) * weight, and Decimal products and sums of these
    # short numbers are exact; one Fraction division and one rounding at the end.
    common = lcm(*(c.max_score for c in scored))
    numerator = Decimal(0)
    weights = Decimal(0)
    with localcontext() as exact:
        exact.prec = 1000  # far beyond any weight or score; Inexact traps if that ever failed
        exact.traps[Inexact] = True
        for criterion in scored:
            score = _mark_value(criterion, _moderated_mark(criterion, moderated))
            numerator += score * (common // criterion.max_score) * criterion.weight
            weights += criterion.weight
    return round_half_up(Fraction(numerator) / (Fraction(weights) * common) * HUNDRED)


def result(
    criteria: Sequence[Criterion],
    moderated: Mapping[int, Mark],
    threshold: Decimal,
    *,
    threshold_applies: bool = True,
) -> Result:
    """Apply the gateways and the threshold to the moderated marks.

    The threshold is compared with the rounded total, the figure published to the provider, so
    the decision and the number shown always agree (59.995 shows as 60.00 and meets 60.00).
    With `threshold_applies=False` (a pass/fail questionnaire has no score to reach) the result
    passes on the gateways alone; the total is still reported.
    """
    if not (threshold.is_finite() and 0 <= threshold <= 100):
        raise RuleViolation("the threshold runs from 0 to 100", code=CommonCode.INVALID_THRESHOLD)
    failed = tuple(
        criterion.id
        for criterion in criteria
        if criterion.kind is CriterionKind.PASS_FAIL and not _moderated_mark(criterion, moderated).passed
    )
    total = weighted_total(criteria, moderated)
    return Result(failed, total, not failed and (not threshold_applies or total >= threshold))


@dataclass(frozen=True, slots=True)
class Ranked(Generic[K]):
    """One ranked entry: the caller's key (an offer id), its total and its rank from 1."""

    key: K
    total: Decimal
    rank: int


def rank(entries: Sequence[tuple[K, Decimal, tuple[Any, ...]]]) -> list[Ranked[K]]:
    """Order (key, total, tie_break) entries best first and number them.

    Highest total first. Equal totals are ordered by the caller's tie-break tuple, compared
    ascending (e.g. `(-quality_total, weekly_fee_pence, submitted_at)`: better quality, then the
    cheaper, then the earlier offer). Entries equal in total AND tie-break share a rank and the
    next rank skips (standard competition ranking: 1, 1, 3); they keep their input order. The
    tie-break rule is published with the call-off, so an order never depends on who is ranked.
    """
    ordered = sorted(entries, key=lambda entry: (-entry[1], entry[2]))
    ranked: list[Ranked[K]] = []
    for position, (key, total, tie_break) in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        same = previous is not None and previous[1] == total and previous[2] == tie_break
        ranked.append(Ranked(key, total, ranked[-1].rank if same else position))
    return ranked


def _check_weight(weight: Decimal) -> None:
    if not (weight.is_finite() and weight >= 0):
        raise RuleViolation("a weight is a finite number, 0 or more", code=CommonCode.INVALID_WEIGHT)


def price_score(lowest_fee_pence: int, fee_pence: int, weight: Decimal) -> Decimal:
    """The price component of a call-off: weight * lowest_fee / fee, rounded half up to 0.01.

    The lowest fee among the opened offers earns the full weight; twice the lowest earns half.
    """
    _check_weight(weight)
    if fee_pence <= 0 or not 0 < lowest_fee_pence <= fee_pence:
        raise RuleViolation(
            "fees must be positive and the lowest fee no more than this one",
            code=CommonCode.INVALID_FEE,
            lowest_fee_pence=lowest_fee_pence,
            fee_pence=fee_pence,
        )
    return round_half_up(Fraction(lowest_fee_pence, fee_pence) * Fraction(weight))


def check_proximity_band(full_marks_within: Decimal, zero_beyond: Decimal) -> None:
    """The proximity band a call-off publishes: full marks from 0 miles or more up to a distance
    before the one that scores zero, both finite (PCR 2015 reg 67(5): the award criteria and how
    they are scored are stated in the procurement documents, so a band that cannot score is refused)."""
    if not (full_marks_within.is_finite() and zero_beyond.is_finite() and 0 <= full_marks_within < zero_beyond):
        raise RuleViolation(
            "full marks must start at 0 miles or more and before the distance that scores zero",
            code=CommonCode.INVALID_PROXIMITY_BAND,
        )


def proximity_score(
    distance_miles: Decimal,
    weight: Decimal,
    full_marks_within: Decimal = Decimal(5),
    zero_beyond: Decimal = Decimal(50),
) -> Decimal:
    """The proximity component of a call-off, rounded half up to 0.01.

    Distance is the straight line from the child's home district to the setting (`dps.core.geo`).
    score = weight                                              when d <= full_marks_within
          = weight * (zero_beyond - d) / (zero_beyond - full_marks_within)   in between
          = 0                                                   when d >= zero_beyond
    With the defaults, 27.5 miles earns half the weight. A placement near home keeps a child's
    school, family and friends within reach; the commissioner may set both distances per call-off.
    """
    _check_weight(weight)
    if not (distance_miles.is_finite() and distance_miles >= 0):
        raise RuleViolation("a distance cannot be negative", code=CommonCode.INVALID_DISTANCE)
    check_proximity_band(full_marks_within, zero_beyond)
    if distance_miles <= full_marks_within:
        share = Fraction(1)
    elif distance_miles >= zero_beyond:
        share = Fraction(0)
    else:
        share = Fraction(zero_beyond - distance_miles) / Fraction(zero_beyond - full_marks_within)
    return round_half_up(share * Fraction(weight))
