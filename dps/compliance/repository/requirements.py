"""Compliance requirement rows (`compliance_requirements`) <-> `Requirement`."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from dps.accounts.domain import OfstedGrade
from dps.compliance import tables as t
from dps.compliance.domain.requirements import CreditBands, InsuranceKind, Requirement, RequirementKind
from dps.core.rows import one_row


def _requirement(row: dict[str, Any]) -> Requirement:
    bands = None
    if row["credit_accept_from"] is not None and row["credit_review_from"] is not None:
        bands = CreditBands(accept_from=row["credit_accept_from"], review_from=row["credit_review_from"])
    return Requirement(
        id=row["id"],
        arrangement_id=row["arrangement"],
        kind=RequirementKind(row["kind"]),
        title=row["title"],
        mandatory=row["mandatory"],
        insurance_kind=InsuranceKind(row["insurance_kind"]) if row["insurance_kind"] else None,
        min_cover_pence=row["min_cover_pence"],
        credit_bands=bands,
        min_current_ratio=row["min_current_ratio"],
        accepted_grades=frozenset(OfstedGrade(g) for g in row["accepted_grades"]),
        suspend_on_failing_grade=row["suspend_on_failing_grade"],
        turnover_threshold_pence=row["turnover_threshold_pence"],
        description=row["description"],
    )


async def insert_requirement(r: Requirement, at: datetime) -> Requirement:
    rows = await t.Requirement.insert(
        t.Requirement(
            arrangement=r.arrangement_id,
            kind=r.kind.value,
            title=r.title,
            description=r.description,
            mandatory=r.mandatory,
            insurance_kind=r.insurance_kind.value if r.insurance_kind else None,
            min_cover_pence=r.min_cover_pence,
            credit_accept_from=r.credit_bands.accept_from if r.credit_bands else None,
            credit_review_from=r.credit_bands.review_from if r.credit_bands else None,
            min_current_ratio=r.min_current_ratio,
            accepted_grades=sorted(g.value for g in r.accepted_grades),
            suspend_on_failing_grade=r.suspend_on_failing_grade,
            turnover_threshold_pence=r.turnover_threshold_pence,
            created_at=at,
        )
    ).returning(*t.Requirement.all_columns())
    return _requirement(rows[0])


async def get_requirement(requirement_id: int) -> Requirement:
    row = await one_row(
        t.Requirement,
        t.Requirement.id == requirement_id,
        entity="requirement",
        detail=f"requirement {requirement_id} does not exist",
    )
    return _requirement(row)


async def list_requirements(arrangement_ids: Collection[int]) -> list[Requirement]:
    """The compliance requirements of these arrangements (no access check)."""
    if not arrangement_ids:
        return []
    rows = (
        await t.Requirement.select()
        .where(t.Requirement.arrangement.is_in(list(arrangement_ids)))
        .order_by(t.Requirement.id)
    )
    return [_requirement(r) for r in rows]


async def list_requirements_by_id(requirement_ids: Collection[int]) -> list[Requirement]:
    if not requirement_ids:
        return []
    rows = await t.Requirement.select().where(t.Requirement.id.is_in(list(requirement_ids)))
    return [_requirement(r) for r in rows]


async def count_evidence_for_requirement(requirement_id: int) -> int:
    return int(await t.Evidence.count().where(t.Evidence.requirement == requirement_id))


async def delete_requirement(requirement_id: int) -> None:
    await t.Override.delete().where(t.Override.requirement == requirement_id)
    await t.Requirement.delete().where(t.Requirement.id == requirement_id)
