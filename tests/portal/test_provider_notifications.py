"""Step 10 of the provider's journey: the notifications inbox with the unread count in the
header, each opening its own page; concerns raised about the provider and its response."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.portal.conftest import Look, scene, sign_in


def unread(page: Page) -> int:
    text = page.locator("#notifications-link").inner_text()
    found = re.search(r"\((\d+) unread\)", text)
    return int(found.group(1)) if found else 0


def test_notifications_show_unread_counts_and_open_their_pages(page: Page, look: Look) -> None:
    sign_in(page, "birch@portal.test")
    before = unread(page)
    assert before >= 3, "invitations, the award and the contracts were notified"
    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    expect(page.get_by_role("heading", name="A new placement request").first).to_be_visible()
    look("inbox")
    page.get_by_role("link", name=f"Outcome of placement request {scene['won_call_off_id']}").click()
    expect(page).to_have_url(re.compile(rf"/placement-requests/{scene['won_call_off_id']}$"))
    expect(page.get_by_text("Your offer was awarded")).to_be_visible()
    assert unread(page) == before - 1
    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    page.get_by_role("link", name=re.compile(r"^IPA-")).first.click()
    expect(page).to_have_url(re.compile(rf"/contracts/{scene['birch_ipa_id']}$"))
    assert unread(page) == before - 2


def test_a_provider_responds_to_a_concern_raised_about_it(page: Page, look: Look) -> None:
    sign_in(page, "alder@portal.test")
    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    page.get_by_role("link", name="Concerns").click()
    expect(page.get_by_role("table")).to_contain_text("Waiting for your response")
    look("concerns")
    page.get_by_role("link", name="Quality of care").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("no record of the key worker's weekly sessions")
    page.get_by_role("button", name="Send response").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your response")
    look("response-missing")
    page.get_by_label("Your response").fill("Sessions were held; the records are now on the child's file.")
    page.get_by_role("button", name="Send response").click()
    expect(page.get_by_text("Your response has been sent to the council")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Sessions were held")
    expect(page.get_by_role("button", name="Send response")).to_have_count(0)
    look("responded")


def test_another_providers_concern_and_notification_are_not_found(page: Page) -> None:
    sign_in(page, "birch@portal.test")
    response = page.goto(f"/concerns/{scene['alder_concern_id']}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    response = page.goto("/notifications/999999")
    assert response is not None and response.status == 404
