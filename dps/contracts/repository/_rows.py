"""Helpers shared by the contracts repository modules: unique constraints to `Conflict` codes, and party reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from asyncpg.exceptions import UniqueViolationError

from dps.accounts import tables as accounts
from dps.contracts.codes import ContractCode
from dps.contracts.domain.facts import PartyFacts
from dps.core.errors import Conflict, NotFound

UNIQUE_CODES = {
    "contracts_subject_key_key": (ContractCode.ALREADY_GENERATED, "a document has already been generated for this"),
    "contract_template_versions_kind_version_key": (
        ContractCode.VERSION_TAKEN,
        "this template version number is taken",
    ),
    "contract_template_versions_one_approved": ("already_approved", "another version of this kind was just approved"),
}


def conflict_from_unique(error: UniqueViolationError) -> Conflict:
    name = getattr(error, "constraint_name", "") or ""
    code, detail = UNIQUE_CODES.get(name, ("duplicate", "this record already exists"))
    return Conflict(detail, code=code)


def _provider_party(row: dict[str, Any]) -> PartyFacts:
    return PartyFacts(
        name=row["legal_name"], address=row["address"], postcode=row["postcode"], company_number=row["company_number"]
    )


async def _provider(provider_id: int) -> dict[str, Any]:
    row = await accounts.Provider.select().where(accounts.Provider.id == provider_id).first()
    if row is None:
        raise NotFound(f"provider {provider_id} does not exist", entity="provider")
    return row


async def _authority_names(ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await accounts.Authority.select(accounts.Authority.id, accounts.Authority.name).where(
        accounts.Authority.id.is_in(list(ids))
    )
    return {r["id"]: r["name"] for r in rows}
