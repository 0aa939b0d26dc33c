"""Who may see and change what in contracts: role AND organisation, in one place."""

from __future__ import annotations

from collections.abc import Collection

from dps.contracts.domain.contracts import Contract, ContractStatus
from dps.contracts.domain.templates import TemplateVersion
from dps.core.auth import AUTHORITY_STAFF, OrgKind, Principal, Role
from dps.core.errors import NotFound, PermissionDenied

# Legal officers own their council's templates (DESIGN.md, who uses it); admins own the national
# defaults (issue 13: a template belongs to an owner, and only the owner changes it).
TEMPLATE_EDITORS = frozenset({Role.LEGAL_OFFICER, Role.ADMIN})
# Council staff who generate, issue and manage contracts of their council.
CONTRACT_MANAGERS = frozenset({Role.PROCUREMENT_OFFICER, Role.LEGAL_OFFICER})
# Council staff who may read their council's contracts (commissioners place the children).
CONTRACT_READERS = CONTRACT_MANAGERS | {Role.COMMISSIONER}


def require_manage_templates(p: Principal) -> None:
    if p.role not in TEMPLATE_EDITORS:
        raise PermissionDenied("only legal officers upload, approve and retire contract templates")


def template_owner_of(p: Principal) -> int | None:
    """The owner of the versions `p` uploads: a legal officer's own council; an admin's are the
    national defaults (None)."""
    require_manage_templates(p)
    if p.is_admin:
        return None
    if p.org_kind is not OrgKind.AUTHORITY or p.org_id is None:
        raise PermissionDenied("only legal officers of a council upload its contract templates")
    return p.org_id


def require_template_owner(
    p: Principal, version: TemplateVersion, verb: str, visible_owners: Collection[int] | None
) -> None:
    """Only the owner approves or retires a version: its council's legal officers, or admins for
    a national default. Another council's legal officer is refused: 403 when it may see the
    version (its consortium lead's), else 404 as if it did not exist."""
    require_manage_templates(p)
    owner = version.owner_authority_id
    if p.is_admin:
        if owner is None:
            return
        raise PermissionDenied(f"only the legal officers of the council that owns this template may {verb} it")
    if owner is None:
        raise PermissionDenied(f"only platform admins may {verb} a national default template")
    if p.org_kind is OrgKind.AUTHORITY and p.org_id == owner:
        return
    require_see_template(p, version, visible_owners)
    raise PermissionDenied(f"only the legal officers of the council that owns this template may {verb} it")


def require_see_template(p: Principal, version: TemplateVersion, visible_owners: Collection[int] | None) -> None:
    """A version is seen by admins, and by council staff when it is national or owned by one of
    `visible_owners` (their council and its consortia's leads): else 404, as if it did not exist."""
    require_read_templates(p)
    if visible_owners is None or version.owner_authority_id is None or version.owner_authority_id in visible_owners:
        return
    raise NotFound(f"template version {version.id} does not exist", entity="contract_template_version")


def require_read_templates(p: Principal) -> None:
    """Templates and their catalogue are council and platform business, not providers'."""
    if p.role not in AUTHORITY_STAFF:
        raise PermissionDenied("contract templates are for council staff")


def require_generate_for(p: Principal | None, authority_ids: Collection[int], verb: str = "generate") -> None:
    """Generate (or issue, countersign, end...) documents for these councils: their procurement
    officers and legal officers, an admin, or the system itself (no principal: batches run by the
    scheduler or the CLI). The refusal names what was attempted."""
    if p is None or p.is_admin:
        return
    if p.role in CONTRACT_MANAGERS and p.org_kind is OrgKind.AUTHORITY and p.org_id in authority_ids:
        return
    raise PermissionDenied(f"only procurement officers and legal officers of the councils party to it may {verb} this")


def require_read_contract(p: Principal, c: Contract) -> None:
    """A provider sees its own contracts once issued (a draft is the council's work in progress, so
    it is a 404 like another provider's contract); council staff of the councils party to it see it,
    and so does the officer who generated it (the lead council's officer who issued an uplift's
    fee variations for a member council's placements)."""
    if p.is_admin:
        return
    if p.org_kind is OrgKind.AUTHORITY and c.created_by is not None and c.created_by == p.user_id:
        return
    if p.org_kind is OrgKind.PROVIDER:
        if p.org_id != c.provider_id or c.status is ContractStatus.DRAFT:
            raise NotFound(f"contract {c.id} does not exist", entity="contract")
        return
    if p.org_id not in c.authority_ids:
        # To a council not party to it, the contract is as missing as an unused id (issue 13 item 10).
        raise NotFound(f"contract {c.id} does not exist", entity="contract")
    if p.role in CONTRACT_READERS:
        return
    raise PermissionDenied("only commissioners, procurement and legal officers of the councils party to it see it")


def require_manage_contract(p: Principal | None, c: Contract, verb: str) -> None:
    """Issue, countersign, end or terminate (`verb`): staff who manage the councils' contracts."""
    if p is not None:
        require_read_contract(p, c)
    require_generate_for(p, c.authority_ids, verb)


def require_sign(p: Principal, c: Contract) -> None:
    """Signing binds the provider: its administrators sign, nobody else."""
    require_read_contract(p, c)
    if not (p.role is Role.PROVIDER_ADMIN and p.is_provider(c.provider_id)):
        raise PermissionDenied("only an administrator of the provider may sign its contracts")


def listing_scope(p: Principal) -> tuple[int | None, int | None, bool]:
    """(provider id, authority id, hide drafts) that a contract list is limited to (council staff
    also see the contracts they generated themselves, see `require_read_contract`)."""
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
