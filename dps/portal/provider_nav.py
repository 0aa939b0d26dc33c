"""The header's menu for a provider's people: what a care company, fostering agency or school
works on.

Like the council's menu (`council_nav`), it keeps to a few top-level items so that it fits on one
line beside the account links at desktop width (it collapses into a "Menu" button on small
screens): "Applications" (finding an arrangement and applying to it), "Memberships" (a section
page for what keeps a provider a member: evidence, fees, contracts and concerns) and
"Placement requests" (the day-to-day work of making offers). The home page lists every area the
menu does not link to directly, each with what it is for."""

from __future__ import annotations

from dps.core.auth import OrgKind, Principal
from dps.portal.council_nav import Area, Section, under


def _area(href: str, words: str, about: str) -> Area:
    # No roles: administrators and team members see the same pages (the services refuse what a
    # team member may not do, such as inviting colleagues).
    return Area(href, words, about, frozenset())


# Every area of a provider's work, in the order the home page lists them.
AREAS: list[Area] = [
    _area("/arrangements", "Arrangements", "Purchasing systems you can join: read their conditions and apply"),
    _area("/applications", "Applications", "Your applications to join lots, and the decisions on them"),
    _area(
        "/compliance",
        "Compliance",
        "The evidence each membership needs, such as insurance certificates, and when it runs out",
    ),
    _area("/rate-cards", "Rate cards", "Your weekly fees for each lot, for the lead authority to approve"),
    _area("/contracts", "Contracts", "Membership agreements and placement agreements to read and sign"),
    _area("/concerns", "Concerns", "Concerns a council has raised about your services, and your answers"),
    _area(
        "/placement-requests",
        "Placement requests",
        "Councils' requests for a child's placement: make, change or withdraw your offer",
    ),
    _area(
        "/organisation",
        "Organisation",
        "Your registered details and the colleagues who can use this service",
    ),
    _area(
        "/organisation/settings",
        "Settings",
        "Your homes, agency branches and schools: their Ofsted details, places, ages and needs",
    ),
]
_BY_HREF = {area.href: area for area in AREAS}

MEMBERSHIPS = Section(
    "/memberships",
    "Memberships",
    "What keeps you a member of each lot: your evidence, fees, contracts and any concerns about you",
    ("/compliance", "/rate-cards", "/contracts", "/concerns"),
)

# The menu after "Home", each item with the areas it is marked as current on: applying starts
# from an arrangement's page, so "Applications" covers the arrangements too.
_MENU: list[tuple[str, str, tuple[str, ...]]] = [
    ("/applications", "Applications", ("/applications", "/arrangements")),
    (MEMBERSHIPS.href, MEMBERSHIPS.words, (MEMBERSHIPS.href, *MEMBERSHIPS.areas)),
    ("/placement-requests", "Placement requests", ("/placement-requests",)),
]


def areas_off_the_menu() -> list[Area]:
    """The areas the menu does not link to directly, for the provider's home page."""
    menu = {href for href, _, _ in _MENU}
    return [area for area in AREAS if area.href not in menu]


def membership_areas() -> list[Area]:
    """The areas the "Memberships" section page lists."""
    return [_BY_HREF[href] for href in MEMBERSHIPS.areas]


def provider_nav(principal: Principal | None, path: object) -> list[dict[str, object]]:
    """The Design System's service navigation items for a provider's people (none for anyone else);
    error pages know no path (Jinja's Undefined), so nothing is marked current there."""
    if principal is None or principal.org_kind is not OrgKind.PROVIDER:
        return []
    path = path if isinstance(path, str) else ""
    items: list[dict[str, object]] = [{"href": "/", "text": "Home", "current": path == "/"}]
    items.extend(
        {"href": href, "text": words, "active": any(under(path, h) for h in covers)} for href, words, covers in _MENU
    )
    return items
