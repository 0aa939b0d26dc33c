"""Queries of the scheduler: the due deadline checks, and the facts its rules read.

The only module of dps.scheduler that queries. Reading frameworks' rows here (rather than through
`dps.frameworks.repository`) keeps each rule's facts to one indexed query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from piccolo.querystring import QueryString

from dps.accounts.domain import Region
from dps.core.db import DB
from dps.frameworks.domain.applications import ApplicationStatus
from dps.scheduler.domain import ApplicationFacts

# Arbitrary constant naming the lock that lets one scheduler instance sweep at a time.
SWEEP_LOCK = 7_310_002


async def _fetch(sql: str, *args: Any) -> list[dict[str, Any]]:
    return list(await DB.run_querystring(QueryString(sql, *args)))


async def try_sweep_lock() -> bool:
    """Take the sweep's transaction-scoped advisory lock; False when another instance holds it."""
    rows = await _fetch("SELECT pg_try_advisory_xact_lock({}) AS locked", SWEEP_LOCK)
    return bool(rows[0]["locked"])


@dataclass(frozen=True, slots=True)
class DueCheck:
    entity_type: str
    entity_id: int
    next_check_at: datetime


async def due_checks(now: datetime, limit: int) -> list[DueCheck]:
    """The due rows, oldest first, by the next_check_at index; rows a writer holds are skipped
    (its transaction is setting a new time; the next sweep sees it)."""
    rows = await _fetch(
        """SELECT entity_type, entity_id, next_check_at FROM deadline_checks
           WHERE next_check_at <= {} ORDER BY next_check_at, id LIMIT {} FOR UPDATE SKIP LOCKED""",
        now,
        limit,
    )
    return [DueCheck(r["entity_type"], r["entity_id"], r["next_check_at"]) for r in rows]


async def set_next_checks(checks: list[tuple[str, int, datetime | None]]) -> None:
    """Store the next check times of a batch in two statements (None stops tracking)."""
    kept = [c for c in checks if c[2] is not None]
    dropped = [c for c in checks if c[2] is None]
    if kept:
        await _fetch(
            """UPDATE deadline_checks d SET next_check_at = v.at
               FROM unnest({}::text[], {}::bigint[], {}::timestamptz[]) AS v(entity_type, entity_id, at)
               WHERE d.entity_type = v.entity_type AND d.entity_id = v.entity_id""",
            [c[0] for c in kept],
            [c[1] for c in kept],
            [c[2] for c in kept],
        )
    if dropped:
        await _fetch(
            """DELETE FROM deadline_checks d
               USING unnest({}::text[], {}::bigint[]) AS v(entity_type, entity_id)
               WHERE d.entity_type = v.entity_type AND d.entity_id = v.entity_id""",
            [c[0] for c in dropped],
            [c[1] for c in dropped],
        )


async def count_due(now: datetime) -> int:
    rows = await _fetch("SELECT count(*) AS n FROM deadline_checks WHERE next_check_at <= {}", now)
    return int(rows[0]["n"])


# --- facts for the frameworks rules ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApplicationContext:
    facts: ApplicationFacts
    provider_id: int
    arrangement_title: str
    lead_authority_id: int
    profile_code: str
    region: Region


_APPLICATION_SQL = """
SELECT a.id, a.arrangement, a.provider, a.status, a.decision_due_on,
       r.title, r.lead_authority, r.profile_code, u.region
FROM applications a
JOIN arrangements r ON r.id = a.arrangement
JOIN authorities u ON u.id = r.lead_authority
WHERE {where}
"""


def _application_context(row: dict[str, Any]) -> ApplicationContext:
    return ApplicationContext(
        facts=ApplicationFacts(
            id=row["id"],
            arrangement_id=row["arrangement"],
            status=ApplicationStatus(row["status"]),
            decision_due_on=row["decision_due_on"],
        ),
        provider_id=row["provider"],
        arrangement_title=row["title"],
        lead_authority_id=row["lead_authority"],
        profile_code=row["profile_code"],
        region=Region(row["region"]),
    )


async def application_context(application_id: int) -> ApplicationContext | None:
    rows = await _fetch(_APPLICATION_SQL.format(where="a.id = {}"), application_id)
    return _application_context(rows[0]) if rows else None


async def live_applications(
    *, lead_authority_id: int | None = None, provider_id: int | None = None
) -> list[ApplicationContext]:
    """Applications awaiting a decision, of arrangements an authority leads or of one provider."""
    where = """a.status IN ('submitted', 'under_evaluation') AND a.decision_due_on IS NOT NULL
        AND ({}::bigint IS NULL OR r.lead_authority = {}) AND ({}::bigint IS NULL OR a.provider = {})"""
    rows = await _fetch(
        _APPLICATION_SQL.format(where=where) + " ORDER BY a.decision_due_on, a.id",
        lead_authority_id,
        lead_authority_id,
        provider_id,
        provider_id,
    )
    return [_application_context(r) for r in rows]


async def member_provider_ids(arrangement_id: int) -> list[int]:
    """Providers holding a live (active or suspended) membership of the arrangement."""
    rows = await _fetch(
        """SELECT DISTINCT provider FROM memberships
           WHERE arrangement = {} AND status IN ('active', 'suspended') ORDER BY provider""",
        arrangement_id,
    )
    return [r["provider"] for r in rows]


@dataclass(frozen=True, slots=True)
class ArrangementEnding:
    id: int
    title: str
    term_end: date
    profile_code: str
    status: str


async def arrangements_ending(
    until: date, *, authority_id: int | None = None, provider_id: int | None = None
) -> list[ArrangementEnding]:
    """Live arrangements whose term ends by `until`: those an authority leads or joins, or those
    in which a provider holds a live membership."""
    rows = await _fetch(
        """SELECT r.id, r.title, r.term_end, r.profile_code, r.status FROM arrangements r
           WHERE r.status IN ('open', 'closed', 'suspended') AND r.term_end <= {}
             AND ({}::bigint IS NULL OR r.lead_authority = {} OR {} = ANY(r.member_authority_ids))
             AND ({}::bigint IS NULL OR EXISTS (
                 SELECT 1 FROM memberships m WHERE m.arrangement = r.id AND m.provider = {}
                 AND m.status IN ('active', 'suspended')))
           ORDER BY r.term_end, r.id""",
        until,
        authority_id,
        authority_id,
        authority_id,
        provider_id,
        provider_id,
    )
    return [ArrangementEnding(r["id"], r["title"], r["term_end"], r["profile_code"], r["status"]) for r in rows]
