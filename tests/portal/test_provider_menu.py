"""A provider's header menu on a desktop and on a phone: it keeps to a few items (Applications,
Memberships, Placement requests; the rest are on the "Memberships" section page and on the home
page, each with what it is for) so it fits on one line at 1280 px beside the account links; on a
375 px phone it collapses into the Design System's "Menu" button, and the home page does not
scroll sideways."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.portal.conftest import Look, sign_in
from tests.support.portal.menus import DESKTOP, PHONE, menu_lines, open_phone_menu, phone_menu


def test_the_providers_menu_fits_on_one_line_and_groups_the_rest(page: Page, look: Look) -> None:
    page.set_viewport_size(DESKTOP)
    sign_in(page, "birch@portal.test")  # ten unread notifications: the widest account link
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work with Placements North West")
    expect(page.locator("#notifications-link")).to_contain_text("unread")
    assert len(menu_lines(page)) == 1, "the menu wraps onto a second line"
    menu = page.get_by_role("navigation", name="Menu")
    items = menu.locator(".govuk-service-navigation__item:not(.portal-account) a")
    expect(items).to_have_text(["Home", "Applications", "Memberships", "Placement requests"])
    # What is not in the menu is on the home page, each with what it is for.
    work = page.locator(".portal-areas")
    for area in ("Arrangements", "Compliance", "Rate cards", "Contracts", "Concerns", "Organisation", "Settings"):
        expect(work.get_by_role("link", name=area, exact=True)).to_be_visible()
        about = work.locator("li").filter(has=page.get_by_role("link", name=area, exact=True)).locator("p")
        expect(about).not_to_be_empty()
    look("home")

    menu.get_by_role("link", name="Memberships").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Memberships")
    expect(page.locator(".portal-areas").get_by_role("link")).to_have_text(
        ["Compliance", "Rate cards", "Contracts", "Concerns"]
    )
    look("memberships")
    page.get_by_role("link", name="Rate cards", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rate cards")
    # The section stays marked as where the provider is, on its areas' pages too.
    active = menu.locator(".govuk-service-navigation__item--active")
    expect(active).to_have_text("Memberships")
    page.get_by_role("link", name="Propose a rate card for LOT-1: Children's homes, ages 8 to 17").click()
    expect(active).to_have_text("Memberships")

    # Finding an arrangement to apply to belongs with the applications.
    menu.get_by_role("link", name="Applications").click()
    expect(active).to_have_text("Applications")
    page.get_by_role("link", name="find an open arrangement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open arrangements")
    expect(active).to_have_text("Applications")
    look("arrangements")


def test_council_staff_have_no_providers_section_page(page: Page) -> None:
    sign_in(page, "officer@portal.test")
    response = page.goto("/memberships")
    assert response is not None and response.status == 404


def test_on_a_phone_the_providers_menu_is_a_button_that_opens_it(page: Page, look: Look) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, "birch@portal.test")
    button, memberships = phone_menu(page, "Memberships")
    look("home")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the home page is {width} px wide on a {PHONE['width']} px phone"
    open_phone_menu(button, memberships)
    look("menu-open")  # no console errors from GOV.UK Frontend's script
    memberships.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Memberships")
    look("memberships")
