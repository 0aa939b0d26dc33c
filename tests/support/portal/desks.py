"""Another person at another desk, for the walks of whole stories: a browser context of their own
(their own session cookie), whose pages `Look` checks and photographs like the test's own `page`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, ConsoleMessage, Page, Response

from tests.portal.conftest import Look


@contextmanager
def desk(browser: Browser, base_url: str, look: Look, who: str) -> Iterator[tuple[Page, Look]]:
    """A fresh browser context at the portal; its screenshots are named after the test (`look`'s)
    and `who` sits at the desk."""
    context = browser.new_context(base_url=base_url)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        errors: list[str] = []

        def keep(message: ConsoleMessage) -> None:
            if message.type == "error" and not message.text.startswith("Failed to load resource"):
                errors.append(message.text)

        def check(response: Response) -> None:
            if response.request.resource_type != "document" and response.status >= 400:
                errors.append(f"{response.status} {response.url}")

        page.on("console", keep)
        page.on("response", check)
        yield page, Look(page, errors, f"{look.prefix}-{who}")
    finally:
        context.close()
