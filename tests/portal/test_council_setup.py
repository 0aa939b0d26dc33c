"""Story 1 in the browser, as the lead authority's procurement officer: set up "North West
Fostering DPS" through its task list (profile and its numbers, member councils, lots with age
bands and need levels, the questionnaire, compliance requirements, price bands, additional
services), be told what is missing before publishing, publish it, and answer a provider's
question by publishing it anonymised. Each error path on the way shows the error summary."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

from playwright.sync_api import Page, expect

from tests.portal.conftest import REPO, Look, scene, server_env, sign_in

OFFICER = "officer@portal.test"
TITLE = "North West Fostering DPS"


def fill_date(page: Page, legend: str, day: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def open_task(page: Page, name: str) -> None:
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def add_question(page: Page, section: str, text: str, kind: str) -> None:
    page.get_by_label("Section").fill(section)
    page.get_by_label("Question", exact=True).fill(text)
    page.get_by_label(kind).check()


def test_an_officer_sets_up_and_publishes_a_fostering_dps(page: Page, look: Look) -> None:
    sign_in(page, OFFICER)
    page.get_by_role("link", name="Arrangements", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Arrangements")
    look("arrangements")

    # the profile: its numbers shown beside each kind; the term checked against its limit
    page.get_by_role("button", name="Set up a new arrangement").click()
    expect(page.get_by_text("Decision on an application: 10 working days, extendable once to 15")).to_be_visible()
    page.get_by_role("button", name="Create draft").click()
    errors = page.locator(".govuk-error-summary")
    expect(errors).to_contain_text("Enter the arrangement's name")
    expect(errors).to_contain_text("Select the kind of arrangement")
    expect(errors).to_contain_text("Enter the start date")
    look("new-errors")
    page.get_by_label("Name", exact=True).fill(TITLE)
    page.get_by_label("Reference").fill("NW-FOSTER-DPS-2027")
    page.get_by_label("Fostering", exact=True).check()
    page.get_by_label("Dynamic purchasing system (PCR 2015)").check()
    fill_date(page, "Start date", date(2027, 4, 1))
    fill_date(page, "End date", date(2030, 3, 31))
    page.get_by_role("button", name="Create draft").click()
    expect(errors).to_contain_text("The latest end date is 23 February 2029")
    expect(page.get_by_label("Name", exact=True)).to_have_value(TITLE)
    look("new-term-error")
    fill_date(page, "End date", date(2029, 2, 23))
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_text("Draft arrangement created")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    tasks = page.locator("#setup-1-status")
    expect(tasks).to_have_text("Completed")
    expect(page.locator(".govuk-task-list").first).to_contain_text("Not yet started")
    look("tasks")

    page.get_by_role("link", name="Profile and term", exact=True).click()
    numbers = page.locator(".govuk-summary-list")
    expect(numbers).to_contain_text("10 working days, extendable once to 15 with a recorded reason")
    expect(numbers).to_contain_text("Minimum period for offers")
    expect(numbers).to_contain_text("Must end by 23 February 2029")
    look("profile")

    # member councils
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Member councils", exact=True).click()
    page.get_by_label("Wigan Council").check()
    page.get_by_role("button", name="Save members").click()
    expect(page.get_by_text("Member councils saved")).to_be_visible()
    expect(page.locator("#setup-2-status")).to_have_text("Completed")

    # lots with age bands and need levels; overlapping bands are refused
    page.get_by_role("link", name="Lots, age bands and need levels", exact=True).click()
    page.get_by_label("Lot code").fill("FOST-1")
    page.get_by_label("Lot name").fill("Mainstream and enhanced fostering")
    page.get_by_label("Age bands").fill("0-4\n3-10")
    page.get_by_label("Need levels").fill("standard\nenhanced")
    page.get_by_role("button", name="Add lot").click()
    expect(errors).to_contain_text("Age bands must not overlap")
    expect(page.get_by_label("Need levels")).to_have_value("standard\nenhanced")
    look("lots-errors")
    page.get_by_label("Age bands").fill("0-4\n5-10\n11-15\n16-17")
    page.get_by_role("button", name="Add lot").click()
    expect(page.get_by_text("Lot added")).to_be_visible()
    page.get_by_label("Lot code").fill("PC-1")
    page.get_by_label("Lot name").fill("Parent and child fostering")
    page.get_by_label("Age bands").fill("0-17")
    page.get_by_label("Need levels").fill("standard")
    page.get_by_role("button", name="Add lot").click()
    expect(page.get_by_role("heading", name="PC-1: Parent and child fostering")).to_be_visible()
    look("lots")

    # the questionnaire: pass or fail, scored and weighted with descriptors, information for one lot, evidence
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Questionnaire", exact=True).click()
    page.get_by_role("button", name="Add question").click()
    expect(errors).to_contain_text("Enter the section")
    expect(errors).to_contain_text("Select what kind of question it is")
    look("questions-errors")
    add_question(
        page, "Safeguarding", "Do you hold a safeguarding policy reviewed in the last 12 months?", "Pass or fail"
    )
    page.get_by_role("button", name="Add question").click()
    expect(page.get_by_text("Question added")).to_be_visible()
    add_question(page, "Quality", "How do you support foster carers to keep placements stable?", "Scored and weighted")
    page.get_by_label("Weight", exact=True).fill("60")
    page.get_by_role("button", name="Add question").click()
    expect(errors).to_contain_text("Enter the maximum score")
    page.get_by_label("Maximum score").fill("5")
    page.get_by_label("What each score means").fill(
        "0: no answer\n3: good, with some evidence\n5: excellent, with evidence"
    )
    page.get_by_role("button", name="Add question").click()
    expect(page.get_by_text("Question added")).to_be_visible()
    add_question(page, "Parent and child", "How many parent and child carers do you have?", "A number")
    page.get_by_label("PC-1: Parent and child fostering").check()
    page.get_by_role("button", name="Add question").click()
    add_question(page, "Safeguarding", "Attach your safeguarding policy", "A document")
    page.get_by_label("Document the provider attaches").select_option(label="Safeguarding policy")
    page.get_by_role("button", name="Add question").click()
    questions = page.get_by_role("table", name="Questions")
    expect(questions.get_by_role("row", name="How do you support foster carers")).to_contain_text(
        "Scored and weighted: out of 5, weight 60"
    )
    expect(questions.get_by_role("row", name="How many parent and child carers")).to_contain_text("PC-1")
    expect(questions.get_by_role("row", name="Attach your safeguarding policy")).to_contain_text("Every lot")
    look("questions")

    # compliance requirements from the catalogue: the statutory minimum cover is enforced
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Compliance requirements", exact=True).click()
    page.get_by_label("Insurance", exact=True).check()
    page.get_by_label("Kind of insurance").select_option(label="Employer's liability insurance")
    page.get_by_label("Minimum cover").fill("1,000,000")
    page.get_by_role("button", name="Add requirement").click()
    expect(errors).to_contain_text("Employer's liability cover must be at least £5,000,000")
    look("requirements-errors")
    page.get_by_label("Minimum cover").fill("10,000,000")
    page.get_by_role("button", name="Add requirement").click()
    expect(page.get_by_text("Requirement added")).to_be_visible()
    page.get_by_label("Ofsted registration and grade").check()
    page.get_by_role("button", name="Add requirement").click()
    requirements = page.get_by_role("table", name="Requirements")
    expect(requirements.get_by_role("row", name="Employer's liability insurance")).to_contain_text("£10,000,000")
    expect(requirements.get_by_role("row", name="Ofsted registration and grade")).to_be_visible()
    look("requirements")

    # before the price bands, publishing is refused with what is missing
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Check before publishing").click()
    expect(page.get_by_role("link", name="Lots FOST-1, PC-1 have no price bands")).to_be_visible()
    page.get_by_role("button", name="Publish arrangement").click()
    expect(errors).to_contain_text("Lots FOST-1, PC-1 have no price bands")
    look("check-errors")

    # price bands per lot, band and need level, in pounds, from a date
    errors.get_by_role("link", name="Lots FOST-1, PC-1 have no price bands").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Price bands")
    page.get_by_label("Lot, age band and need level").select_option(label="FOST-1, ages 0-4, standard")
    page.get_by_label("Lowest weekly fee").fill("900")
    page.get_by_label("Highest weekly fee").fill("850.50")
    fill_date(page, "Prices start on", date(2027, 4, 1))
    page.get_by_role("button", name="Add price band").click()
    expect(errors).to_contain_text("The highest weekly fee must be at least the lowest")
    expect(page.get_by_label("Lowest weekly fee")).to_have_value("900")
    look("bands-errors")
    page.get_by_label("Highest weekly fee").fill("1,250.50")
    page.get_by_role("button", name="Add price band").click()
    expect(page.get_by_text("Price band added")).to_be_visible()
    page.get_by_label("Lot, age band and need level").select_option(label="PC-1, ages 0-17, standard")
    page.get_by_label("Lowest weekly fee").fill("1400")
    page.get_by_label("Highest weekly fee").fill("2100")
    fill_date(page, "Prices start on", date(2027, 4, 1))
    page.get_by_role("button", name="Add price band").click()
    fost = page.get_by_role("table", name="FOST-1: Mainstream and enhanced fostering")
    expect(fost.get_by_role("row", name="0-4")).to_contain_text("£1,250.50")
    expect(fost.get_by_role("row", name="0-4")).to_contain_text("1 April 2027")
    look("bands")

    # additional services (optional)
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Additional services", exact=True).click()
    page.get_by_label("Service code").fill("ONE-TO-ONE")
    page.get_by_label("Service name").fill("One-to-one support")
    page.get_by_role("button", name="Add service").click()
    expect(errors).to_contain_text("Select how the service is priced")
    page.get_by_label("By the hour").check()
    page.get_by_role("button", name="Add service").click()
    expect(page.get_by_role("table", name="Services").get_by_role("row", name="One-to-one support")).to_contain_text(
        "By the hour"
    )
    look("services")

    # a DPS takes applications at any time: no windows needed
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("#setup-8-status")).to_have_text("Not needed")
    page.get_by_role("link", name="Application windows", exact=True).click()
    expect(page.get_by_text("windows are not needed")).to_be_visible()
    look("windows")

    # publish
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Check before publishing").click()
    expect(page.get_by_text("Everything needed is in place.")).to_be_visible()
    look("check")
    page.get_by_role("button", name="Publish arrangement").click()
    expect(page.get_by_text("Arrangement published")).to_be_visible()
    expect(page.get_by_text("Providers can see it and apply")).to_be_visible()
    look("published")

    # a provider asks a question; the officer publishes the answer, anonymised
    browser = page.context.browser
    assert browser is not None
    provider = browser.new_context(base_url=page.url.split("/council")[0])
    try:
        theirs = provider.new_page()
        sign_in(theirs, "alder@portal.test")
        theirs.goto("/arrangements")
        theirs.get_by_role("link", name=TITLE).click()
        theirs.get_by_label("Ask the lead authority a question").fill(
            "Alder Care here: may our Bolton branch apply for the parent and child lot alone?"
        )
        theirs.get_by_role("button", name="Send question").click()
        expect(theirs.get_by_text("Your question has been sent")).to_be_visible()
    finally:
        provider.close()
    page.get_by_role("link", name="Questions from providers").click()
    asked = page.get_by_role("table").get_by_role("row", name="Alder Care Ltd")
    expect(asked).to_contain_text("Awaiting an answer")
    look("clarifications")
    asked.get_by_role("link", name="Answer").click()
    page.get_by_label("Your answer").fill("Yes: a provider may apply to any lot or lots it chooses.")
    page.get_by_label("Every applicant, with the question anonymised").check()
    page.get_by_role("button", name="Send answer").click()
    expect(errors).to_contain_text("Enter the question as every applicant will read it")
    expect(page.get_by_label("Your answer")).to_have_value("Yes: a provider may apply to any lot or lots it chooses.")
    look("clarification-errors")
    page.get_by_label("The question as every applicant will read it").fill(
        "May a provider apply for the parent and child lot alone?"
    )
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("Answer published to every applicant")).to_be_visible()
    expect(page.get_by_role("table").get_by_role("row", name="Alder Care Ltd")).to_contain_text(
        "Published to every applicant"
    )
    look("clarification-answered")


def test_an_open_framework_publishes_its_windows_and_is_published_without_price_bands_for_a_reason(
    page: Page, look: Look
) -> None:
    sign_in(page, OFFICER)
    page.goto("/council/arrangements/new")
    page.get_by_label("Name", exact=True).fill("Cheshire Residential Open Framework")
    page.get_by_label("Reference").fill("CH-RES-OF-2027")
    page.get_by_label("Children's homes", exact=True).check()
    page.get_by_label("Open framework (Procurement Act 2023)").check()
    fill_date(page, "Start date", date(2027, 4, 1))
    fill_date(page, "End date", date(2031, 3, 31))
    page.get_by_role("button", name="Create draft").click()
    expect(page.locator("#setup-8-status")).to_have_text("Not yet started")

    # application windows: a window closing before it opens is refused
    page.get_by_role("link", name="Application windows", exact=True).click()
    fill_date(page, "Opens on", date(2027, 4, 5))
    fill_date(page, "Closes on", date(2027, 4, 1))
    page.get_by_role("button", name="Add window").click()
    errors = page.locator(".govuk-error-summary")
    expect(errors).to_contain_text("The window must close on or after the day it opens")
    look("windows-errors")
    fill_date(page, "Closes on", date(2027, 4, 30))
    page.get_by_role("button", name="Add window").click()
    expect(page.get_by_text("Application window added")).to_be_visible()
    window = page.get_by_role("table", name="Published windows").get_by_role("row", name="5 April 2027")
    expect(window).to_contain_text("5 April 2027 at 9am")
    expect(window).to_contain_text("30 April 2027 at 5pm")
    look("windows")

    page.get_by_role("link", name="Cheshire Residential Open Framework").click()
    page.get_by_role("link", name="Lots, age bands and need levels", exact=True).click()
    page.get_by_label("Lot code").fill("RES-1")
    page.get_by_label("Lot name").fill("Children's homes, 8 to 17")
    page.get_by_label("Age bands").fill("8-12\n13-17")
    page.get_by_label("Need levels").fill("standard")
    page.get_by_role("button", name="Add lot").click()
    page.get_by_label("Lot code").fill("RES-2")
    page.get_by_label("Lot name").fill("Added by mistake")
    page.get_by_label("Age bands").fill("16-17")
    page.get_by_label("Need levels").fill("standard")
    page.get_by_role("button", name="Add lot").click()
    page.get_by_role("button", name="Remove lot RES-2").click()
    expect(page.get_by_text("Lot removed")).to_be_visible()
    expect(page.get_by_role("heading", name="RES-2: Added by mistake")).to_have_count(0)
    page.get_by_role("link", name="Cheshire Residential Open Framework").click()
    page.get_by_role("link", name="Questionnaire", exact=True).click()
    add_question(page, "Safeguarding", "Is every home registered with Ofsted?", "Pass or fail")
    page.get_by_role("button", name="Add question").click()
    page.get_by_role("link", name="Cheshire Residential Open Framework").click()
    page.get_by_role("link", name="Compliance requirements", exact=True).click()
    page.get_by_label("Safeguarding policy").check()
    page.get_by_role("button", name="Add requirement").click()

    # prices are agreed with each provider after admission: published without bands, with the reason
    page.get_by_role("link", name="Cheshire Residential Open Framework").click()
    page.get_by_role("link", name="Check before publishing").click()
    expect(page.get_by_role("link", name="Lot RES-1 has no price bands")).to_be_visible()
    page.get_by_text("Publish without price bands for every lot").click()
    page.get_by_role("button", name="Record the reason").click()
    expect(errors).to_contain_text("Say why it is published without this")
    look("waiver-errors")
    page.get_by_label("Why is it published without this?").fill(
        "Fees are agreed with each provider after admission, against the regional cost model"
    )
    page.get_by_role("button", name="Record the reason").click()
    expect(page.get_by_text("The reason is recorded")).to_be_visible()
    expect(page.get_by_text("Everything needed is in place.")).to_be_visible()
    look("waived")
    page.get_by_role("button", name="Publish arrangement").click()
    expect(page.get_by_text("Arrangement published")).to_be_visible()
    expect(page.locator("#setup-6-status")).to_have_text("Waived")
    expect(page.locator(".govuk-task-list").first).to_contain_text("Published without them: Fees are agreed")


def test_setting_up_arrangements_is_for_procurement_officers(page: Page) -> None:
    sign_in(page, "commissioner@portal.test")
    response = page.goto("/council/arrangements/new")
    assert response is not None and response.status == 404
    expect(page.get_by_role("link", name="Arrangements", exact=True)).to_have_count(0)


def test_a_member_councils_officer_cannot_set_up_the_lead_councils_arrangement(page: Page) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.portal.setup_acts", "member-officer"],
        env=server_env,
        cwd=REPO,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    sign_in(page, json.loads(done.stdout.decode().strip().splitlines()[-1])["email"])
    page.get_by_role("link", name="Arrangements", exact=True).click()
    expect(page.get_by_text("There are no arrangements yet.")).to_be_visible()
    for path in ("", "/lots", "/check", "/clarifications"):
        response = page.goto(f"/council/arrangements/{scene['arrangement_id']}{path}")
        assert response is not None and response.status == 404, path
