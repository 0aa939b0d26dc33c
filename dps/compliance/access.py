"""Who may see and change what in compliance: role AND organisation, in one place."""

from __future__ import annotations

from dps.compliance.codes import ComplianceCode
from dps.compliance.domain.concerns import Concern, ConcernStatus, VisitForm
from dps.core.auth import PROVIDER_ROLES, OrgKind, Principal, Role
from dps.core.codes import CommonCode
from dps.core.errors import NotFound, PermissionDenied
from dps.frameworks.domain.arrangements import Arrangement

CONCERN_RAISERS = frozenset({Role.COMMISSIONER, Role.PROCUREMENT_OFFICER})
VISITORS = frozenset({Role.PROCUREMENT_OFFICER, Role.EVALUATOR, Role.COMMISSIONER})
SEARCHERS = frozenset({Role.COMMISSIONER, Role.PROCUREMENT_OFFICER, Role.EVALUATOR, Role.ADMIN})


def require_attach_evidence(p: Principal, provider_id: int) -> None:
    """A provider's own users attach its evidence."""
    if not (p.role in PROVIDER_ROLES and p.is_provider(provider_id)):
        raise PermissionDenied("only the provider's own users attach its evidence")


def may_read_due_diligence(p: Principal, provider_id: int, councils: frozenset[int]) -> bool:
    """A provider's due diligence (evidence, checks, compliance status, visits): the provider
    itself, admins, and staff of the councils holding an arrangement with it (lead or member of an
    arrangement where it has a membership or a submitted application), not every council in
    England (issue 13 item 10)."""
    if p.is_admin or p.is_provider(provider_id):
        return True
    return p.is_authority_staff and p.org_kind is OrgKind.AUTHORITY and p.org_id in councils


def require_read_evidence(p: Principal, provider_id: int, councils: frozenset[int]) -> None:
    """Read a named provider's due diligence (a list, or a setting's records): the provider's
    existence is no secret, so a plain refusal."""
    if may_read_due_diligence(p, provider_id, councils):
        return
    if p.is_authority_staff:
        raise PermissionDenied(
            "your council holds no arrangement with this provider", code=ComplianceCode.NO_ARRANGEMENT_WITH_PROVIDER
        )
    raise PermissionDenied("you may only see your own organisation's evidence")


def require_read_record(p: Principal, provider_id: int, councils: frozenset[int], entity: str, entity_id: int) -> None:
    """Read one due-diligence record by its id: to whoever may not, it does not exist (a 403 would
    tell an outsider that the id is taken, issue 13 item 10)."""
    if not may_read_due_diligence(p, provider_id, councils):
        raise NotFound(f"{entity} {entity_id} does not exist", entity=entity)


def _require_council_with_arrangement(p: Principal, councils: frozenset[int]) -> None:
    if p.is_admin:
        return
    if p.org_id not in councils:
        raise PermissionDenied(
            "only councils holding an arrangement with this provider record this",
            code=ComplianceCode.NO_ARRANGEMENT_WITH_PROVIDER,
        )


def require_record_ofsted(p: Principal, councils: frozenset[int]) -> None:
    """Ofsted judgements are public facts, recorded (or imported) by admins or by the procurement
    officers of councils holding an arrangement with the provider: a judgement can suspend and
    raise a concern, so a council outside every arrangement may not (issue 13 item 1)."""
    if not (p.is_admin or (p.role is Role.PROCUREMENT_OFFICER and p.org_kind is OrgKind.AUTHORITY)):
        raise PermissionDenied("only procurement officers record Ofsted judgements")
    _require_council_with_arrangement(p, councils)


def require_raise_concern(p: Principal, arrangements: list[Arrangement]) -> int:
    """A commissioner or officer of a council taking part in every affected arrangement; returns
    the issuing authority."""
    if p.role not in CONCERN_RAISERS or p.org_kind is not OrgKind.AUTHORITY or p.org_id is None:
        raise PermissionDenied("only council commissioners and procurement officers issue concerns")
    for arrangement in arrangements:
        if not arrangement.is_member(p.org_id):
            raise PermissionDenied(
                f"your council is not a member of arrangement {arrangement.id}", code=CommonCode.NOT_A_MEMBER_AUTHORITY
            )
    return p.org_id


def require_issuer(p: Principal, concern: Concern) -> None:
    """Only the issuing council changes, issues or rescinds a concern (ISP)."""
    if not (p.role in CONCERN_RAISERS and p.is_authority(concern.issuing_authority_id)):
        raise PermissionDenied("only the issuing council may do this", code=ComplianceCode.NOT_ISSUING_AUTHORITY)


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


def require_record_visit(p: Principal, form: VisitForm, provider_id: int, councils: frozenset[int]) -> None:
    """Form A is the provider's own description; forms B-D are visits by officers and practitioners
    of councils holding an arrangement with the provider (issue 13 item 1)."""
    if form is VisitForm.A:
        if not (p.role in PROVIDER_ROLES and p.is_provider(provider_id)):
            raise PermissionDenied("Form A is completed by the provider itself")
        return
    if p.role not in VISITORS or p.org_kind is not OrgKind.AUTHORITY:
        raise PermissionDenied("visits (forms B-D) are recorded by council officers and practitioners")
    _require_council_with_arrangement(p, councils)


def require_read_visits(p: Principal, provider_id: int, councils: frozenset[int]) -> None:
    """Recorded once and shared with the councils holding an arrangement with the provider; the
    provider sees its own."""
    require_read_evidence(p, provider_id, councils)


def require_update_action(
    p: Principal, provider_id: int, recording_authority_id: int | None, councils: frozenset[int], action_id: int
) -> None:
    """The provider works its action plan; the council that recorded the visit follows it up
    (issue 13 item 1: action items only by their own council). To anyone who may not read the
    provider's visits the item does not exist."""
    require_read_record(p, provider_id, councils, "action_item", action_id)
    if p.is_admin or p.is_provider(provider_id):
        return
    if not (p.role in VISITORS and recording_authority_id is not None and p.is_authority(recording_authority_id)):
        raise PermissionDenied(
            "only the council that recorded the visit follows up its actions", code=ComplianceCode.NOT_RECORDING_COUNCIL
        )


def require_search(p: Principal) -> None:
    if p.role not in SEARCHERS:
        raise PermissionDenied("the regional search is for council staff")
