"""Browser tests of the portal: the real app under uvicorn on a free port with its own throwaway
database (tests/support/portal/scene.py loaded), one Debian chromium for the session,
a fresh browser context per test (pytest-playwright's `page`).

Every page a test reaches is checked by `look`: one h1, a skip link, axe-core with no serious or
critical violations, no errors in the console (a CSP violation shows there), and a screenshot in
tests/portal/screenshots/ for a person to look at."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserType,
    ConsoleMessage,
    Page,
    Playwright,
    Response,
    expect,
    sync_playwright,
)

from dps.core import db

HERE = Path(__file__).parent
REPO = HERE.parents[1]
SCREENSHOTS = HERE / "screenshots"
AXE = (HERE / "vendor" / "axe.min.js").read_text(encoding="utf-8")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEMO_PASSWORD = "demo-password-2026"
MAX_UPLOAD_MB = 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _off_the_test_loop(work: Any) -> Any:
    """Run a coroutine on a loop of its own (pytest-asyncio owns this thread's loop)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work).result()


def _server_url() -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    return db.embedded_server_uri(REPO / "var" / "pg-test", "postgres")


# The scene's ids (tests/support/portal/scene.py), filled in when the server starts.
scene: dict[str, int] = {}
# The server's environment (its database), for tests that act for the council meanwhile.
server_env: dict[str, str] = {}


@pytest.fixture(scope="package")
def portal_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The portal served by uvicorn, with tests/support/portal/scene.py loaded into a fresh database."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make system-deps` installs it (apt-get install chromium)")
    url = db.with_database(_server_url(), f"dps_portal_{uuid.uuid4().hex[:10]}")
    _off_the_test_loop(db.ensure_database_exists(url))
    var = tmp_path_factory.mktemp("portal-var")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DPS_VAR_DIR": str(var),
        "DPS_DOCUMENTS_URL": str(var / "documents"),
        "DPS_SCHEDULER": "off",
        "DPS_MAX_UPLOAD_MB": str(MAX_UPLOAD_MB),
        "DPS_LOG_LEVEL": "warning",
        # `dps serve` runs a worker per CPU: they must share the key that signs CSRF tokens.
        "DPS_SECRET_KEY": uuid.uuid4().hex,
        # One clock for the server, its scheduler and the council's acts, moved past deadlines by
        # tests/support/portal/clock.py instead of waiting; a fresh folder per session: offset 0.
        "DPS_TEST_CLOCK_FILE": str(var / "clock-offset"),
    }
    dps = [sys.executable, "-c", "from dps.cli import main; raise SystemExit(main())"]
    server_env.update(env)
    port = _free_port()
    log = (var / "server.log").open("w")
    server = subprocess.Popen(
        [*dps, "serve", "--host", "127.0.0.1", "--port", str(port), "--no-upgrade"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # The server starts (imports, binds) while the scene loads; it reads no data until asked.
        loaded = subprocess.run(
            [sys.executable, "-m", "tests.support.portal.scene"], env=env, cwd=REPO, capture_output=True, timeout=120
        )
        if loaded.returncode != 0:
            pytest.fail("the scene did not load:\n" + loaded.stderr.decode()[-4000:])
        scene.update(json.loads(loaded.stdout.decode().strip().splitlines()[-1]))
        _wait_until_up(base, server)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        _off_the_test_loop(db.drop_database(url))


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the portal's server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=1) as response:  # noqa: S310 - our own server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the portal's server did not start within 30 seconds")


@pytest.fixture(scope="package")
def base_url(portal_url: str) -> str:
    return portal_url


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """Debian's chromium (Playwright cannot download its own browser here)."""
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


# pytest-playwright keeps Playwright (and the event loop its sync API runs in this thread) for the
# whole session; pytest-asyncio cannot run a test while that loop runs, so the API tests that come
# after this package would fail. These overrides live for this package only.


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    running = sync_playwright().start()
    yield running
    running.stop()


@pytest.fixture(scope="package")
def browser_type(playwright: Playwright, browser_name: str) -> BrowserType:
    return getattr(playwright, browser_name)  # type: ignore[no-any-return]


@pytest.fixture(scope="package")
def launch_browser(browser_type_launch_args: dict[str, Any], browser_type: BrowserType) -> Callable[..., Browser]:
    def launch(**kwargs: Any) -> Browser:
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser: Callable[[], Browser]) -> Iterator[Browser]:
    launched = launch_browser()
    yield launched
    launched.close()


@pytest.fixture(scope="package")
def browser_context_args(base_url: str) -> dict[str, Any]:
    """Every context opens at the portal (page.goto("/sign-in") works)."""
    return {"base_url": base_url}


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Errors the page logs (a script the CSP refused, a missing asset): there should be none."""
    return watch_errors(page)


def watch_errors(page: Page) -> list[str]:
    """The errors `page` will log, collected as they come: console errors and failed assets."""
    page.set_default_timeout(10_000)  # fail in seconds, not half a minute
    errors: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        # A form shown again with its errors answers 400, which Chrome logs like a failed load;
        # failed assets and scripts are caught below by their own responses.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def check(response: Response) -> None:
        if response.request.resource_type != "document" and response.status >= 400:
            errors.append(f"{response.status} {response.url}")

    page.on("console", keep)
    page.on("response", check)
    return errors


class Look:
    """Check and photograph each page a test reaches."""

    def __init__(self, page: Page, errors: list[str], test_name: str) -> None:
        self.page = page
        self.errors = errors
        self.prefix = test_name.removeprefix("test_")
        self.count = 0

    def __call__(self, name: str) -> None:
        page = self.page
        # Waits (as `expect` does) for a page still arriving after a click, then insists on one of each.
        page.wait_for_load_state()
        expect(page.locator("h1"), f"{name}: a page has exactly one h1").to_have_count(1)
        expect(page.locator("a.govuk-skip-link[href='#main-content']"), f"{name}: skip link").to_have_count(1)
        page.evaluate(AXE)
        result = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => ['serious', 'critical'].includes(v.impact))"
            ".map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.html)}))"
        )
        assert result == [], f"{name}: axe found\n" + json.dumps(result, indent=1)
        assert self.errors == [], f"{name}: console errors {self.errors}"
        self.count += 1
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{self.prefix}-{self.count:02d}-{name}.png", full_page=True)


@pytest.fixture
def look(page: Page, console_errors: list[str], request: pytest.FixtureRequest) -> Look:
    return Look(page, console_errors, request.node.originalname)


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
