"""Evidence per requirement as a timeline: which piece is in force on a day, and what follows it.

A provider renews before its certificate expires (the reminders ask it to, DESIGN.md story 5), so
it may hold two pieces for one requirement at once: the one in force and a renewal whose cover
starts later. The piece in force stays in force until it expires; a later-starting piece takes
over on its start day; a renewal that starts no later than the day after the expiry, and meets
the requirement on that day, covers the expiry (no reminders, no suspension). Every reader of
evidence (checks, eligibility, membership status, the deadlines view and the scheduler's evidence
rule) asks this module; nothing here reads a clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from dps.compliance.domain.requirements import CheckResult, Evidence, Outcome, Override, Requirement, evaluate

ONE_DAY = timedelta(days=1)

# Statuses of evidence still held: `replaced` pieces are history only.
HELD = frozenset({"current", "expired"})


def effective_start(e: Evidence) -> date:
    """The day a piece takes effect: its start date, or (undated) the day it was attached."""
    if e.starts_on is not None:
        return e.starts_on
    return e.submitted_at.date() if e.submitted_at is not None else date.min


def _order(e: Evidence) -> tuple[date, int]:
    # The later start wins; on the same day the later attachment (a correction) wins.
    return effective_start(e), e.id


def has_started(e: Evidence, day: date) -> bool:
    return e.starts_on is None or e.starts_on <= day


def is_lapsed(e: Evidence, day: date) -> bool:
    return e.status == "expired" or e.is_expired_on(day)


@dataclass(frozen=True, slots=True)
class EvidenceOnDay:
    """The piece in force on a day (None: nothing has started) and the next piece to take over."""

    in_force: Evidence | None
    following: Evidence | None


def on_day(held: Iterable[Evidence], day: date) -> EvidenceOnDay:
    """Of one requirement's held pieces (one provider), the one in force on `day`: the latest-starting
    piece that has started and not lapsed (if every started piece has lapsed, the latest-starting
    of them, so the check says `expired`); and the earliest piece starting after `day`."""
    pieces = [e for e in held if e.status in HELD]
    started = [e for e in pieces if has_started(e, day)]
    valid = [e for e in started if not is_lapsed(e, day)]
    in_force = max(valid or started, key=_order, default=None)
    upcoming = [e for e in pieces if not has_started(e, day)]
    following = min(upcoming, key=_order, default=None)
    return EvidenceOnDay(in_force, following)


def renewal_covering(requirement: Requirement, item: Evidence, held: Iterable[Evidence]) -> Evidence | None:
    """The held renewal that takes over from `item` without a gap: the piece in force on the day
    after `item` expires is another, later-starting piece that meets the requirement on that day.
    None when `item` does not expire or the renewal leaves a gap (or falls short)."""
    if item.expires_on is None:
        return None
    day_after = item.expires_on + ONE_DAY
    successor = on_day(held, day_after).in_force
    if successor is None or successor.id == item.id or _order(successor) <= _order(item):
        return None
    outcome = evaluate(requirement, successor.provider_id, successor, day_after).outcome
    return successor if outcome is Outcome.PASS else None


def overtaken(held: Iterable[Evidence], day: date) -> list[Evidence]:
    """Pieces that will never be in force again from `day`: every other piece that started no later
    than the one in force (a later start has taken over; the same start is a correction). A
    piece starting later is kept: it takes over on its own start day."""
    pieces = [e for e in held if e.status in HELD]
    in_force = on_day(pieces, day).in_force
    if in_force is None:
        return []
    return [e for e in pieces if e.id != in_force.id and _order(e) < _order(in_force)]


def corrected_by(held: Iterable[Evidence], new: Evidence) -> list[Evidence]:
    """Pieces a newly attached piece corrects: the held ones that take effect on the same day."""
    return [e for e in held if e.status in HELD and e.id != new.id and effective_start(e) == effective_start(new)]


def group_held(items: Iterable[Evidence]) -> dict[tuple[int, int], list[Evidence]]:
    """Held pieces by (requirement, provider)."""
    grouped: dict[tuple[int, int], list[Evidence]] = defaultdict(list)
    for e in items:
        if e.status in HELD:
            grouped[(e.requirement_id, e.provider_id)].append(e)
    return dict(grouped)


def check_on_day(
    requirement: Requirement,
    provider_id: int,
    held: Iterable[Evidence],
    day: date,
    *,
    override: Override | None = None,
) -> CheckResult:
    """The requirement's result on `day` from the piece in force (a piece not yet started when
    nothing is in force fails as "only starts on"), naming the renewal that covers its expiry."""
    pieces = list(held)
    standing = on_day(pieces, day)
    evidence = standing.in_force or standing.following
    result = evaluate(requirement, provider_id, evidence, day, override=override)
    if standing.in_force is not None and result.outcome is Outcome.PASS:
        renewal = renewal_covering(requirement, standing.in_force, pieces)
        if renewal is not None:
            result = replace(result, renewal_id=renewal.id)
    return result
