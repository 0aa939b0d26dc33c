"""The header's menu for council staff: what each role works on.

The Design System's service navigation keeps to a few top-level items so that it fits on one line
(it collapses into a "Menu" button on small screens). A procurement officer works in nine areas, so
their menu groups some of them into section pages ("Providers", "Pricing"), and their home page
lists every area the menu does not link to directly."""

from __future__ import annotations

from dataclasses import dataclass

from dps.core.auth import OrgKind, Principal, Role


@dataclass(frozen=True, slots=True)
class Area:
    """One area of the council's work: a page with its name and what it is for."""

    href: str
    words: str
    about: str
    roles: frozenset[Role]


def _area(href: str, words: str, about: str, *roles: Role) -> Area:
    return Area(href, words, about, frozenset(roles))


_OFFICER, _COMMISSIONER, _EVALUATOR, _LEGAL = (
    Role.PROCUREMENT_OFFICER,
    Role.COMMISSIONER,
    Role.EVALUATOR,
    Role.LEGAL_OFFICER,
)

# Every area, in the order the home page lists them.
AREAS: list[Area] = [
    _area(
        "/council/placement-requests",
        "Placement requests",
        "Raise a request for a child, evaluate the offers and award",
        _COMMISSIONER,
    ),
    _area("/council/arrangements", "Arrangements", "Set up and publish purchasing systems and their lots", _OFFICER),
    _area("/council/applications", "Applications", "Assign evaluators, moderate marks and decide each lot", _OFFICER),
    _area("/council/evaluations", "Your evaluations", "Applications and placement requests you mark", _EVALUATOR),
    _area(
        "/council/compliance",
        "Compliance",
        "Memberships that are not compliant or expiring, suspensions and reinstatements",
        _OFFICER,
    ),
    _area(
        "/council/concerns",
        "Concerns",
        "Concerns about providers under the information sharing protocol",
        _COMMISSIONER,
        _OFFICER,
    ),
    _area(
        "/council/quality",
        "Ofsted and visits",
        "Ofsted judgements, quality visits and action plans",
        _OFFICER,
        _EVALUATOR,
    ),
    _area("/council/rate-cards", "Rate cards", "Providers' weekly prices waiting for your approval", _OFFICER),
    _area("/council/uplifts", "Uplifts", "Annual changes to price bands and the fee variations they cause", _OFFICER),
    _area(
        "/council/contracts",
        "Contracts",
        "Issue, countersign and end contracts and placement agreements",
        _LEGAL,
        _OFFICER,
    ),
    _area("/council/templates", "Templates", "Contract templates: upload, check, approve and retire", _LEGAL),
    _area(
        "/council/figures", "Figures", "Placements, spending and rates as charts and tables", _COMMISSIONER, _OFFICER
    ),
]
_BY_HREF = {area.href: area for area in AREAS}


@dataclass(frozen=True, slots=True)
class Section:
    """A page that groups several areas under one menu item."""

    href: str
    words: str
    about: str
    areas: tuple[str, ...]  # the areas' hrefs


SECTIONS: list[Section] = [
    Section(
        "/council/providers",
        "Providers",
        "Check that providers stay compliant and deal with concerns about them",
        ("/council/compliance", "/council/concerns", "/council/quality"),
    ),
    Section(
        "/council/pricing",
        "Pricing",
        "Providers' rate cards and the annual uplifts",
        ("/council/rate-cards", "/council/uplifts"),
    ),
]
SECTION_BY_HREF = {section.href: section for section in SECTIONS}

# Each role's menu after "Home": areas or sections, few enough for one line at desktop width.
_MENUS: dict[Role, tuple[str, ...]] = {
    _OFFICER: ("/council/arrangements", "/council/applications", "/council/providers", "/council/pricing"),
    _COMMISSIONER: ("/council/placement-requests", "/council/figures", "/council/concerns"),
    _EVALUATOR: ("/council/evaluations", "/council/quality"),
    _LEGAL: ("/council/contracts", "/council/templates"),
}

# A platform administrator's menu.
_ADMIN_ITEMS: list[tuple[str, str]] = [
    ("/admin/authorities", "Councils"),
    ("/admin/users", "People and roles"),
    ("/admin/audit", "Audit trail"),
]


def areas_off_the_menu(role: Role) -> list[Area]:
    """The areas a role works in that its menu does not link to directly, for its home page."""
    menu = _MENUS.get(role, ())
    return [area for area in AREAS if role in area.roles and area.href not in menu]


def section_areas(section: Section, role: Role) -> list[Area]:
    """The areas of a section page that `role` may use."""
    return [_BY_HREF[href] for href in section.areas if role in _BY_HREF[href].roles]


def under(path: str, href: str) -> bool:
    """Whether `path` is the page `href` or one below it (the menu marks its item as current)."""
    return path == href or path.startswith(href + "/")


def _menu_item(href: str, path: str) -> dict[str, object]:
    section = SECTION_BY_HREF.get(href)
    if section is None:
        return {"href": href, "text": _BY_HREF[href].words, "active": under(path, href)}
    active = any(under(path, h) for h in (section.href, *section.areas))
    return {"href": href, "text": section.words, "active": active}


def council_nav(principal: Principal | None, path: object) -> list[dict[str, object]]:
    """The Design System's service navigation items for a council officer (none for anyone else);
    error pages know no path (Jinja's Undefined), so nothing is marked current there."""
    path = path if isinstance(path, str) else ""
    if principal is not None and principal.role is Role.ADMIN:
        return [{"href": "/", "text": "Home", "current": path == "/"}] + [
            {"href": href, "text": words, "active": path.startswith(href)} for href, words in _ADMIN_ITEMS
        ]
    if principal is None or principal.org_kind is not OrgKind.AUTHORITY:
        return []
    items: list[dict[str, object]] = [{"href": "/", "text": "Home", "current": path == "/"}]
    items.extend(_menu_item(href, path) for href in _MENUS.get(principal.role, ()))
    return items
