"""What compliance checks write and read besides evidence: officers' overrides (`compliance_overrides`), suspensions
made by compliance rules (`compliance_suspensions`), and who may read a provider's due diligence."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piccolo.querystring import QueryString

from dps.accounts import public as accounts
from dps.compliance import tables as t
from dps.compliance.domain.requirements import Outcome, Override
from dps.core.db import DB


def _override(row: dict[str, Any]) -> Override:
    return Override(
        requirement_id=row["requirement"],
        provider_id=row["provider"],
        setting_id=row["setting"],
        outcome=Outcome(row["outcome"]),
        reason=row["reason"],
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
    )


async def insert_override(o: Override) -> None:
    await t.Override.insert(
        t.Override(
            requirement=o.requirement_id,
            provider=o.provider_id,
            setting=o.setting_id,
            outcome=o.outcome.value,
            reason=o.reason,
            decided_by=o.decided_by,
            decided_at=o.decided_at,
        )
    )


async def overrides_for(
    requirement_ids: Collection[int], provider_ids: Collection[int]
) -> dict[tuple[int, int, int | None], Override]:
    """The newest override per (requirement, provider, setting)."""
    if not requirement_ids or not provider_ids:
        return {}
    rows = await DB.run_querystring(
        QueryString(
            """SELECT * FROM compliance_overrides WHERE requirement = ANY({}::bigint[])
               AND provider = ANY({}::bigint[]) ORDER BY id""",
            list(requirement_ids),
            list(provider_ids),
        )
    )
    return {(r["requirement"], r["provider"], r["setting"]): _override(r) for r in rows}


async def open_suspension(
    membership_id: int, cause: str, requirement_id: int | None, setting_id: int | None, at: datetime
) -> None:
    await t.Suspension.insert(
        t.Suspension(
            membership=membership_id, cause=cause, requirement=requirement_id, setting=setting_id, suspended_at=at
        )
    )


@dataclass(frozen=True, slots=True)
class OpenSuspension:
    id: int
    membership_id: int
    cause: str
    requirement_id: int | None
    setting_id: int | None


async def open_suspensions_of_provider(provider_id: int) -> list[OpenSuspension]:
    rows = await DB.run_querystring(
        QueryString(
            """SELECT cs.id, cs.membership, cs.cause, cs.requirement, cs.setting
               FROM compliance_suspensions cs JOIN memberships m ON m.id = cs.membership
               WHERE m.provider = {} AND cs.lifted_at IS NULL ORDER BY cs.id""",
            provider_id,
        )
    )
    return [OpenSuspension(r["id"], r["membership"], r["cause"], r["requirement"], r["setting"]) for r in rows]


async def lift_suspension(suspension_id: int, at: datetime) -> None:
    await t.Suspension.update({t.Suspension.lifted_at: at}).where(t.Suspension.id == suspension_id)


async def councils_with_arrangement(provider_id: int) -> frozenset[int]:
    """The councils that may read the provider's due diligence (one rule, kept with documents)."""
    return await accounts.councils_working_with(provider_id)
