"""The error paths a provider can hit in the portal, each shown the Design System's way, and the
application form used by keyboard alone."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.portal.conftest import Look, scene, sign_in
from tests.support.pdfs import insurance_schedule


def start_application(page: Page) -> str:
    """Alder Care's draft application to lot 1 (started by whichever test comes first: a provider
    has one live application per arrangement); returns its path."""
    page.goto(f"/arrangements/{scene['arrangement_id']}/apply")
    page.get_by_label("LOT-1: Children's homes, ages 8 to 17").check()
    page.get_by_role("button", name="Start application").click()
    if page.get_by_text("You already have an application to this arrangement").count():
        page.get_by_role("link", name="Applications", exact=True).click()
        page.get_by_role("link", name="Placements North West children's residential DPS").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your application")
    return re.sub(r"^https?://[^/]+", "", page.url)


def test_another_providers_application_is_not_found(page: Page, look: Look) -> None:
    sign_in(page, "alder@portal.test")
    theirs = scene["birch_application_id"]
    for path in (f"/applications/{theirs}", f"/applications/{theirs}/check", f"/applications/{theirs}/lots"):
        response = page.goto(path)
        assert response is not None and response.status == 404, path
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    look("not-found")
    response = page.goto("/applications/999999")  # exactly like one that does not exist
    assert response is not None and response.status == 404


def test_registration_lists_every_missing_field_and_keeps_what_was_typed(page: Page, look: Look) -> None:
    page.goto("/register")
    page.get_by_label("Legal name").fill("Elm Tree Care Ltd")
    page.get_by_label("Create a password").fill("short")
    page.get_by_role("button", name="Register").click()
    summary = page.locator(".govuk-error-summary")
    for message in (
        "Enter your organisation's registered address",
        "Enter your organisation's postcode",
        "Enter your full name",
        "Enter your email address",
        "Your password must be 12 characters or more",
    ):
        expect(summary).to_contain_text(message)
    expect(page.get_by_label("Legal name")).to_have_value("Elm Tree Care Ltd")
    look("register-errors")
    # The services' own rule: a company or a charity number.
    page.get_by_label("Registered address").fill("3 Elm Street")
    page.get_by_label("Postcode").fill("M1 1AE")
    page.get_by_label("Full name").fill("Esme Elm")
    page.get_by_label("Email address").fill("esme@elm.test")
    page.get_by_label("Create a password").fill("a long enough password")
    page.get_by_role("button", name="Register").click()
    expect(summary).to_contain_text("Enter a Companies House number, a Charity Commission number, or both")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Companies House number")).to_be_focused()


def test_a_stale_answer_shows_the_other_persons_answer(page: Page, look: Look) -> None:
    sign_in(page, "alder@portal.test")
    application = start_application(page)
    page.get_by_role("link", name=re.compile("safeguarding policy")).click()
    question = page.url
    # A colleague saves an answer to the same question in another tab meanwhile.
    other = page.context.new_page()
    other.goto(question)
    other.get_by_label("Your answer").fill("Yes, reviewed in January (their answer)")
    other.get_by_role("button", name="Save and continue").click()
    expect(other.get_by_text("Answer saved")).to_be_visible()
    other.close()

    page.get_by_label("Your answer").fill("Yes, reviewed in March (my answer)")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Someone else changed this while you were editing it")
    expect(page.get_by_text("Yes, reviewed in January (their answer)")).to_be_visible()
    expect(page.get_by_label("Your answer")).to_have_value("Yes, reviewed in March (my answer)")
    look("stale-answer")
    # Saving again, having seen theirs, replaces it.
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Answer saved")).to_be_visible()
    page.goto(f"{application}/check")
    expect(page.get_by_text("Yes, reviewed in March (my answer)")).to_be_visible()


def test_uploads_that_are_too_large_or_of_the_wrong_type_are_refused(page: Page, look: Look) -> None:
    sign_in(page, "alder@portal.test")
    start_application(page)
    page.get_by_role("link", name="Attach your public liability insurance certificate").click()
    upload = page.get_by_label("Upload a file")
    expect(page.get_by_text("A PDF, DOCX, PNG or JPEG file, up to 1 MB")).to_be_visible()

    upload.set_input_files(
        {"name": "big.pdf", "mimeType": "application/pdf", "buffer": insurance_schedule() + b"0" * 1_100_000}
    )
    page.get_by_role("button", name="Save answer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The selected file must be smaller than 1 MB")
    look("too-large")

    page.get_by_label("Upload a file").set_input_files(
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"just some notes"}
    )
    page.get_by_role("button", name="Save answer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The selected file must be a PDF, DOCX, PNG or JPEG")
    look("wrong-type")
    page.locator(".govuk-error-summary").get_by_role("link").click()
    expect(page.get_by_label("Upload a file")).to_be_focused()


def test_the_application_form_works_by_keyboard_alone(page: Page) -> None:
    sign_in(page, "alder@portal.test")
    start_application(page)
    page.get_by_role("link", name=re.compile("keep children safe")).click()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")  # skip the header
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "answer":
            break
    expect(page.get_by_label("Your answer")).to_be_focused()
    page.keyboard.type("Key workers, clear routines and listening to children")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save and continue")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Answer saved")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("How many of your care staff hold a Level 3 Diploma?")
