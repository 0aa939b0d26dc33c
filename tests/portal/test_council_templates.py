"""The legal officer's template library in the browser: a template the check refuses shows each
problem in plain words; a good one is kept as the council's draft, which a second legal officer
approves (four eyes); the council's version is then the one in use, the national default stays."""

from __future__ import annotations

import io

import docx
from playwright.sync_api import Page, expect

from tests.portal.conftest import REPO, Look, sign_in

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def word_document(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_legal_officer_uploads_checks_and_approves_a_template(page: Page, look: Look) -> None:
    sign_in(page, "legal@portal.test")
    page.get_by_role("link", name="Templates", exact=True).click()
    letters = page.get_by_role("table", name="Versions of the decision letter")
    expect(letters.get_by_role("row", name="Version 1")).to_contain_text("In use")
    look("library")

    page.get_by_role("button", name="Upload").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select the kind of document")
    expect(summary).to_contain_text("Select a Word document to upload")

    page.get_by_label("Kind of document").select_option("decision_letter")
    page.get_by_label("Word document (.docx)").set_input_files(
        {"name": "letter.docx", "mimeType": DOCX, "buffer": word_document("Dear {{ no_such_field }},")}
    )
    page.get_by_role("button", name="Upload").click()
    expect(summary).to_contain_text("The template cannot be used yet")
    found = page.locator(".govuk-inset-text")
    expect(found).to_contain_text("“no_such_field” is not a field the service fills in")
    expect(found).to_contain_text("Paragraph 1: “Dear {{ no_such_field }},”")
    look("refused")

    shipped = (REPO / "templates" / "contracts" / "decision_letter.docx").read_bytes()
    page.get_by_label("Kind of document").select_option("decision_letter")
    page.get_by_label("Word document (.docx)").set_input_files(
        {"name": "decision_letter_v2.docx", "mimeType": DOCX, "buffer": shipped}
    )
    page.get_by_label("What changed (optional)").fill("Plainer wording of the reasons")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Template uploaded as a draft")).to_be_visible()
    ours = letters.get_by_role("row").filter(has_text="Your council")
    expect(ours).to_contain_text("Version 1")
    expect(ours).to_contain_text("Draft")
    national = letters.get_by_role("row").filter(has_text="National default")
    expect(national).to_contain_text("In use")
    expect(national.get_by_role("button")).to_have_count(0)  # a council cannot retire the national default
    # Four eyes: whoever uploaded a version may not approve it.
    page.get_by_role("button", name="Approve version 1 of the decision letter").click()
    expect(summary).to_contain_text("You uploaded this version, so another legal officer at your council must approve")
    look("second-approver-needed")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "requests-legal@portal.test")
    page.get_by_role("link", name="Templates", exact=True).click()
    page.get_by_role("button", name="Approve version 1 of the decision letter").click()
    expect(page.get_by_text("Template approved")).to_be_visible()
    expect(ours).to_contain_text("In use")
    expect(national).to_contain_text("Approved")
    look("approved")


def test_a_legal_officer_reads_the_fields_beside_a_template_and_previews_it(page: Page, look: Look) -> None:
    sign_in(page, "legal@portal.test")
    page.get_by_role("link", name="Templates", exact=True).click()
    page.get_by_role("link", name="Version 1 of the fee variation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Version 1")
    fields = page.get_by_role("table", name="Fields you can use")
    expect(fields.get_by_role("row", name="{{ new_weekly_fee }}")).to_contain_text(
        "the weekly fee from the effective date"
    )
    expect(fields.get_by_role("row", name="{{ new_weekly_fee }}")).to_contain_text("£6,315.77")
    look("fields")

    with page.expect_download() as word:
        page.get_by_role("link", name="Preview with sample data (Word)").click()
    assert word.value.suggested_filename == "fee_variation-v1-preview.docx"
    filled = docx.Document(word.value.path())
    text = "\n".join(p.text for p in filled.paragraphs) + "".join(
        c.text for t in filled.tables for r in t.rows for c in r.cells
    )
    assert "£6,315.77" in text and "{{" not in text

    with page.expect_download(timeout=60_000) as pdf:
        page.get_by_role("link", name="Preview with sample data (PDF)").click()
    assert pdf.value.suggested_filename == "fee_variation-v1-preview.pdf"
    with open(pdf.value.path(), "rb") as copy:
        assert copy.read(5) == b"%PDF-"
