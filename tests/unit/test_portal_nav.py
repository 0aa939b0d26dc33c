"""The council's header menu (dps.portal.council_nav): few enough items per role to fit on one line,
the rest grouped on section pages and listed on the home page, and a section marked as where the
officer is on any of its areas' pages."""

from __future__ import annotations

import pytest

from dps.core.auth import OrgKind, Principal, Role
from dps.portal.council_nav import (
    AREAS,
    SECTION_BY_HREF,
    SECTIONS,
    areas_off_the_menu,
    council_nav,
    section_areas,
)

MOST_ITEMS = 5  # Home and four more fit on one line at 1280 px beside the account links


def _staff(role: Role) -> Principal:
    return Principal(1, "someone@council.test", role, OrgKind.AUTHORITY, 7)


@pytest.mark.parametrize("role", [Role.PROCUREMENT_OFFICER, Role.COMMISSIONER, Role.EVALUATOR, Role.LEGAL_OFFICER])
def test_every_role_has_a_short_menu_and_reaches_all_its_areas(role: Role) -> None:
    # Given a council officer's menu on their home page
    items = council_nav(_staff(role), "/")
    # Then it is short, and every area they work in is in it, under one of its sections, or on the home page
    assert len(items) <= MOST_ITEMS
    hrefs = {str(i["href"]) for i in items}
    reached = hrefs | {a.href for a in areas_off_the_menu(role)}
    for href in hrefs & SECTION_BY_HREF.keys():
        reached |= {a.href for a in section_areas(SECTION_BY_HREF[href], role)}
    assert {a.href for a in AREAS if role in a.roles} <= reached


def test_the_officers_menu_groups_providers_and_pricing() -> None:
    items = council_nav(_staff(Role.PROCUREMENT_OFFICER), "/council/concerns/3")
    assert [i["text"] for i in items] == ["Home", "Arrangements", "Applications", "Providers", "Pricing"]
    assert [i["text"] for i in items if i.get("active")] == ["Providers"]


@pytest.mark.parametrize(
    ("path", "active"),
    [
        ("/council/rate-cards", ["Pricing"]),
        ("/council/pricing", ["Pricing"]),
        ("/council/uplifts/2/preview", ["Pricing"]),
        ("/council/applications/5/moderation", ["Applications"]),
        ("/council/contracts", []),  # on the home page's list, not in the menu
    ],
)
def test_the_section_of_the_page_is_marked(path: str, active: list[str]) -> None:
    items = council_nav(_staff(Role.PROCUREMENT_OFFICER), path)
    assert [i["text"] for i in items if i.get("active")] == active


def test_a_section_lists_only_what_the_role_may_use() -> None:
    providers = next(s for s in SECTIONS if s.words == "Providers")
    assert [a.words for a in section_areas(providers, Role.PROCUREMENT_OFFICER)] == [
        "Compliance",
        "Concerns",
        "Ofsted and visits",
    ]
    assert [a.words for a in section_areas(providers, Role.LEGAL_OFFICER)] == []


def test_providers_and_the_signed_out_get_no_council_menu() -> None:
    provider = Principal(2, "p@provider.test", Role.PROVIDER_ADMIN, OrgKind.PROVIDER, 9)
    assert council_nav(provider, "/") == []
    assert council_nav(None, "/") == []
