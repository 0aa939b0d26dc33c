"""The header's menu for council staff: what each role works on."""

from __future__ import annotations

from dps.core.auth import OrgKind, Principal, Role

# (path, words, the roles that see it); "Home" is everyone's.
_ITEMS: list[tuple[str, str, frozenset[Role]]] = [
    ("/council/placement-requests", "Placement requests", frozenset({Role.COMMISSIONER})),
    ("/council/arrangements", "Arrangements", frozenset({Role.PROCUREMENT_OFFICER})),
    ("/council/applications", "Applications", frozenset({Role.PROCUREMENT_OFFICER})),
    ("/council/evaluations", "Your evaluations", frozenset({Role.EVALUATOR})),
    ("/council/contracts", "Contracts", frozenset({Role.LEGAL_OFFICER, Role.PROCUREMENT_OFFICER})),
    ("/council/templates", "Templates", frozenset({Role.LEGAL_OFFICER})),
    ("/council/figures", "Figures", frozenset({Role.COMMISSIONER, Role.PROCUREMENT_OFFICER})),
    ("/council/compliance", "Compliance", frozenset({Role.PROCUREMENT_OFFICER})),
    ("/council/concerns", "Concerns", frozenset({Role.COMMISSIONER, Role.PROCUREMENT_OFFICER})),
    ("/council/quality", "Ofsted and visits", frozenset({Role.PROCUREMENT_OFFICER, Role.EVALUATOR})),
    ("/council/rate-cards", "Rate cards", frozenset({Role.PROCUREMENT_OFFICER})),
    ("/council/uplifts", "Uplifts", frozenset({Role.PROCUREMENT_OFFICER})),
]

# A platform administrator's menu.
_ADMIN_ITEMS: list[tuple[str, str]] = [
    ("/admin/authorities", "Councils"),
    ("/admin/users", "People and roles"),
    ("/admin/audit", "Audit trail"),
]


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
    for href, words, roles in _ITEMS:
        if principal.role in roles:
            items.append({"href": href, "text": words, "active": path.startswith(href)})
    return items
