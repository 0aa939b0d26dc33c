"""Queries of the scheduler: the due deadline checks, and the facts its rules read.

The only module of dps.scheduler that queries. Reading frameworks' rows here (rather than through
`dps.frameworks.repository`) keeps each rule's facts to one indexed query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from piccolo.querystring import QueryString

from dps.accounts.domain import Region
from dps.compliance import public as compliance
from dps.core.dates import UK_TIME
from dps.core.db import DB
from dps.core.deadlines import EntityType
from dps.frameworks.domain.applications import ApplicationStatus
from dps.scheduler.domain import ApplicationFacts, DeadlineKind

# Arbitrary constant naming the lock that lets one scheduler instance sweep at a time.
SWEEP_LOCK = 7_310_002


async def _fetch(sql: str, *args: Any) -> list[dict[str, Any]]:
    return list(await DB.run_querystring(QueryString(sql, *args)))


async def try_sweep_lock() -> bool:
    """Take the sweep's transaction-scoped advisory lock; False when another instance holds it."""
    rows = await _fetch("SELECT pg_try_advisory_xact_lock({}) AS locked", SWEEP_LOCK)
    return bool(rows[0]["locked"])


async def ensure_tracked(checks: list[tuple[str, int]], at: datetime) -> None:
    """Start tracking these rows at `at` unless they are tracked already (their time is kept)."""
    await _fetch(
        """INSERT INTO deadline_checks (entity_type, entity_id, next_check_at)
           SELECT v.entity_type, v.entity_id, {} FROM unnest({}::text[], {}::bigint[]) AS v(entity_type, entity_id)
           ON CONFLICT (entity_type, entity_id) DO NOTHING""",
        at,
        [c[0] for c in checks],
        [c[1] for c in checks],
    )


def entity_type_of(stored: str) -> EntityType | str:
    """The EntityType a row holds; an unknown text stays as it is (the sweep logs it and moves on)."""
    try:
        return EntityType(stored)
    except ValueError:
        return stored


@dataclass(frozen=True, slots=True)
class DueCheck:
    entity_type: EntityType | str
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
    return [DueCheck(entity_type_of(r["entity_type"]), r["entity_id"], r["next_check_at"]) for r in rows]


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


# --- facts for the compliance rules ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConcernContext:
    id: int
    status: str
    review_on: date | None
    issuing_authority_id: int
    provider_name: str


async def concern_context(concern_id: int) -> ConcernContext | None:
    rows = await _fetch(
        """SELECT c.id, c.status, c.review_on, c.issuing_authority, p.legal_name FROM concerns c
           JOIN providers p ON p.id = c.provider WHERE c.id = {}""",
        concern_id,
    )
    if not rows:
        return None
    r = rows[0]
    return ConcernContext(r["id"], r["status"], r["review_on"], r["issuing_authority"], r["legal_name"])


@dataclass(frozen=True, slots=True)
class MembershipContext:
    id: int
    arrangement_id: int
    arrangement_title: str
    lead_authority_id: int
    provider_id: int
    status: str
    status_reason: str | None
    started_on: date
    evidence_requirements: int  # mandatory requirements of the arrangement that take evidence
    evidence_refreshed_on: date | None


async def membership_context(membership_id: int) -> MembershipContext | None:
    """A membership with what its re-accreditation needs: the day its provider's evidence for
    every mandatory requirement was last refreshed (the oldest of the latest submissions)."""
    rows = await _fetch(
        """SELECT m.id, m.arrangement, m.provider, m.status, m.status_reason, m.started_on,
                  r.title, r.lead_authority
           FROM memberships m JOIN arrangements r ON r.id = m.arrangement WHERE m.id = {}""",
        membership_id,
    )
    if not rows:
        return None
    m = rows[0]
    refresh = await compliance.evidence_refresh(m["arrangement"], m["provider"])  # compliance's rule and count
    refreshed_on = refresh.refreshed_at.astimezone(UK_TIME).date() if refresh.refreshed_at is not None else None
    return MembershipContext(
        id=m["id"],
        arrangement_id=m["arrangement"],
        arrangement_title=m["title"],
        lead_authority_id=m["lead_authority"],
        provider_id=m["provider"],
        status=m["status"],
        status_reason=m["status_reason"],
        started_on=m["started_on"],
        evidence_requirements=refresh.requirements,
        evidence_refreshed_on=refreshed_on,
    )


@dataclass(frozen=True, slots=True)
class SettingInspection:
    setting_id: int
    provider_id: int
    name: str
    setting_type: str
    last_inspection_date: date
    provider_name: str
    lead_authority_ids: tuple[int, ...]  # leads of the live arrangements the provider is a member of


async def settings_inspected_before(day: date) -> list[SettingInspection]:
    """Settings last inspected before `day` whose provider holds a live membership of a live
    arrangement, with the lead authorities of those arrangements (one query)."""
    rows = await _fetch(
        """SELECT s.id, s.provider, s.name, s.setting_type, s.last_inspection_date, p.legal_name,
                  array_agg(DISTINCT r.lead_authority ORDER BY r.lead_authority) AS leads
           FROM provider_settings s
           JOIN providers p ON p.id = s.provider
           JOIN memberships m ON m.provider = s.provider AND m.status IN ('active', 'suspended')
           JOIN arrangements r ON r.id = m.arrangement AND r.status IN ('open', 'closed', 'suspended')
           WHERE s.last_inspection_date < {}
           GROUP BY s.id, p.legal_name ORDER BY s.id""",
        day,
    )
    return [
        SettingInspection(
            r["id"],
            r["provider"],
            r["name"],
            r["setting_type"],
            r["last_inspection_date"],
            r["legal_name"],
            tuple(r["leads"]),
        )
        for r in rows
    ]


# --- facts for the tenders and contracts rules -------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlacementContext:
    id: int
    authority_id: int
    provider_id: int
    setting_name: str
    ended_on: date | None


async def placement_context(placement_id: int) -> PlacementContext | None:
    rows = await _fetch(
        """SELECT pl.id, pl.authority, pl.provider, pl.ended_on, s.name FROM placements pl
           JOIN provider_settings s ON s.id = pl.setting WHERE pl.id = {}""",
        placement_id,
    )
    if not rows:
        return None
    r = rows[0]
    return PlacementContext(r["id"], r["authority"], r["provider"], r["name"], r["ended_on"])


async def first_membership_start(arrangement_id: int) -> date | None:
    """The day the first place on the arrangement was awarded (its earliest membership start)."""
    rows = await _fetch("SELECT min(started_on) AS first FROM memberships WHERE arrangement = {}", arrangement_id)
    return rows[0]["first"] if rows else None


# --- the deadlines view: evidence, call-offs and placements --------------------------------------


@dataclass(frozen=True, slots=True)
class DueItem:
    """One dated thing for the deadlines view."""

    kind: DeadlineKind
    entity_type: EntityType
    entity_id: int
    title: str
    due_on: date
    link_path: str


async def evidence_expiring(
    until: date, today: date, *, authority_id: int | None, provider_id: int | None
) -> list[DueItem]:
    """Current evidence expiring between today and `until`: a provider's own, or for a council
    the evidence its members hold for requirements of arrangements it leads. (The deadlines view
    leaves out those a held renewal covers: compliance's timeline decides.)"""
    rows = await _fetch(
        """SELECT e.id, e.expires_on, q.title, p.legal_name FROM compliance_evidence e
           JOIN compliance_requirements q ON q.id = e.requirement
           JOIN arrangements r ON r.id = q.arrangement
           JOIN providers p ON p.id = e.provider
           WHERE e.status = 'current' AND e.expires_on BETWEEN {} AND {}
             AND ({}::bigint IS NULL OR r.lead_authority = {})
             AND ({}::bigint IS NULL OR e.provider = {})
           ORDER BY e.expires_on, e.id""",
        today,
        until,
        authority_id,
        authority_id,
        provider_id,
        provider_id,
    )
    return [
        DueItem(
            DeadlineKind.EVIDENCE_EXPIRY,
            EntityType.EVIDENCE,
            r["id"],
            f"{r['title']} of {r['legal_name']} expires",
            r["expires_on"],
            f"/api/v1/compliance/evidence/{r['id']}",
        )
        for r in rows
    ]


async def call_off_dates(
    *, authority_id: int | None, provider_id: int | None
) -> list[tuple[DeadlineKind, int, str, datetime]]:
    """(kind, call-off id, title, when) of live call-offs: offer deadlines of published ones and
    standstill ends of awarded ones raised by an authority; for a provider, the offer deadlines
    of published call-offs it is invited to."""
    rows = await _fetch(
        """SELECT c.id, c.title, c.status, c.deadline, c.standstill_ends_at FROM call_offs c
           WHERE ((c.status = 'published') OR (c.status = 'awarded' AND c.standstill_ends_at IS NOT NULL
                                               AND {}::bigint IS NULL))
             AND ({}::bigint IS NULL OR c.authority = {})
             AND ({}::bigint IS NULL OR EXISTS (
                 SELECT 1 FROM call_off_invitations i WHERE i.call_off = c.id AND i.provider = {} AND i.invited))
           ORDER BY c.id""",
        provider_id,
        authority_id,
        authority_id,
        provider_id,
        provider_id,
    )
    out: list[tuple[DeadlineKind, int, str, datetime]] = []
    for r in rows:
        if r["status"] == "published":
            out.append((DeadlineKind.CALL_OFF_DEADLINE, r["id"], r["title"], r["deadline"]))
        else:
            out.append((DeadlineKind.STANDSTILL_END, r["id"], r["title"], r["standstill_ends_at"]))
    return out


async def placements_ending(today: date, *, authority_id: int | None, provider_id: int | None) -> list[DueItem]:
    """Placements whose recorded end is still to come: a council's own, or a provider's. A
    placement the child moves on from is not an ending to prepare for (its reminders stop too)."""
    rows = await _fetch(
        """SELECT pl.id, pl.ended_on, s.name FROM placements pl JOIN provider_settings s ON s.id = pl.setting
           WHERE pl.ended_on > {} AND ({}::bigint IS NULL OR pl.authority = {})
             AND NOT EXISTS (SELECT 1 FROM placements moved_to WHERE moved_to.previous_placement_id = pl.id)
             AND ({}::bigint IS NULL OR pl.provider = {})
           ORDER BY pl.ended_on, pl.id""",
        today,
        authority_id,
        authority_id,
        provider_id,
        provider_id,
    )
    return [
        DueItem(
            DeadlineKind.PLACEMENT_END,
            EntityType.PLACEMENT,
            r["id"],
            f"Placement {r['id']} at {r['name']} ends",
            r["ended_on"],
            f"/api/v1/placements/{r['id']}",
        )
        for r in rows
    ]


# --- what a pass did -------------------------------------------------------------------------


async def newest_written_ids() -> tuple[int, int]:
    """The newest audit event and notification ids now (a batch's own rows come after them)."""
    rows = await _fetch(
        """SELECT (SELECT COALESCE(MAX(id), 0) FROM audit_events) AS audit,
                  (SELECT COALESCE(MAX(id), 0) FROM notifications) AS notifications"""
    )
    return int(rows[0]["audit"]), int(rows[0]["notifications"])


async def written_in_this_transaction(audit_after: int, notifications_after: int) -> tuple[dict[str, int], int, int]:
    """What the current transaction wrote after those ids: audit events per action, distinct
    notification keys (messages) and notifications (recipients). Rows of other transactions
    committed meanwhile are told apart by `xmin`, the id of the transaction that wrote them."""
    actions = await _fetch(
        """SELECT action, count(*) AS n FROM audit_events
           WHERE id > {} AND xmin = pg_current_xact_id()::xid GROUP BY action""",
        audit_after,
    )
    sent = await _fetch(
        """SELECT count(DISTINCT key) AS messages, count(*) AS recipients FROM notifications
           WHERE id > {} AND xmin = pg_current_xact_id()::xid""",
        notifications_after,
    )
    return {r["action"]: int(r["n"]) for r in actions}, int(sent[0]["messages"]), int(sent[0]["recipients"])
