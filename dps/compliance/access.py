"""Who may see and change what in compliance: role AND organisation, in one place."""

from __future__ import annotations

from dps.accounts.access import may_read_provider
from dps.compliance.domain.concerns import Concern, ConcernStatus, VisitForm
from dps.core.auth import PROVIDER_ROLES, OrgKind, Principal, Role
from dps.core.errors import PermissionDenied
from dps.frameworks.domain.arrangements import Arrangement

CONCERN_RAISERS = frozenset({Role.COMMISSIONER, Role.PROCUREMENT_OFFICER})
VISITORS = frozenset({Role.PROCUREMENT_OFFICER, Role.EVALUATOR, Role.COMMISSIONER})
SEARCHERS = frozenset({Role.COMMISSIONER, Role.PROCUREMENT_OFFICER, Role.EVALUATOR, Role.ADMIN})


def require_attach_evidence(p: Principal, provider_id: int) -> None:
    """A provider's own users attach its evidence."""
    if not (p.role in PROVIDER_ROLES and p.is_provider(provider_id)):
        raise PermissionDenied("only the provider's own users attach its evidence")


def require_read_evidence(p: Principal, provider_id: int) -> None:
    """The provider itself, council staff (checks are done once and shared) and admins."""
    if not may_read_provider(p, provider_id):
        raise PermissionDenied("you may only see your own organisation's evidence")


def require_record_ofsted(p: Principal) -> None:
    """Ofsted judgements are public facts; council procurement officers (or admins) record them."""
    if not (p.is_admin or (p.role is Role.PROCUREMENT_OFFICER and p.org_kind is OrgKind.AUTHORITY)):
        raise PermissionDenied("only procurement officers record Ofsted judgements")


def require_raise_concern(p: Principal, arrangements: list[Arrangement]) -> int:
    """A commissioner or officer of a council taking part in every affected arrangement; returns
    the issuing authority."""
    if p.role not in CONCERN_RAISERS or p.org_kind is not OrgKind.AUTHORITY or p.org_id is None:
        raise PermissionDenied("only council commissioners and procurement officers issue concerns")
    for arrangement in arrangements:
        if not arrangement.is_member(p.org_id):
            raise PermissionDenied(
                f"your council is not a member of arrangement {arrangement.id}", code="not_a_member_authority"
            )
    return p.org_id


def require_issuer(p: Principal, concern: Concern) -> None:
    """Only the issuing council changes, issues or rescinds a concern (ISP)."""
    if not (p.role in CONCERN_RAISERS and p.is_authority(concern.issuing_authority_id)):
        raise PermissionDenied("only the issuing council may do this", code="not_issuing_authority")


def may_read_concern(p: Principal, concern: Concern, member_authority_ids: frozenset[int]) -> bool:
    """The issuing council (drafts too); once issued, every member council of an affected
    arrangement and the provider concerned. Never other providers or non-member councils."""
    if p.is_admin:
        return True
    if p.org_kind is OrgKind.AUTHORITY and p.is_authority(concern.issuing_authority_id):
        return True
    if concern.status is ConcernStatus.DRAFT:
        return False
    if p.org_kind is OrgKind.PROVIDER:
        return p.is_provider(concern.provider_id)
    return p.org_kind is OrgKind.AUTHORITY and p.org_id in member_authority_ids


def require_respond(p: Principal, concern: Concern) -> None:
    if not (p.role in PROVIDER_ROLES and p.is_provider(concern.provider_id)):
        raise PermissionDenied("only the provider concerned responds to a concern")


def require_record_visit(p: Principal, form: VisitForm, provider_id: int) -> None:
    """Form A is the provider's own description; forms B-D are council visits."""
    if form is VisitForm.A:
        if not (p.role in PROVIDER_ROLES and p.is_provider(provider_id)):
            raise PermissionDenied("Form A is completed by the provider itself")
        return
    if p.role not in VISITORS or p.org_kind is not OrgKind.AUTHORITY:
        raise PermissionDenied("visits (forms B-D) are recorded by council officers and practitioners")


def require_read_visits(p: Principal, provider_id: int) -> None:
    """Recorded once and visible to every council; the provider sees its own."""
    if not may_read_provider(p, provider_id):
        raise PermissionDenied("you may only see your own organisation's visits")


def require_update_action(p: Principal, provider_id: int) -> None:
    """The provider works its action plan; council officers follow it up."""
    if not (p.is_provider(provider_id) or (p.role in VISITORS and p.org_kind is OrgKind.AUTHORITY) or p.is_admin):
        raise PermissionDenied("you may not change this action plan")


def require_search(p: Principal) -> None:
    if p.role not in SEARCHERS:
        raise PermissionDenied("the regional search is for council staff")
