"""Legal officers' contracts in the browser: issue a draft to the provider; see the provider's
signature and the SHA-256 it signed beside the document's own; countersign (an error when not
confirmed), which puts the contract in force; download the document."""

from __future__ import annotations

import hashlib

from playwright.sync_api import Page, expect

from tests.portal.conftest import Look, scene, sign_in


def test_a_legal_officer_issues_and_countersigns_contracts(page: Page, look: Look) -> None:
    sign_in(page, "legal@portal.test")
    page.get_by_role("link", name="Contracts", exact=True).click()
    look("contracts")

    page.goto(f"/council/contracts/{scene['draft_contract_id']}")
    expect(page.locator(".govuk-caption-l")).to_contain_text("Draft")
    look("draft")
    page.get_by_role("button", name="Issue to the provider").click()
    expect(page.get_by_text("Issued. The provider's users have been told")).to_be_visible()
    expect(page.locator(".govuk-caption-l")).to_contain_text("Issued")

    page.goto(f"/council/contracts/{scene['signed_contract_id']}")
    rows = page.locator(".govuk-summary-list")
    document_sha = rows.locator(".govuk-summary-list__row", has_text="Document's SHA-256").locator("code")
    signed_sha = rows.locator(".govuk-summary-list__row", has_text="SHA-256 the provider signed").locator("code")
    expect(signed_sha).to_have_text(document_sha.inner_text())
    expect(page.get_by_text("Yes: the two SHA-256 values are the same")).to_be_visible()
    download = page.request.get(f"/council/contracts/{scene['signed_contract_id']}/document")
    assert download.ok
    assert hashlib.sha256(download.body()).hexdigest() == document_sha.inner_text()
    look("signed")

    page.get_by_role("button", name="Countersign and activate").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm that you countersign")
    look("countersign-error")
    page.get_by_label("I countersign, for the council").check()
    page.get_by_role("button", name="Countersign and activate").click()
    expect(page.get_by_text("Countersigned. The contract is in force")).to_be_visible()
    expect(rows.locator(".govuk-summary-list__row", has_text="In force since")).to_be_visible()
    expect(page.get_by_role("button", name="Countersign and activate")).to_have_count(0)
    look("active")


def test_contracts_are_not_for_evaluators(page: Page) -> None:
    sign_in(page, "evaluator1@portal.test")
    response = page.goto("/council/contracts")
    assert response is not None and response.status == 404
