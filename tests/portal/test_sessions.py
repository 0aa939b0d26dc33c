"""Signing in and out in a real browser: the session cookie, the lockout's wording, sign-out
revoking the token, CSRF on every form, the security headers."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.portal.conftest import DEMO_PASSWORD, Look, sign_in


def test_a_provider_signs_in_and_out(page: Page, look: Look) -> None:
    page.goto("/")
    look("start")
    page.get_by_role("link", name="Sign in").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    look("sign-in")

    sign_in(page, "alder@portal.test")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work with Placements North West")
    look("dashboard")
    cookie = next(c for c in page.context.cookies() if c["name"] == "dps_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out")).to_be_visible()
    look("signed-out")
    # The token was revoked, not just forgotten: putting the old cookie back signs nobody in.
    page.context.add_cookies([cookie])  # type: ignore[list-item]
    page.goto("/organisation")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Forganisation$"))


def test_a_wrong_password_is_shown_in_the_error_summary_and_the_email_is_kept(page: Page, look: Look) -> None:
    sign_in(page, "alder@portal.test", "not-the-password")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The email address or password is wrong")
    expect(page.get_by_label("Email address")).to_have_value("alder@portal.test")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    assert page.title().startswith("Error: ")
    look("wrong-password")
    summary.get_by_role("link").click()  # the summary's link moves focus to the field
    expect(page.get_by_label("Email address")).to_be_focused()


def test_a_page_that_needs_signing_in_comes_back_after_it(page: Page) -> None:
    page.goto("/organisation/settings")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Forganisation%2Fsettings$"))
    page.get_by_label("Email address").fill("birch@portal.test")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your settings")


def test_pages_carry_the_security_headers_and_forms_without_the_csrf_token_are_refused(page: Page) -> None:
    response = page.goto("/sign-in")
    assert response is not None
    headers = response.headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "'unsafe-inline'" not in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    # A form posted from elsewhere carries no CSRF token.
    refused = page.request.post(
        "/sign-in", form={"email": "alder@portal.test", "password": DEMO_PASSWORD}, max_redirects=0
    )
    assert refused.status == 403
    assert "Your form has expired" in refused.text()


def test_council_staff_sign_in_to_their_own_home_and_providers_pages_are_not_theirs(page: Page, look: Look) -> None:
    sign_in(page, "officer@portal.test")
    expect(page.get_by_role("heading", level=1)).to_have_text("What needs doing")
    look("staff-home")
    response = page.goto("/organisation/settings")
    assert response is not None and response.status == 404


def test_too_many_wrong_passwords_slow_the_account_down_as_the_api_does(page: Page, look: Look) -> None:
    """After DPS_LOGIN_MAX_FAILURES wrong passwords the API refuses further tries for a while (a
    lock, or delays that double); the portal says so in plain words rather than 'wrong password'."""
    summary = page.locator(".govuk-error-summary")
    for _ in range(10):
        sign_in(page, "evaluator2@portal.test", "not-the-password")
        expect(summary).to_be_visible()
        if "too many wrong passwords" in summary.inner_text():
            break
    expect(summary).to_contain_text("There have been too many wrong passwords.")
    look("too-many-tries")
