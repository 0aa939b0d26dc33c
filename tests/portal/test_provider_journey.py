"""The provider's journey through the portal, as a person would take it, by visible labels and
buttons: register, organisation details, a colleague, settings, an arrangement's conditions and a
clarification, an application from lots to submission and its decision clock; then (the councils
acting through the services meanwhile) admission, compliance, a rate card, a sealed offer that is
awarded, and the Individual Placement Agreement signed."""

from __future__ import annotations

import re
from datetime import datetime

from playwright.sync_api import Page, expect

from tests.portal.conftest import Look, sign_in
from tests.support.pdfs import insurance_schedule
from tests.support.portal.clock import advance_past
from tests.support.portal.council import council_act

PASSWORD = "a long walk on a cold beach"


def h1(page: Page) -> object:
    return expect(page.get_by_role("heading", level=1))


def test_a_provider_registers_describes_itself_and_applies(page: Page, look: Look) -> None:
    # 1. Register the organisation and its first administrator.
    page.goto("/")
    page.get_by_role("link", name="Register your organisation").click()
    look("register")
    page.get_by_label("Legal name").fill("Cedar Lodge Care Ltd")
    page.get_by_label("Companies House number").fill("40000001")
    page.get_by_label("Registered address").fill("2 Cedar Road\nSalford")
    page.get_by_label("Postcode").fill("m5 4wt")
    page.get_by_label("Full name").fill("Carys Cedar")
    page.get_by_label("Email address").fill("carys@cedar.test")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("Your organisation is registered and you are signed in")).to_be_visible()
    expect(page.get_by_text("Cedar Lodge Care Ltd")).to_be_visible()
    look("registered")

    # 2. The organisation's details: change the trading name.
    page.get_by_role("link", name="Organisation", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cedar Lodge Care Ltd")
    look("organisation")
    page.get_by_role("link", name="Change organisation details").click()
    look("organisation-edit")
    page.get_by_label("Trading name (optional)").fill("Cedar Lodge")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("Your organisation's details have been saved")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Cedar Lodge")

    # 3. Invite a colleague, who sets a password from the link and signs in.
    page.get_by_role("button", name="Invite a colleague").click()
    page.get_by_label("Full name").fill("Dev Cedar")
    page.get_by_label("Email address").fill("dev@cedar.test")
    page.get_by_label("Team member: settings, applications and offers").check()
    look("invite")
    page.get_by_role("button", name="Create invitation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Invitation created")
    look("invited")
    link = page.locator("#invitation-link").inner_text().strip()
    colleague = page.context.browser.new_context(base_url=link.split("/accept-invitation")[0])  # type: ignore[union-attr]
    try:
        theirs = colleague.new_page()
        theirs.goto(link)
        theirs.get_by_label("Create a password").fill("another long walk home")
        theirs.get_by_role("button", name="Set password").click()
        expect(theirs.get_by_text("Your password is set. Sign in to continue")).to_be_visible()
        sign_in(theirs, "dev@cedar.test", "another long walk home")
        expect(theirs.get_by_role("heading", level=1)).to_have_text("Your work with Placements North West")
    finally:
        colleague.close()
    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Home").click()  # the organisation is on the home page's list
    page.get_by_role("link", name="Organisation", exact=True).click()
    expect(page.get_by_role("table")).to_contain_text("Dev Cedar")

    # 4. Settings: add one (the ONS check refuses an unknown postcode first), then change it.
    page.get_by_role("link", name="Your settings (homes, branches and schools)").click()
    page.get_by_role("button", name="Add a setting").click()
    page.get_by_label("Name of the setting").fill("Oak House")
    page.get_by_label("Children's home").check()
    page.get_by_label("Ofsted URN").fill("SC912345")
    page.get_by_label("Latest Ofsted grade").select_option(label="Good")
    page.get_by_label("Day", exact=True).fill("10")
    page.get_by_label("Month", exact=True).fill("3")
    page.get_by_label("Year", exact=True).fill("2026")
    page.get_by_label("Postcode").fill("M1 9ZZ")
    page.get_by_label("Number of places").fill("4")
    page.get_by_label("Youngest age").fill("8")
    page.get_by_label("Oldest age").fill("17")
    page.get_by_label("Autism").check()
    page.get_by_label("ADHD").check()
    page.get_by_role("button", name="Add setting").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "We cannot find this postcode in the ONS Postcode Directory"
    )
    expect(page.get_by_label("Name of the setting")).to_have_value("Oak House")  # kept as typed
    expect(page.get_by_label("Autism")).to_be_checked()
    expect(page.get_by_label("Day", exact=True)).to_have_value("10")
    look("setting-bad-postcode")
    page.get_by_label("Postcode").fill("M1 1AE")
    page.get_by_role("button", name="Add setting").click()
    expect(page.get_by_text("Setting added")).to_be_visible()
    look("settings")
    page.get_by_role("link", name="Oak House").click()
    look("setting-edit")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Good")  # officers record Ofsted's judgements
    page.get_by_label("Number of places").fill("5")
    page.get_by_role("button", name="Save setting").click()
    expect(page.get_by_text("Setting saved")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("5")

    # 5. Find the open arrangement and read its published conditions; ask a question.
    menu.get_by_role("link", name="Home").click()
    page.get_by_role("link", name="Arrangements", exact=True).click()
    look("arrangements")
    page.get_by_role("link", name="Placements North West children's residential DPS").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Placements North West children's residential DPS")
    expect(page.get_by_role("table").first).to_contain_text("Children's homes, ages 8 to 17")
    expect(page.get_by_text("Public liability insurance of at least £5m")).to_be_visible()
    expect(page.get_by_text("Minimum cover: £5,000,000")).to_be_visible()
    expect(page.get_by_text("10 working days")).to_be_visible()
    look("arrangement")
    page.get_by_label("Ask the lead authority a question").fill("Is a registered manager's deputy acceptable?")
    page.get_by_role("button", name="Send question").click()
    expect(page.get_by_text("Your question has been sent to the lead authority")).to_be_visible()
    expect(page.get_by_text("Is a registered manager's deputy acceptable?")).to_be_visible()

    # 6. Apply: lots, then the task list over the questionnaire.
    page.get_by_role("button", name="Apply to join").click()
    look("choose-lots")
    page.get_by_label("LOT-1: Children's homes, ages 8 to 17").check()
    page.get_by_role("button", name="Start application").click()
    expect(page.get_by_text("Application started")).to_be_visible()
    expect(page.get_by_text("You have answered 0 of 4 questions")).to_be_visible()
    look("task-list")
    # Choosing lot 2 as well brings in its own question.
    page.get_by_role("link", name="Lots you are applying for").click()
    page.get_by_label("LOT-2: Supported accommodation, ages 16 and 17").check()
    page.get_by_role("button", name="Save lots").click()
    expect(page.get_by_text("You have answered 0 of 5 questions")).to_be_visible()

    # Submitting now lists every missing answer, each a link back to its question.
    page.get_by_role("button", name="Check your answers").click()
    page.get_by_role("button", name="Submit application").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_count(5)
    look("missing-answers")
    summary.get_by_role("link", name=re.compile("safeguarding policy")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Do you hold a current safeguarding policy reviewed in the last 12 months?"
    )

    # Answer each question in turn ("Save and continue"), uploading the certificate.
    page.get_by_label("Your answer").fill("Yes: reviewed by the board in March 2026")
    look("question")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Your answer").fill("Safer recruitment, trained staff and a missing-from-care protocol")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Your answer").fill("12")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attach your public liability insurance certificate")
    page.get_by_label("Upload a file").set_input_files(
        {"name": "public-liability.pdf", "mimeType": "application/pdf", "buffer": insurance_schedule()}
    )
    look("evidence")
    page.get_by_role("button", name="Save and continue").click()
    # The certificate's details, read from the PDF, are proposed for confirming or correcting.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your certificate's details")
    expect(page.get_by_label("Insurer")).to_have_value("Northern Mutual Insurance plc")
    expect(page.get_by_label("Limit of indemnity, in pounds")).to_have_value("5000000")
    starts = page.get_by_role("group", name="Cover starts on")
    expect(starts.get_by_label("Day", exact=True)).to_have_value("1")
    expect(starts.get_by_label("Month", exact=True)).to_have_value("4")
    ends = page.get_by_role("group", name="Cover ends on")
    expect(ends.get_by_label("Year", exact=True)).to_have_value("2027")
    look("confirm-certificate")
    ends.get_by_label("Year", exact=True).fill("2025")  # a slip: before the cover starts
    page.get_by_label("Limit of indemnity, in pounds").fill("5,000,000.00")  # typed as people do
    page.get_by_role("button", name="Confirm details").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The expiry date must be after the start date")
    expect(page.get_by_label("Insurer")).to_have_value("Northern Mutual Insurance plc")
    look("certificate-dates-wrong")
    ends.get_by_label("Year", exact=True).fill("2027")
    page.get_by_role("button", name="Confirm details").click()
    expect(page.get_by_text("Certificate saved with the details you confirmed")).to_be_visible()
    page.get_by_label("Yes").check()
    look("choice")
    page.get_by_role("button", name="Save answer").click()
    expect(page.get_by_text("You have answered 5 of 5 questions")).to_be_visible()

    # Check your answers, then submit; the decision clock counts working days.
    page.get_by_role("button", name="Check your answers").click()
    expect(page.get_by_text("public-liability.pdf")).to_be_visible()
    look("check-answers")
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_text("Application submitted")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your application is submitted")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Decision due by")
    expect(page.locator(".govuk-summary-list")).to_contain_text("working days")
    look("submitted")
    page.get_by_role("link", name="Applications", exact=True).click()
    expect(page.get_by_role("table")).to_contain_text("Submitted")
    look("applications")

    # 7. The lead authority decides (its officers' pages are the council's part of the portal;
    # here the council acts through the services). Admitted to lot 1.
    council_act("admit", "carys@cedar.test")
    page.get_by_role("link", name="Placements North West children's residential DPS").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your application is decided")
    expect(page.locator(".govuk-summary-card").first).to_contain_text("Admitted")
    look("decided")

    # 8. Compliance: the certificate confirmed while applying meets the insurance requirement.
    menu.get_by_role("link", name="Memberships").click()
    page.get_by_role("link", name="Compliance", exact=True).click()
    expect(page.get_by_role("table")).to_contain_text("Compliant")
    look("compliance")

    # 9. A rate card within the bands, approved by the lead authority.
    page.goto("/rate-cards")
    page.get_by_role("link", name="Propose a rate card for LOT-1: Children's homes, ages 8 to 17").click()
    page.get_by_label("Weekly fee for ages 8-12, standard").fill("4,900")
    page.get_by_role("button", name="Submit rate card").click()
    expect(page.get_by_text("Waiting for a decision")).to_be_visible()
    council_act("approve-cards", "carys@cedar.test")
    page.reload()
    expect(page.locator(".govuk-tag").first).to_have_text("Approved")
    look("rate-card-approved")

    # 10. A placement request: a sealed offer before the deadline, then the award.
    request = council_act("request", "60")
    page.get_by_role("link", name="Placement requests").click()
    expect(page.get_by_role("table")).to_contain_text("Girl, 9, short term")
    page.goto(f"/placement-requests/{request['call_off_id']}")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("9 years old")
    page.get_by_role("button", name="Make an offer").click()
    page.get_by_label("Weekly fee, in pounds").fill("4900")
    page.get_by_label("How will you help her settle in her first month?").fill("Her key worker visits her first")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Your fee is within the band and matches your approved rate card")).to_be_visible()
    look("check-offer")
    page.get_by_role("button", name="Submit offer").click()
    expect(page.get_by_text("Offer submitted. It stays sealed until the deadline")).to_be_visible()
    advance_past(datetime.fromisoformat(str(request["deadline"])))  # offers were open until then
    ipa = council_act("award", str(request["call_off_id"]))
    page.reload()
    expect(page.get_by_text("Your offer was awarded")).to_be_visible()
    look("awarded")

    # 11. The Individual Placement Agreement: read, then signed against its SHA-256.
    page.get_by_role("link", name="Go to your contracts").click()
    page.get_by_role("link", name=str(ipa["reference"])).click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("for Cedar Lodge Care Ltd: exactly the document")
    page.get_by_label("I have read this document and I may sign it for Cedar Lodge Care Ltd").check()
    look("sign-ipa")
    page.get_by_role("button", name=f"Sign {ipa['reference']}").click()
    expect(page.get_by_text("You have signed it")).to_be_visible()
    expect(page.locator(".govuk-tag").first).to_have_text("Signed")
    look("signed-ipa")

    # 12. Notifications: the award and the agreement, counted unread in the header.
    expect(page.locator("#notifications-link")).to_contain_text("unread")
    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    expect(page.get_by_role("link", name=re.compile(r"^Outcome of placement request \d+$"))).to_be_visible()
    look("notifications")


def test_after_the_decision_the_provider_sees_each_lots_outcome_and_its_membership(page: Page, look: Look) -> None:
    sign_in(page, "birch@portal.test")
    members = page.get_by_role("table").first
    expect(page.get_by_role("heading", name="Where you are a member")).to_be_visible()
    expect(members).to_contain_text("LOT-1: Children's homes, ages 8 to 17")
    expect(members).to_contain_text("Active")
    look("dashboard-member")
    page.get_by_role("link", name="Applications", exact=True).click()
    page.get_by_role("link", name="Placements North West children's residential DPS").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your application is decided")
    decision = page.locator(".govuk-summary-card")
    expect(decision).to_contain_text(re.compile(r"Your score for this lot\s+80 out of 100"))
    expect(decision.get_by_role("heading", level=3)).to_have_text("LOT-1: Children's homes, ages 8 to 17")
    expect(decision).to_contain_text("Admitted")
    # Each lot's own score and pass mark (issue 12 item 4), then each question's moderated mark.
    expect(decision).to_contain_text("Your score for this lot")
    expect(decision).to_contain_text("80 out of 100")
    expect(decision).to_contain_text("Meets every requirement; quality score 80 out of 100")
    marks = page.get_by_role("table", name="Moderated marks per question")
    expect(marks).to_be_visible()
    expect(marks.get_by_role("row")).not_to_have_count(1)  # more than the header
    look("decision")
