"""The council's header menu and pages on a desktop and on a phone: a procurement officer's menu
keeps to a few items (the rest are grouped on section pages and listed on their home page) so it
fits on one line at 1280 px; on a 375 px phone it collapses into the Design System's "Menu"
button, and the officer's and commissioner's main pages do not scroll sideways (a wide table
scrolls inside its own box)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.portal.conftest import Look, scene, sign_in
from tests.support.portal.menus import DESKTOP, PHONE, menu_lines, open_phone_menu, phone_menu


def test_the_officers_menu_fits_on_one_line_and_groups_the_rest(page: Page, look: Look) -> None:
    page.set_viewport_size(DESKTOP)
    sign_in(page, "officer@portal.test")
    expect(page.get_by_role("heading", level=1)).to_have_text("What needs doing")
    assert len(menu_lines(page)) == 1, "the menu wraps onto a second line"
    menu = page.get_by_role("navigation", name="Menu")
    items = menu.locator(".govuk-service-navigation__item:not(.portal-account) a")
    expect(items).to_have_text(["Home", "Arrangements", "Applications", "Providers", "Pricing"])
    # What is not in the menu is on the home page, each with what it is for.
    work = page.locator(".portal-areas")
    for area in ("Compliance", "Concerns", "Ofsted and visits", "Rate cards", "Uplifts", "Contracts", "Figures"):
        expect(work.get_by_role("link", name=area, exact=True)).to_be_visible()
    look("home")

    menu.get_by_role("link", name="Providers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Providers")
    expect(page.locator(".portal-areas").get_by_role("link")).to_have_text(
        ["Compliance", "Concerns", "Ofsted and visits"]
    )
    look("providers")
    page.get_by_role("link", name="Concerns", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Concerns")
    # The section stays marked as where the officer is.
    expect(menu.locator(".govuk-service-navigation__item--active")).to_have_text("Providers")

    menu.get_by_role("link", name="Pricing").click()
    expect(page.locator(".portal-areas").get_by_role("link")).to_have_text(["Rate cards", "Uplifts"])
    look("pricing")


def test_a_commissioner_has_no_officers_section_page(page: Page) -> None:
    sign_in(page, "commissioner@portal.test")
    response = page.goto("/council/pricing")
    assert response is not None and response.status == 404


def test_on_a_phone_the_menu_is_a_button_that_opens_it(page: Page, look: Look) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, "officer@portal.test")
    button, providers = phone_menu(page, "Providers")
    open_phone_menu(button, providers)
    look("menu-open")  # no console errors from GOV.UK Frontend's script
    providers.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Providers")


def _main_pages() -> dict[str, list[str]]:
    return {
        "officer@portal.test": [
            "/",
            "/council/arrangements",
            "/council/applications",
            "/council/providers",
            "/council/compliance",
            "/council/concerns",
            "/council/quality",
            "/council/pricing",
            "/council/rate-cards",
            "/council/uplifts",
            "/council/contracts",
            "/council/figures",
        ],
        "commissioner@portal.test": [
            "/",
            "/council/placement-requests",
            f"/council/placement-requests/{scene['closed_call_off_id']}",
            "/council/concerns",
            "/council/figures",
        ],
    }


def test_the_main_pages_fit_a_phones_width(page: Page) -> None:
    page.set_viewport_size(PHONE)
    wider = []
    for email, paths in _main_pages().items():
        page.context.clear_cookies()
        sign_in(page, email)
        for path in paths:
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                wider.append(f"{email} {path}: {width} px")
    assert wider == [], "pages wider than the phone's screen:\n" + "\n".join(wider)
