"""Evidence rows (`compliance_evidence`) <-> `Evidence`, and the annual refresh of a member's evidence."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asyncpg.exceptions import UniqueViolationError
from piccolo.querystring import QueryString

from dps.compliance import tables as t
from dps.compliance.codes import ComplianceCode
from dps.compliance.domain.requirements import Evidence, InsuranceKind
from dps.core.db import DB
from dps.core.errors import Conflict
from dps.core.pagination import Page, page_of
from dps.core.rows import one_row


def _evidence(row: dict[str, Any]) -> Evidence:
    return Evidence(
        id=row["id"],
        requirement_id=row["requirement"],
        provider_id=row["provider"],
        document_id=row["document"],
        issuer=row["issuer"],
        starts_on=row["starts_on"],
        expires_on=row["expires_on"],
        cover_pence=row["cover_pence"],
        insurance_kind=InsuranceKind(row["insurance_kind"]) if row["insurance_kind"] else None,
        credit_score=row["credit_score"],
        current_ratio=row["current_ratio"],
        turnover_pence=row["turnover_pence"],
        status=row["status"],
        submitted_at=row["submitted_at"],
    )


async def held_evidence(requirement_id: int, provider_id: int) -> list[Evidence]:
    """The provider's held (not replaced) pieces for one requirement, serialised per requirement and
    provider: a transaction-scoped advisory lock keeps two attachments from interleaving."""
    await DB.run_querystring(QueryString("SELECT pg_advisory_xact_lock({}::int, {}::int)", requirement_id, provider_id))
    rows = await DB.run_querystring(
        QueryString(
            """SELECT * FROM compliance_evidence WHERE requirement = {} AND provider = {}
               AND status <> 'replaced' ORDER BY id FOR UPDATE""",
            requirement_id,
            provider_id,
        )
    )
    return [_evidence(r) for r in rows]


async def mark_replaced(evidence_ids: Collection[int]) -> None:
    if evidence_ids:
        await t.Evidence.update({t.Evidence.status: "replaced"}).where(t.Evidence.id.is_in(list(evidence_ids)))


async def held_evidence_of(evidence_ids: Collection[int]) -> list[Evidence]:
    """Every held piece sharing a requirement and provider with one of these pieces (one query)."""
    if not evidence_ids:
        return []
    rows = await DB.run_querystring(
        QueryString(
            """SELECT e.* FROM compliance_evidence e WHERE e.status <> 'replaced' AND (e.requirement, e.provider) IN
               (SELECT requirement, provider FROM compliance_evidence WHERE id = ANY({}::bigint[]))""",
            list(evidence_ids),
        )
    )
    return [_evidence(r) for r in rows]


async def insert_evidence(e: Evidence, submitted_by: int | None) -> Evidence:
    try:
        rows = await t.Evidence.insert(
            t.Evidence(
                requirement=e.requirement_id,
                provider=e.provider_id,
                document=e.document_id,
                issuer=e.issuer,
                starts_on=e.starts_on,
                expires_on=e.expires_on,
                cover_pence=e.cover_pence,
                insurance_kind=e.insurance_kind.value if e.insurance_kind else None,
                credit_score=e.credit_score,
                current_ratio=e.current_ratio,
                turnover_pence=e.turnover_pence,
                status=e.status,
                submitted_by=submitted_by,
                submitted_at=e.submitted_at,
            )
        ).returning(*t.Evidence.all_columns())
    except UniqueViolationError as error:
        raise Conflict(
            "evidence for this requirement changed meanwhile; try again", code=ComplianceCode.EVIDENCE_CHANGED
        ) from error
    return _evidence(rows[0])


async def get_evidence(evidence_id: int, *, for_update: bool = False) -> Evidence:
    row = await one_row(
        t.Evidence,
        t.Evidence.id == evidence_id,
        entity="evidence",
        detail=f"evidence {evidence_id} does not exist",
        for_update=for_update,
    )
    return _evidence(row)


async def set_evidence_status(evidence_id: int, status: str) -> None:
    await t.Evidence.update({t.Evidence.status: status}).where(t.Evidence.id == evidence_id)


async def list_evidence(
    limit: int, after_id: int, *, provider_id: int | None, requirement_id: int | None, include_replaced: bool
) -> Page[Evidence]:
    query = t.Evidence.select().where(t.Evidence.id > after_id)
    if provider_id is not None:
        query = query.where(t.Evidence.provider == provider_id)
    if requirement_id is not None:
        query = query.where(t.Evidence.requirement == requirement_id)
    if not include_replaced:
        query = query.where(t.Evidence.status != "replaced")
    rows = await query.order_by(t.Evidence.id).limit(limit + 1)
    return page_of([_evidence(r) for r in rows], limit)


async def live_evidence(requirement_ids: Collection[int], provider_ids: Collection[int]) -> list[Evidence]:
    """Every piece not yet replaced, for these requirements and providers (one query)."""
    if not requirement_ids or not provider_ids:
        return []
    # `= ANY(array)` binds one parameter however many providers a lot has.
    rows = await DB.run_querystring(
        QueryString(
            """SELECT * FROM compliance_evidence WHERE requirement = ANY({}::bigint[])
               AND provider = ANY({}::bigint[]) AND status <> 'replaced'""",
            list(requirement_ids),
            list(provider_ids),
        )
    )
    return [_evidence(r) for r in rows]


# The mandatory requirements that take evidence: Ofsted checks are read per setting and take none,
# and a modern slavery statement is owed only above the turnover threshold, so neither is refreshed.
_REFRESH_SQL = """
WITH reqs AS (
    SELECT q.id FROM compliance_requirements q
    WHERE q.arrangement = {} AND q.mandatory AND q.kind NOT IN ('ofsted', 'modern_slavery')
), latest AS (
    SELECT reqs.id, max(e.submitted_at) AS at FROM reqs
    LEFT JOIN compliance_evidence e ON e.requirement = reqs.id AND e.provider = {}
    GROUP BY reqs.id
)
SELECT count(*) AS n, bool_and(at IS NOT NULL) AS complete, min(at) AS oldest FROM latest
"""


@dataclass(frozen=True, slots=True)
class EvidenceRefresh:
    requirements: int  # mandatory requirements of the arrangement that take evidence
    refreshed_at: datetime | None  # the oldest of the latest submissions, once every one has one


async def evidence_refresh(arrangement_id: int, provider_id: int) -> EvidenceRefresh:
    """When the provider's evidence for every mandatory requirement of the arrangement that takes
    evidence was last refreshed (the oldest of the latest submissions), and how many there are."""
    rows = await DB.run_querystring(QueryString(_REFRESH_SQL, arrangement_id, provider_id))
    r = rows[0]
    oldest = r["oldest"]
    return EvidenceRefresh(int(r["n"]), oldest if r["complete"] and oldest is not None else None)
