"""Story 3 walked whole, as people would, by visible labels and buttons (DESIGN.md): Tameside's
procurement officer assigns evaluators from two councils to Hazel Homes's submitted application;
each evaluator, in a browser of their own, declares no conflict, marks every question beside the
answer and what each mark means, saves a draft and submits, while a third declares a conflict and is
taken off; the officer moderates (the marks side by side, the spread, the suggested consensus) and
decides each lot with reasons; Hazel Homes, in its own browser, reads the decision per lot."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.portal.conftest import Look, sign_in
from tests.support.portal.desks import desk

ARRANGEMENT = "Tameside and Bury children's homes DPS"
SAFEGUARDING_ANSWER = "Yes: reviewed by our board in June 2026"
QUALITY_ANSWER = "A key worker visits before the move; a settling-in plan reviewed weekly"


def evaluate(page: Page, look: Look, email: str, application: str, quality: str, reason: str) -> None:
    """An evaluator declares no conflict, marks both questions, saves a draft, then submits."""
    sign_in(page, email)
    page.get_by_role("link", name="Your evaluations").click()
    look("assigned")
    page.get_by_role("link", name=application).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Declare your interests")
    expect(page.get_by_text(QUALITY_ANSWER)).to_have_count(0)  # the answers open after the declaration
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Declare and continue").click()
    expect(page.get_by_text("Declaration recorded")).to_be_visible()
    expect(page.get_by_text(QUALITY_ANSWER)).to_be_visible()
    expect(page.get_by_text("Good: meets it with examples")).to_be_visible()  # beside the answer
    look("marking")
    page.get_by_label("Pass", exact=True).check()
    page.get_by_label("Your reason for question 1").fill("Policy seen, reviewed in June 2026")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your marks are saved as a draft")).to_be_visible()
    expect(page.get_by_label("Your reason for question 1")).to_have_value("Policy seen, reviewed in June 2026")
    page.get_by_label("Your mark for question 2").fill(quality)
    page.get_by_label("Your reason for question 2").fill(reason)
    page.get_by_role("button", name="Submit marks").click()
    expect(page.get_by_text("Your marks are submitted and final.")).to_be_visible()
    look("submitted")


def test_story3_two_councils_evaluate_the_officer_moderates_and_decides_each_lot(
    page: Page, browser: Browser, base_url: str, look: Look
) -> None:
    # The officer puts three evaluators from Tameside and Bury on Hazel Homes's application.
    sign_in(page, "walk-officer@portal.test")
    page.get_by_role("link", name="Applications", exact=True).click()
    row = page.get_by_role("table").get_by_role("row", name="Hazel Homes Ltd")
    expect(row).to_contain_text("Submitted")
    look("queue")
    row.get_by_role("link", name="Assign evaluators").click()
    application = page.locator(".govuk-caption-l").inner_text().split(" from ")[0]  # "Application N"
    page.get_by_label("Tara Tameside, evaluator, Tameside Council").check()
    page.get_by_label("Stan Stockport, evaluator, Bury Council").check()
    page.get_by_label("Connie Conflict, evaluator, Bury Council").check()
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("Evaluators assigned")).to_be_visible()
    look("assigned")

    # The third evaluator declares a conflict of interest: taken off before any answer opens.
    with desk(browser, base_url, look, "connie") as (theirs, their_look):
        sign_in(theirs, "walk-evaluator-conflict@portal.test")
        theirs.get_by_role("link", name="Your evaluations").click()
        theirs.get_by_role("link", name=application).click()
        theirs.get_by_label("Yes", exact=True).check()
        theirs.get_by_label("If yes, describe it").fill("My sister manages one of Hazel Homes's homes")
        theirs.get_by_role("button", name="Declare and continue").click()
        expect(theirs.get_by_role("heading", level=1)).to_have_text("Taken off this evaluation")
        expect(theirs.get_by_text("you are not evaluating this application")).to_be_visible()
        expect(theirs.get_by_text(QUALITY_ANSWER)).to_have_count(0)
        their_look("conflict-declared")

    # Each of the other two marks independently, in a browser of their own.
    for email, name, quality, reason in (
        ("walk-evaluator-tameside@portal.test", "tameside", "3", "Meets it; the plan is not described in detail"),
        ("walk-evaluator-stockport@portal.test", "stockport", "5", "Excellent: a visit before the move and reviews"),
    ):
        with desk(browser, base_url, look, name) as (theirs, their_look):
            evaluate(theirs, their_look, email, application, quality, reason)

    # The officer sees who declared what, then moderates.
    page.reload()
    on_it = page.get_by_role("table", name="On this evaluation")
    expect(on_it.get_by_role("row", name="Connie Conflict")).to_contain_text("Taken off")
    expect(on_it.get_by_role("row", name="Connie Conflict")).to_contain_text("My sister manages")
    expect(on_it.get_by_role("row", name="Tara Tameside")).to_contain_text("Submitted")
    expect(on_it.get_by_role("row", name="Stan Stockport")).to_contain_text("Submitted")
    look("declarations")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Applications").click()
    page.get_by_role("table").get_by_role("row", name="Hazel Homes Ltd").get_by_role("link", name="Moderate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderate the marks")
    marks = page.get_by_role("table", name="Evaluators' marks on question 2")
    expect(marks.get_by_role("row", name="Tara Tameside")).to_contain_text("3 out of 5")
    expect(marks.get_by_role("row", name="Stan Stockport")).to_contain_text("5 out of 5")
    expect(marks.get_by_role("row", name="Connie Conflict")).to_have_count(0)
    expect(page.get_by_text("Marks from 3 to 5.")).to_be_visible()
    expect(page.get_by_label("Moderated mark for question 2")).to_have_value("4")  # the suggested consensus
    look("moderation")
    page.get_by_label("Reason for the moderated mark on question 1", exact=True).fill("Both saw the policy")
    page.get_by_label("Reason for the moderated mark on question 2", exact=True).fill(
        "Agreed at 4: a clear plan with a visit before the move"
    )
    page.get_by_role("button", name="Save moderated marks").click()
    expect(page.get_by_text("Moderated marks saved")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decide each lot")
    look("decision")
    page.get_by_role("group", name="Decision on LOT-A").get_by_label("Admit").check()
    page.get_by_label("Reasons for LOT-A").fill("Meets every requirement; quality 80 out of 100")
    page.get_by_role("group", name="Decision on LOT-B").get_by_label("Reject").check()
    page.get_by_label("Reasons for LOT-B").fill("No solo home registered for children with complex needs")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision recorded")).to_be_visible()
    expect(page.get_by_role("table").get_by_role("row", name="Hazel Homes Ltd")).to_contain_text("Decided")
    look("decided")

    # Hazel Homes, at its own desk, reads the decision per lot with the reasons.
    with desk(browser, base_url, look, "hazel") as (theirs, their_look):
        sign_in(theirs, "hazel@portal.test")
        theirs.get_by_role("link", name=ARRANGEMENT).first.click()
        expect(theirs.get_by_role("heading", level=1)).to_have_text("Your application is decided")
        lot_a = theirs.locator(".govuk-summary-card", has_text="Homes for children aged 8 to 17")
        expect(lot_a).to_contain_text("Admitted")
        expect(lot_a).to_contain_text("Meets every requirement; quality 80 out of 100")
        lot_b = theirs.locator(".govuk-summary-card", has_text="Solo homes for children with complex needs")
        expect(lot_b).to_contain_text("Not admitted")
        expect(lot_b).to_contain_text("No solo home registered for children with complex needs")
        expect(theirs.get_by_text("Agreed at 4: a clear plan with a visit before the move")).to_be_visible()
        their_look("provider-decision")
