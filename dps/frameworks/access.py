"""Who may see and change what in frameworks: role AND organisation, in one place."""

from __future__ import annotations

from dps.core.auth import OrgKind, Principal, Role
from dps.core.errors import NotFound, PermissionDenied
from dps.frameworks.codes import FrameworkCode
from dps.frameworks.domain.arrangements import Arrangement, ArrangementStatus


def lead_authority_for_new_arrangement(p: Principal, requested: int | None) -> int:
    """The authority that leads a new arrangement: a procurement officer's own council (naming
    another is refused); a platform admin must name one."""
    if p.is_admin:
        if requested is None:
            raise PermissionDenied("an admin must name the lead authority", code=FrameworkCode.LEAD_AUTHORITY_REQUIRED)
        return requested
    if p.role is not Role.PROCUREMENT_OFFICER or p.org_kind is not OrgKind.AUTHORITY or p.org_id is None:
        raise PermissionDenied("only procurement officers set up arrangements")
    if requested is not None and requested != p.org_id:
        raise PermissionDenied("an officer may only set up arrangements led by their own council")
    return p.org_id


def may_manage_arrangement(p: Principal, arrangement: Arrangement) -> bool:
    """Change an arrangement and its lots: the lead authority's procurement officers, or an admin."""
    return p.is_admin or (p.role is Role.PROCUREMENT_OFFICER and p.is_authority(arrangement.lead_authority_id))


def require_manage_arrangement(p: Principal, arrangement: Arrangement) -> None:
    """PermissionDenied unless the principal may manage the arrangement (its lead's officers, admins)."""
    if not may_manage_arrangement(p, arrangement):
        raise PermissionDenied("only procurement officers of the lead authority may change this arrangement")


def may_read_arrangement(p: Principal, arrangement: Arrangement) -> bool:
    """A draft is the lead authority's officers' work in progress. Once published, the staff of the
    lead and member councils see it, and so does every provider (it is a public opportunity)."""
    if may_manage_arrangement(p, arrangement):
        return True
    if arrangement.status is ArrangementStatus.DRAFT:
        return False
    if p.org_kind is OrgKind.PROVIDER:
        return True
    return p.org_kind is OrgKind.AUTHORITY and p.org_id is not None and arrangement.is_member(p.org_id)


def require_read_arrangement(p: Principal, arrangement: Arrangement) -> None:
    """PermissionDenied unless the principal may read the arrangement (see may_read_arrangement)."""
    if not may_read_arrangement(p, arrangement):
        # Same answer for a draft as for an arrangement you do not take part in.
        raise PermissionDenied("you may not see this arrangement")


def listing_scope(p: Principal) -> tuple[int | None, bool]:
    """(authority whose arrangements to list or None for all, whether drafts are included),
    the same rules as `may_read_arrangement` for a list query."""
    if p.is_admin:
        return None, True
    if p.org_kind is OrgKind.PROVIDER:
        return None, False
    if p.org_kind is OrgKind.AUTHORITY and p.org_id is not None:
        return p.org_id, p.role is Role.PROCUREMENT_OFFICER
    raise PermissionDenied("you may not list arrangements")


def may_read_membership(p: Principal, arrangement: Arrangement, provider_id: int) -> bool:
    """A provider sees its own places; staff of the arrangement's councils see every member's
    (commissioners need them to know who can be invited)."""
    if p.is_admin or p.is_provider(provider_id):
        return True
    return p.org_kind is OrgKind.AUTHORITY and p.org_id is not None and arrangement.is_member(p.org_id)


def require_read_membership(p: Principal, arrangement: Arrangement, provider_id: int) -> None:
    if not may_read_membership(p, arrangement, provider_id):
        raise PermissionDenied("you may not see this membership")


def may_know_of(p: Principal | None, arrangement: Arrangement, provider_id: int) -> bool:
    """Whether the caller may know that a provider's application, membership or clarification
    under this arrangement exists: the provider's own users, staff of the arrangement's councils,
    admins and the system. To anyone else it is exactly as missing as an id that was never used
    (issue 13 item 10: a 403 would confirm the record exists); what the knowing may DO with it is
    then checked by role, with a 403."""
    if p is None or p.is_admin or p.is_provider(provider_id):
        return True
    return p.org_kind is OrgKind.AUTHORITY and p.org_id is not None and arrangement.is_member(p.org_id)


def hidden(entity: str, entity_id: int) -> NotFound:
    """The answer an outsider gets: word for word what a missing id gets from the repository."""
    return NotFound(f"{entity} {entity_id} does not exist", entity=entity)


def membership_scope(p: Principal) -> tuple[int | None, int | None]:
    """(provider whose memberships to list, authority whose arrangements' memberships to list);
    both None for admins."""
    if p.is_admin:
        return None, None
    if p.org_kind is OrgKind.PROVIDER and p.org_id is not None:
        return p.org_id, None
    if p.org_kind is OrgKind.AUTHORITY and p.org_id is not None:
        return None, p.org_id
    raise PermissionDenied("you may not list memberships")


# --- applications ----------------------------------------------------------------------------


def require_provider_member(p: Principal, provider_id: int) -> None:
    """A provider's own users act on its applications."""
    if not p.is_provider(provider_id):
        raise PermissionDenied("only the provider's own users may do this")


def acting_provider(p: Principal) -> int:
    """The provider a provider user acts for (applying to join is the provider's own act)."""
    if p.org_kind is not OrgKind.PROVIDER or p.org_id is None:
        raise PermissionDenied("only providers apply to join arrangements")
    return p.org_id


def may_oversee_application(p: Principal, arrangement: Arrangement) -> bool:
    """The lead authority's procurement officers (and admins) run the evaluation."""
    return may_manage_arrangement(p, arrangement)


def require_oversee_application(p: Principal, arrangement: Arrangement) -> None:
    if not may_oversee_application(p, arrangement):
        raise PermissionDenied("only procurement officers of the lead authority may do this")


def application_scope(p: Principal) -> dict[str, int | None]:
    """Which applications a caller may list: a provider its own, an officer those of arrangements
    its council leads, an evaluator those assigned to them, an admin all. Commissioners and other
    member-council staff see arrangements and memberships, never applications."""
    if p.is_admin:
        return {}
    if p.org_kind is OrgKind.PROVIDER:
        return {"provider_id": p.org_id}
    if p.role is Role.PROCUREMENT_OFFICER:
        return {"lead_authority_id": p.org_id}
    if p.role is Role.EVALUATOR:
        return {"evaluator_id": p.user_id}
    raise PermissionDenied("you may not see applications")


def evaluator_may_be_assigned(role: Role, authority_id: int | None, arrangement: Arrangement) -> bool:
    """Evaluators and procurement officers of the lead or a member council may mark applications."""
    return (
        role in {Role.EVALUATOR, Role.PROCUREMENT_OFFICER}
        and authority_id is not None
        and arrangement.is_member(authority_id)
    )


def require_list_evaluators(p: Principal, arrangement: Arrangement) -> None:
    """The procurement officers of the lead and member councils (and admins) may list who can
    evaluate: an evaluation panel often draws on several councils of the consortium."""
    if may_manage_arrangement(p, arrangement):
        return
    if p.role is Role.PROCUREMENT_OFFICER and p.org_kind is OrgKind.AUTHORITY and p.org_id is not None:
        if arrangement.is_member(p.org_id):
            return
    raise PermissionDenied("only procurement officers of the arrangement's councils may list its evaluators")
