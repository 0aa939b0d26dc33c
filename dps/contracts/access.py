"""Who may see and change what in contracts: role AND organisation, in one place."""

from __future__ import annotations

from collections.abc import Collection

from dps.contracts.domain.contracts import Contract, ContractStatus
from dps.core.auth import AUTHORITY_STAFF, OrgKind, Principal, Role
from dps.core.errors import NotFound, PermissionDenied

# Legal officers own the templates (DESIGN.md, who uses it); admins run the platform.
TEMPLATE_EDITORS = frozenset({Role.LEGAL_OFFICER, Role.ADMIN})
# Council staff who generate, issue and manage contracts of their council.
CONTRACT_MANAGERS = frozenset({Role.PROCUREMENT_OFFICER, Role.LEGAL_OFFICER})
# Council staff who may read their council's contracts (commissioners place the children).
CONTRACT_READERS = CONTRACT_MANAGERS | {Role.COMMISSIONER}


def require_manage_templates(p: Principal) -> None:
    if p.role not in TEMPLATE_EDITORS:
        raise PermissionDenied("only legal officers upload, approve and retire contract templates")


def require_read_templates(p: Principal) -> None:
    """Templates and their catalogue are council and platform business, not providers'."""
    if p.role not in AUTHORITY_STAFF:
        raise PermissionDenied("contract templates are for council staff")


def require_generate_for(p: Principal | None, authority_ids: Collection[int]) -> None:
    """Generate documents for these councils: their officers and legal officers, an admin, or the
    system itself (no principal: batches run by the scheduler or the CLI)."""
    if p is None or p.is_admin:
        return
    if p.role in CONTRACT_MANAGERS and p.org_kind is OrgKind.AUTHORITY and p.org_id in authority_ids:
        return
    raise PermissionDenied("only officers and legal officers of the councils party to it may generate this")


def require_read_contract(p: Principal, c: Contract) -> None:
    """A provider sees its own contracts once issued (a draft is the council's work in progress, so
    it is a 404 like another provider's contract); council staff of the councils party to it see it."""
    if p.is_admin:
        return
    if p.org_kind is OrgKind.PROVIDER:
        if p.org_id != c.provider_id or c.status is ContractStatus.DRAFT:
            raise NotFound(f"contract {c.id} does not exist", entity="contract")
        return
    if p.role in CONTRACT_READERS and p.org_id in c.authority_ids:
        return
    raise PermissionDenied("only staff of the councils party to this contract may see it")


def require_manage_contract(p: Principal | None, c: Contract) -> None:
    if p is not None:
        require_read_contract(p, c)
    require_generate_for(p, c.authority_ids)


def require_sign(p: Principal, c: Contract) -> None:
    """Signing binds the provider: its administrators sign, nobody else."""
    require_read_contract(p, c)
    if not (p.role is Role.PROVIDER_ADMIN and p.is_provider(c.provider_id)):
        raise PermissionDenied("only an administrator of the provider may sign its contracts")


def listing_scope(p: Principal) -> tuple[int | None, int | None, bool]:
    """(provider id, authority id, hide drafts) that a contract list is limited to."""
    if p.is_admin:
        return None, None, False
    if p.org_kind is OrgKind.PROVIDER and p.org_id is not None:
        return p.org_id, None, True
    if p.role in CONTRACT_READERS and p.org_id is not None:
        return None, p.org_id, False
    raise PermissionDenied("you may not list contracts")


def require_generate_placement_agreement(p: Principal | None, authority_id: int) -> None:
    """An IPA is the placing council's: its officers, legal officers and commissioners (who award
    the call-off) generate it; admins and the system (the scheduler after a call-off concludes) too."""
    if p is None or p.is_admin:
        return
    if p.role in CONTRACT_READERS and p.org_kind is OrgKind.AUTHORITY and p.org_id == authority_id:
        return
    raise PermissionDenied("only officers, legal officers and commissioners of the placing council may do this")
