"""Who may see and change what in tenders: role AND organisation, in one place."""

from __future__ import annotations

from dps.core.auth import AUTHORITY_ROLES, PROVIDER_ROLES, Principal, Role
from dps.core.codes import CommonCode
from dps.core.errors import PermissionDenied
from dps.tenders.domain.call_offs import CallOff


def require_raise(p: Principal, may_join: bool) -> int:
    """A placement request is raised by a commissioner of a member authority of the arrangement;
    returns the authority."""
    if p.role is not Role.COMMISSIONER or p.org_id is None:
        raise PermissionDenied("only commissioners raise placement requests")
    if not may_join:
        raise PermissionDenied(
            "your council is not a member of this arrangement", code=CommonCode.NOT_A_MEMBER_AUTHORITY
        )
    return p.org_id


def may_manage(p: Principal, call_off: CallOff) -> bool:
    """Publish, answer, award, cancel: the raising council's commissioners, or an admin."""
    return p.is_admin or (p.role is Role.COMMISSIONER and p.is_authority(call_off.authority_id))


def require_manage(p: Principal, call_off: CallOff) -> None:
    if not may_manage(p, call_off):
        raise PermissionDenied("only the raising council's commissioners may do this")


def is_council_staff(p: Principal, call_off: CallOff) -> bool:
    """The raising council's staff (commissioners, officers, evaluators, legal) and admins."""
    return p.is_admin or (p.role in AUTHORITY_ROLES and p.is_authority(call_off.authority_id))


def require_evaluator(p: Principal, call_off: CallOff) -> None:
    """Marks come from the raising council's evaluators and commissioners."""
    if not (p.role in {Role.EVALUATOR, Role.COMMISSIONER} and p.is_authority(call_off.authority_id)):
        raise PermissionDenied("only the raising council's evaluators and commissioners mark offers")


def provider_of(p: Principal) -> int | None:
    """The caller's provider, for provider users; None for everyone else."""
    return p.org_id if p.role in PROVIDER_ROLES else None


def may_oversee(p: Principal, call_off: CallOff) -> bool:
    """Run the evaluation (assign and release evaluators, reopen it before the award): the raising
    council's commissioners and procurement officers, or an admin."""
    return may_manage(p, call_off) or (p.role is Role.PROCUREMENT_OFFICER and p.is_authority(call_off.authority_id))


def may_sit_on_panel(role: Role, authority_id: int | None, call_off: CallOff) -> bool:
    """Who may be assigned to mark offers: the raising council's evaluators and commissioners."""
    return role in {Role.EVALUATOR, Role.COMMISSIONER} and authority_id == call_off.authority_id
