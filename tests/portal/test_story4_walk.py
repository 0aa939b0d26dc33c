"""Story 4 walked whole, as people would, by visible labels and buttons (DESIGN.md): Tameside's
commissioner has a placement request out to lot A whose offers close shortly (published ten days
ago on a clock of its own, as tests/support/portal/council_acts.py's `walk-request` does: the form refuses a
deadline inside the minimum offer period) and puts herself on its evaluation panel; Juniper Care
and Kestrel Homes each make an offer in a browser of their own (check your offer, submit); the
deadline passes; the commissioner marks both offers, scores them (quality, price and proximity) and
awards with a reason; the placement appears; the council's legal officer generates and issues the
Individual Placement Agreement; the winner signs it against its SHA-256; the legal officer
countersigns."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from playwright.sync_api import Browser, Page, expect

from tests.portal.conftest import Look, scene, sign_in
from tests.support.portal.clock import advance_past
from tests.support.portal.council import council_act
from tests.support.portal.desks import desk
from tests.support.portal.scene_walks import WALK_REQUEST

# Long enough for the panel and two offers on a busy shared machine; then the shared clock moves past
# it (tests/support/portal/clock.py), so the rest costs no waiting.
OFFERS_CLOSE_IN_SECONDS = 300
QUESTION = "How will you help her settle in her first month?"
JUNIPER_ANSWER = "A key worker who knows autism visits her twice before she moves, and a quiet room of her own"
KESTREL_ANSWER = "A settling-in plan agreed with her school"


def make_offer(page: Page, look: Look, email: str, home: str, fee: str, answer: str) -> None:
    """A member provider reads the invitation and submits a sealed offer after checking it."""
    sign_in(page, email)
    page.get_by_role("link", name="Placement requests").click()
    expect(page.get_by_role("table")).to_contain_text("Open for offers")
    page.get_by_role("link", name=WALK_REQUEST).click()
    expect(page.locator(".govuk-summary-list").first).to_contain_text("9 years old")
    look("invitation")
    page.get_by_role("button", name="Make an offer").click()
    page.get_by_label(home).check()
    page.get_by_label("Weekly fee, in pounds").fill(fee)
    page.get_by_label(QUESTION).fill(answer)
    look("offer")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your offer")
    expect(page.locator("main")).to_contain_text("Floor £4,200, ceiling £5,600")
    look("check-offer")
    page.get_by_role("button", name="Submit offer").click()
    expect(page.get_by_text("Offer submitted. It stays sealed until the deadline")).to_be_visible()
    look("offer-submitted")


def mark_offer(page: Page, home: str, answer: str, score: str, reason: str) -> None:
    """A panel member marks an opened offer with the provider's answer beside the question."""
    page.get_by_role("link", name=f"Mark the offer from {home}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Mark the offer from {home}")
    expect(page.get_by_text(answer)).to_be_visible()
    page.get_by_label("Your mark for question 1").fill(score)
    page.get_by_label("Your reason for question 1").fill(reason)
    page.get_by_role("button", name="Submit marks").click()
    expect(page.get_by_text("Your marks on the offer are submitted")).to_be_visible()


def test_story4_two_providers_offer_the_commissioner_awards_and_the_ipa_is_signed(
    page: Page, browser: Browser, base_url: str, look: Look
) -> None:
    published = council_act("walk-request", str(OFFERS_CLOSE_IN_SECONDS))
    deadline = datetime.fromisoformat(str(published["deadline"]))

    # While offers are open the commissioner sees only how many came in, and sets up the panel.
    sign_in(page, "walk-commissioner@portal.test")
    page.get_by_role("link", name="Placement requests", exact=True).click()
    page.get_by_role("link", name=WALK_REQUEST).click()
    expect(page.get_by_text("0 offers received so far")).to_be_visible()
    invited = page.get_by_role("table", name="Who was invited when it was published")
    expect(invited.get_by_role("row", name="Juniper House")).to_contain_text("Invited")
    expect(invited.get_by_role("row", name="Kestrel View")).to_contain_text("Invited")
    look("sealed")
    page.get_by_role("link", name="Evaluation panel").click()
    page.get_by_role("button", name="Add to the panel").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select at least one person for the panel")
    look("panel-error")
    page.get_by_label("Cam Commissioner, commissioner").check()
    page.get_by_role("button", name="Add to the panel").click()
    expect(page.get_by_text("Added to the evaluation panel")).to_be_visible()
    expect(page.get_by_role("table", name="On the panel").get_by_role("row", name="Cam Commissioner")).to_be_visible()
    look("panel")

    # Two members offer, each at its own desk.
    with desk(browser, base_url, look, "juniper") as (theirs, their_look):
        make_offer(theirs, their_look, "juniper@portal.test", "Juniper House", "4,900", JUNIPER_ANSWER)
    with desk(browser, base_url, look, "kestrel") as (theirs, their_look):
        make_offer(theirs, their_look, "kestrel@portal.test", "Kestrel View", "5,300", KESTREL_ANSWER)
    page.get_by_role("link", name=WALK_REQUEST).click()
    expect(page.get_by_text("2 offers received so far")).to_be_visible()
    look("two-offers-sealed")

    # The deadline passes; the offers open.
    advance_past(deadline)
    page.reload()
    offers = page.get_by_role("table", name="2 offers, opened at the deadline")
    expect(offers.get_by_role("row", name="Juniper House")).to_contain_text("£4,900 a week")
    expect(offers.get_by_role("row", name="Kestrel View")).to_contain_text("£5,300 a week")
    look("opened")

    # The commissioner, on the panel, marks each offer beside its answer, then scores them.
    page.get_by_role("link", name="Evaluation panel").click()
    page.get_by_role("link", name="Mark the offer from Juniper House").click()
    page.get_by_role("button", name="Submit marks").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the mark for question 1")
    expect(summary).to_contain_text("Give the reason for your mark on question 1")
    look("marks-missing")
    page.get_by_role("link", name="Evaluation panel").click()
    mark_offer(page, "Juniper House", JUNIPER_ANSWER, "4", "Visits before the move and a room of her own")
    look("marked-one")
    mark_offer(page, "Kestrel View", KESTREL_ANSWER, "2", "A plan with the school; nothing on her autism")
    expect(page.get_by_role("table", name="On the panel").get_by_role("row", name="Cam Commissioner")).to_contain_text(
        "Every offer marked"
    )
    look("marked-both")
    page.get_by_role("link", name=WALK_REQUEST).click()
    page.get_by_role("button", name="Score and rank the offers").click()
    expect(page.get_by_text("Offers scored and ranked")).to_be_visible()
    juniper = offers.get_by_role("row", name="Juniper House")
    expect(juniper).not_to_contain_text("Not scored")
    head = [h.inner_text() for h in offers.locator("thead th").all()]
    assert {"Quality", "Price", "Proximity", "Total", "Rank"} <= set(head), head
    look("scored")
    page.get_by_label("Rank 1: Juniper House").check()
    page.get_by_label("Reason (needed when you do not award the top-ranked offer)").fill(
        "The best plan for her first month, at a lower fee"
    )
    page.get_by_role("button", name="Award").click()
    expect(page.get_by_text("Offer awarded")).to_be_visible()
    look("awarded")
    page.get_by_role("link", name=re.compile(r"^Placement \d+, from ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Placement with Juniper Care Ltd")
    placement = page.url.rsplit("/", 1)[-1]
    look("placement")

    # The council's legal officer generates the agreement and issues it.
    with desk(browser, base_url, look, "legal") as (legal, legal_look):
        sign_in(legal, "walk-legal@portal.test")
        legal.get_by_role("link", name="Contracts", exact=True).click()
        legal_look("contracts")
        legal.get_by_role("button", name=f"Generate the agreement for placement {placement}").click()
        expect(legal.get_by_text("Individual Placement Agreement generated as a draft")).to_be_visible()
        expect(legal.locator(".govuk-caption-l")).to_contain_text("Draft")
        legal_look("draft")
        legal.get_by_role("button", name="Issue to the provider").click()
        expect(legal.get_by_text("Issued. The provider's users have been told")).to_be_visible()
        legal_look("issued")
        contract_path = legal.url.split("?")[0].replace(base_url, "")

        # The winner reads it and signs against the document's SHA-256.
        with desk(browser, base_url, look, "winner") as (winner, winner_look):
            sign_in(winner, "juniper@portal.test")
            winner.get_by_role("link", name="Contracts").click()
            expect(winner.get_by_role("table")).to_contain_text("Waiting for your signature")
            winner.get_by_role("link", name=re.compile("^IPA-")).first.click()
            with winner.expect_download() as download:
                winner.get_by_role("link", name="as a Word document").click()
            fingerprint = hashlib.sha256(download.value.path().read_bytes()).hexdigest()
            expect(winner.locator("#document-sha256")).to_have_text(fingerprint)
            winner_look("agreement")
            winner.get_by_label("I have read this document and I may sign it for Juniper Care Ltd").check()
            winner.get_by_role("button", name="Sign IPA-").click()
            expect(winner.get_by_text("You have signed it")).to_be_visible()
            winner_look("signed")

        # The legal officer sees the signature against the same SHA-256 and countersigns.
        legal.goto(contract_path)
        rows = legal.locator(".govuk-summary-list")
        signed = rows.locator(".govuk-summary-list__row", has_text="SHA-256 the provider signed").locator("code")
        expect(signed).to_have_text(fingerprint)
        expect(legal.get_by_text("Yes: the two SHA-256 values are the same")).to_be_visible()
        legal_look("signed-by-provider")
        legal.get_by_label("I countersign, for the council").check()
        legal.get_by_role("button", name="Countersign and activate").click()
        expect(legal.get_by_text("Countersigned. The contract is in force")).to_be_visible()
        legal_look("in-force")


def test_another_councils_panel_and_offers_are_not_found(page: Page) -> None:
    sign_in(page, "walk-commissioner@portal.test")
    bolton = scene["closed_call_off_id"]
    for path in (f"/council/placement-requests/{bolton}/panel", f"/council/placement-requests/{bolton}/offers/1/marks"):
        response = page.goto(path)
        assert response is not None and response.status == 404, path
