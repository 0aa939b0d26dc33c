"""Another person at another desk, for the walks of whole stories: a browser context of their own
(their own session cookie), whose pages `Look` checks and photographs like the test's own `page`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Page

from tests.portal.conftest import Look, watch_errors


@contextmanager
def desk(browser: Browser, base_url: str, look: Look, who: str) -> Iterator[tuple[Page, Look]]:
    """A fresh browser context at the portal; its screenshots are named after the test (`look`'s)
    and `who` sits at the desk."""
    context = browser.new_context(base_url=base_url)
    try:
        page = context.new_page()
        errors = watch_errors(page)
        yield page, Look(page, errors, f"{look.prefix}-{who}")
    finally:
        context.close()
