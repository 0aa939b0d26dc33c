"""Step 9 of the provider's journey: contracts read as DOCX (the PDF copy still being made says
so) and signed against the document's SHA-256 after a plain statement of what is signed; a page
that no longer matches the document is refused; another provider's contract is not found."""

from __future__ import annotations

import hashlib

from playwright.sync_api import Page, expect

from tests.portal.conftest import Look, scene, sign_in


def test_a_provider_reads_and_signs_its_membership_agreement(page: Page, look: Look) -> None:
    sign_in(page, "birch@portal.test")
    page.get_by_role("link", name="Contracts").click()
    table = page.get_by_role("table")
    expect(table).to_contain_text("Individual Placement Agreement")
    expect(table).to_contain_text("Membership agreement")
    expect(table).to_contain_text("Waiting for your signature")
    look("index")
    page.goto(f"/contracts/{scene['birch_membership_agreement_id']}")
    expect(page.get_by_text("The PDF copy is still being made")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="as a Word document").click()
    data = download.value.path().read_bytes()
    fingerprint = hashlib.sha256(data).hexdigest()
    expect(page.locator("#document-sha256")).to_have_text(fingerprint)  # what is signed is what was read
    expect(page.locator(".govuk-inset-text")).to_contain_text(
        f"exactly the document with the SHA-256 fingerprint {fingerprint}"
    )
    look("agreement")

    page.get_by_role("button", name="Sign MEM-").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm that you have read the document")
    look("confirm-missing")
    # The document changed after the page was read: the signature names the old fingerprint.
    page.locator("input[name=sha256]").evaluate("input => input.value = '0'.repeat(64)")
    page.get_by_label("I have read this document and I may sign it for Birch Homes Ltd").check()
    page.get_by_role("button", name="Sign MEM-").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The document has changed since you opened this page")
    page.get_by_label("I have read this document and I may sign it for Birch Homes Ltd").check()
    page.get_by_role("button", name="Sign MEM-").click()
    expect(page.get_by_text("You have signed it")).to_be_visible()
    expect(page.locator(".govuk-tag").first).to_have_text("Signed")
    expect(page.get_by_role("button", name="Sign MEM-")).to_have_count(0)
    look("signed")


def test_a_pending_pdf_says_so_and_another_providers_contract_is_not_found(page: Page, look: Look) -> None:
    sign_in(page, "birch@portal.test")
    response = page.goto(f"/contracts/{scene['birch_ipa_id']}/document.pdf")
    assert response is not None and response.status == 409
    expect(page.locator("main")).to_contain_text("The PDF copy is still being made")
    look("pdf-pending")
    other = page.context.browser.new_context(base_url=page.url.split("/contracts")[0])  # type: ignore[union-attr]
    try:
        theirs = other.new_page()
        sign_in(theirs, "alder@portal.test")
        ipa = scene["birch_ipa_id"]
        for path in (f"/contracts/{ipa}", f"/contracts/{ipa}/document.docx", f"/contracts/{ipa}/document.pdf"):
            response = theirs.goto(path)
            assert response is not None and response.status == 404, path
            expect(theirs.get_by_role("heading", level=1)).to_have_text("Page not found")
    finally:
        other.close()
