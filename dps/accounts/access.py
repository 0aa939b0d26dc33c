"""Who may see and change what in accounts: role AND organisation, in one place."""

from __future__ import annotations

from dps.accounts.domain import Document
from dps.core.auth import OrgKind, Principal, Role
from dps.core.errors import PermissionDenied

PROVIDER_EDITORS = frozenset({Role.PROVIDER_ADMIN, Role.PROVIDER_USER})


def may_read_provider(p: Principal, provider_id: int) -> bool:
    """A provider's own people; council staff and admins (due diligence is shared regionally)."""
    return p.is_provider(provider_id) or p.is_authority_staff


def require_read_provider(p: Principal, provider_id: int) -> None:
    if not may_read_provider(p, provider_id):
        # Same answer whether or not it exists: a provider learns nothing about another.
        raise PermissionDenied("you may only see your own organisation's records")


def require_manage_provider(p: Principal, provider_id: int) -> None:
    """Change the provider's own record: its administrators, or a platform admin."""
    if not (p.is_admin or (p.is_provider(provider_id) and p.role is Role.PROVIDER_ADMIN)):
        raise PermissionDenied("only the provider's administrators may change it")


def require_edit_settings(p: Principal, provider_id: int) -> None:
    """Describe the provider's settings: any of its users, or a platform admin."""
    if not (p.is_admin or (p.is_provider(provider_id) and p.role in PROVIDER_EDITORS)):
        raise PermissionDenied("only the provider's own users may change its settings")


def may_read_users_of(p: Principal, provider_id: int | None, authority_id: int | None) -> bool:
    """Admins, and the users of the same organisation."""
    if p.is_admin:
        return True
    return (provider_id is not None and p.is_provider(provider_id)) or (
        authority_id is not None and p.is_authority(authority_id)
    )


def require_read_users_of(p: Principal, provider_id: int | None, authority_id: int | None) -> None:
    if not may_read_users_of(p, provider_id, authority_id):
        raise PermissionDenied("you may only see users of your own organisation")


def may_read_document(p: Principal, document: Document) -> bool:
    """Provider evidence: its own users and council staff; council documents: that council's staff."""
    if p.is_admin:
        return True
    if document.owner_kind is OrgKind.PROVIDER and document.provider_id is not None:
        return may_read_provider(p, document.provider_id)
    return document.authority_id is not None and p.is_authority(document.authority_id)


def require_read_document(p: Principal, document: Document) -> None:
    if not may_read_document(p, document):
        raise PermissionDenied("you may not read this document")
