"""The provider's decision page lists its moderated marks in the questionnaire's order (question
1 before question 2), whatever the questions' sections are called."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.portal.conftest import Look, scene, sign_in


def test_the_moderated_marks_follow_the_questionnaires_order(page: Page, look: Look) -> None:
    sign_in(page, "birch@portal.test")
    page.goto(f"/applications/{scene['birch_application_id']}")
    marks = page.get_by_role("table", name="Moderated marks per question")
    # Question 1 is in the "Safeguarding" section and question 2 in "Quality".
    expect(marks.locator("tbody tr")).to_have_count(2)
    expect(marks.locator("tbody tr").nth(0)).to_contain_text("Question 1: Do you hold a current safeguarding policy")
    expect(marks.locator("tbody tr").nth(1)).to_contain_text("Question 2: How do you keep children safe and settled?")
    look("decision")
