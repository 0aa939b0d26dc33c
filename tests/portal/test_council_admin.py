"""A platform administrator in the browser: adds a council (each mistake shown), invites a legal
officer to it who then signs in and sees the legal officer's pages, disables the account; reads
the audit trail newest first, filtered and a page further on, and checks the hash chain."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.portal.conftest import Look, sign_in

PASSWORD = "a-new-password-2026"


def test_an_administrator_adds_a_council_and_invites_its_legal_officer(
    page: Page, look: Look, browser: Browser, base_url: str
) -> None:
    sign_in(page, "admin@portal.test")
    page.get_by_role("link", name="Councils", exact=True).click()
    expect(page.get_by_role("table").get_by_role("row", name="Salford City Council")).to_contain_text("E08000006")
    page.get_by_role("button", name="Add the council").click()
    summary = page.locator(".govuk-error-summary")
    for message in ("Enter the council's name", "Enter the council's ONS code", "Select the council's region"):
        expect(summary).to_contain_text(message)
    page.get_by_label("Council's name").fill("Trafford Council")
    page.get_by_label("ONS code").fill("E08000006")
    page.get_by_label("Region").select_option(label="North West")
    page.get_by_role("button", name="Add the council").click()
    expect(summary).to_contain_text("A council with this ONS code is already listed")
    expect(page.get_by_label("Council's name")).to_have_value("Trafford Council")
    look("council-errors")
    page.get_by_label("ONS code").fill("E08000009")
    page.get_by_role("button", name="Add the council").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Council added")
    expect(page.get_by_role("table").get_by_role("row", name="Trafford Council")).to_contain_text("North West")

    page.get_by_role("link", name="People and roles", exact=True).click()
    page.get_by_role("button", name="Invite").click()
    for message in ("Enter the person's full name", "Enter the person's email address", "Select the person's role"):
        expect(summary).to_contain_text(message)
    page.get_by_label("Full name").fill("Tara Legal")
    page.get_by_label("Email address").fill("tara.legal@trafford.test")
    page.get_by_label("Role").select_option(label="Legal officer")
    page.get_by_role("button", name="Invite").click()
    expect(summary).to_contain_text("Select the council this person works for")
    page.get_by_label("Council").select_option(label="Trafford Council")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_role("heading", name="Invitation created")).to_be_visible()
    link = page.locator("#invitation-link").inner_text()
    look("invited")

    theirs = browser.new_context(base_url=base_url)
    try:
        tara = theirs.new_page()
        tara.goto(link)
        tara.get_by_label("Create a password").fill(PASSWORD)
        tara.get_by_role("button", name="Set password").click()
        sign_in(tara, "tara.legal@trafford.test", PASSWORD)
        expect(tara.get_by_role("link", name="Templates", exact=True)).to_be_visible()
    finally:
        theirs.close()

    page.get_by_role("link", name="Back to people and roles").click()
    row = page.get_by_role("row", name="tara.legal@trafford.test")
    expect(row).to_contain_text("Legal officer")
    expect(row).to_contain_text("Trafford Council")
    expect(row).to_contain_text("Active")
    look("people")
    row.get_by_role("button", name="Disable").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Account disabled")
    expect(page.get_by_role("row", name="tara.legal@trafford.test")).to_contain_text("Disabled")


def test_an_administrator_reads_the_audit_trail_and_checks_the_chain(page: Page, look: Look) -> None:
    sign_in(page, "admin@portal.test")
    page.get_by_role("link", name="Audit trail", exact=True).click()
    events = page.get_by_role("table", name="Events, newest first")
    numbers = [int(n) for n in events.locator("tbody tr td:first-child").all_inner_texts()]
    assert len(numbers) == 50 and numbers == sorted(numbers, reverse=True)
    look("trail")

    page.get_by_role("link", name="Older events").click()
    older = [int(n) for n in events.locator("tbody tr td:first-child").all_inner_texts()]
    assert older and max(older) < min(numbers)
    page.get_by_role("link", name="Newest").click()

    page.get_by_label("Action").fill("rate_card.approved")
    page.get_by_role("button", name="Filter").click()
    rows = events.locator("tbody tr")
    expect(rows.first).to_contain_text("rate_card.approved")
    for text in rows.all_inner_texts():
        assert "rate_card.approved" in text
    look("filtered")

    page.get_by_label("Person's user number").fill("someone")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the person's user number, like 12")

    page.get_by_role("button", name="Check the chain").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The audit trail is intact")
    look("chain")
