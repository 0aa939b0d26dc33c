"""The header menu in the browser tests: window sizes, whether it fits on one line, and opening it
on a phone (GOV.UK Frontend's service navigation collapses into a "Menu" button below tablet width)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def menu_lines(page: Page) -> set[int]:
    """The distinct heights at which the menu's items sit (one when the menu fits on one line)."""
    boxes = [item.bounding_box() for item in page.locator(".govuk-service-navigation__item").all()]
    return {round(box["y"]) for box in boxes if box is not None}


def phone_menu(page: Page, link: str) -> tuple[Locator, Locator]:
    """The "Menu" button and one of the menu's links, checked closed: the link hidden until the button
    opens the menu."""
    button = page.get_by_role("button", name="Menu")
    item = page.get_by_role("navigation", name="Menu").get_by_role("link", name=link)
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(item).to_be_hidden()
    return button, item


def open_phone_menu(button: Locator, item: Locator) -> None:
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(item).to_be_visible()
