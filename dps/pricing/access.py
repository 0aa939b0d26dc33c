"""Who may see and change prices: role AND organisation, in one place."""

from __future__ import annotations

from dps.core.auth import OrgKind, Principal, Role
from dps.core.errors import NotFound, PermissionDenied
from dps.frameworks.domain.arrangements import Arrangement, ArrangementStatus
from dps.frameworks.public import may_manage_arrangement, require_manage_arrangement

__all__ = ["require_manage_arrangement"]


def is_staff_of(p: Principal, arrangement: Arrangement) -> bool:
    """Staff of the lead or a member council of the arrangement."""
    return p.org_kind is OrgKind.AUTHORITY and p.org_id is not None and arrangement.is_member(p.org_id)


def require_read_prices(p: Principal, arrangement: Arrangement, member_provider: bool) -> None:
    """Bands and the services catalogue: the lead's officers, member councils' staff, admins,
    providers holding a place on the arrangement (members read the prices they are held to), and,
    once published, every provider: the bands are part of the published conditions a prospective
    applicant weighs before applying (PCR 2015 reg 34(4)(a), 18(1) transparency)."""
    if may_manage_arrangement(p, arrangement) or is_staff_of(p, arrangement):
        return
    if p.org_kind is OrgKind.PROVIDER and (member_provider or arrangement.status is not ArrangementStatus.DRAFT):
        return
    raise PermissionDenied("only the arrangement's councils and member providers see its prices")


def may_read_rate_card(p: Principal, arrangement: Arrangement, provider_id: int) -> bool:
    """A card: its provider, and the staff of the arrangement's councils (they buy at these prices)."""
    return p.is_admin or p.is_provider(provider_id) or is_staff_of(p, arrangement)


def require_read_rate_card(p: Principal, arrangement: Arrangement, provider_id: int, card_id: int) -> None:
    """Whoever may not see a card is told it does not exist, exactly as for a missing id, so its id
    tells an outsider nothing (issue 13 item 10)."""
    if not may_read_rate_card(p, arrangement, provider_id):
        raise NotFound(f"rate card {card_id} does not exist", entity="rate_card")


def require_provider_staff(p: Principal, provider_id: int) -> None:
    """Propose a card: the provider's own users."""
    if not (p.role in {Role.PROVIDER_ADMIN, Role.PROVIDER_USER} and p.is_provider(provider_id)):
        raise PermissionDenied("only the provider's own users propose its rate card")


def require_pricing_analyst(p: Principal, arrangement: Arrangement) -> None:
    """The analysis of fees across councils: admins and procurement officers of the arrangement's councils."""
    if p.is_admin or (p.role is Role.PROCUREMENT_OFFICER and is_staff_of(p, arrangement)):
        return
    raise PermissionDenied("the pricing analysis is for the arrangement's procurement officers")


def card_listing_scope(p: Principal) -> tuple[int | None, int | None]:
    """(provider id, authority id) the caller's card list is limited to; (None, None) for admins."""
    if p.is_admin:
        return None, None
    if p.org_kind is OrgKind.PROVIDER and p.org_id is not None:
        return p.org_id, None
    if p.org_kind is OrgKind.AUTHORITY and p.org_id is not None:
        return None, p.org_id
    raise PermissionDenied("you may not list rate cards")
