"""A provider's header menu (dps.portal.provider_nav): few enough items to fit on one line, the
rest on the "Memberships" section page and the home page, and an item marked as where the provider
is on any of its areas' pages."""

from __future__ import annotations

import pytest

from dps.core.auth import OrgKind, Principal, Role
from dps.portal.provider_nav import AREAS, areas_off_the_menu, membership_areas, provider_nav

MOST_ITEMS = 4  # Home and three more fit on one line at 1280 px beside "Notifications (10 unread)"


def _provider(role: Role = Role.PROVIDER_ADMIN) -> Principal:
    return Principal(2, "p@provider.test", role, OrgKind.PROVIDER, 9)


@pytest.mark.parametrize("role", [Role.PROVIDER_ADMIN, Role.PROVIDER_USER])
def test_the_menu_is_short_and_every_area_is_in_it_or_on_the_home_page(role: Role) -> None:
    items = provider_nav(_provider(role), "/")
    assert [i["text"] for i in items] == ["Home", "Applications", "Memberships", "Placement requests"]
    assert len(items) <= MOST_ITEMS
    reached = {str(i["href"]) for i in items} | {a.href for a in areas_off_the_menu()}
    assert {a.href for a in AREAS} <= reached
    # Nothing on the home page's list is also in the menu.
    assert not {a.href for a in areas_off_the_menu()} & {str(i["href"]) for i in items}


def test_the_memberships_page_lists_what_keeps_a_provider_a_member() -> None:
    assert [a.words for a in membership_areas()] == ["Compliance", "Rate cards", "Contracts", "Concerns"]
    assert all(a.about for a in AREAS)


@pytest.mark.parametrize(
    ("path", "active"),
    [
        ("/applications", ["Applications"]),
        ("/applications/4/questions/7", ["Applications"]),
        ("/arrangements", ["Applications"]),
        ("/arrangements/3/apply", ["Applications"]),
        ("/memberships", ["Memberships"]),
        ("/compliance/memberships/5", ["Memberships"]),
        ("/rate-cards/new/2", ["Memberships"]),
        ("/contracts/8", ["Memberships"]),
        ("/concerns", ["Memberships"]),
        ("/placement-requests/6/offer", ["Placement requests"]),
        ("/organisation/settings", []),  # on the home page's list, not in the menu
        ("/notifications", []),
        ("/contractsx", []),  # a path that only starts with an area's letters is not in it
        ("/", []),
    ],
)
def test_the_section_of_the_page_is_marked(path: str, active: list[str]) -> None:
    items = provider_nav(_provider(), path)
    assert [i["text"] for i in items if i.get("active")] == active
    assert [i["text"] for i in items if i.get("current")] == (["Home"] if path == "/" else [])


def test_council_staff_and_the_signed_out_get_no_providers_menu() -> None:
    officer = Principal(1, "o@council.test", Role.PROCUREMENT_OFFICER, OrgKind.AUTHORITY, 7)
    assert provider_nav(officer, "/") == []
    assert provider_nav(None, "/") == []


def test_an_error_page_without_a_path_marks_nothing() -> None:
    class Undefined:  # what Jinja passes for a variable the error page does not set
        pass

    items = provider_nav(_provider(), Undefined())
    assert not [i for i in items if i.get("active") or i.get("current")]
