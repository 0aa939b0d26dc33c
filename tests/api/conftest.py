"""API tests drive the real app in-process over HTTP against the real database.

httpx's ASGI transport runs the app on the test's own event loop, where the database pool lives
(Litestar's AsyncTestClient would run it on a portal thread's loop instead)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar

from dps.app import configure_state, create_app
from dps.core.clock import FixedClock
from dps.core.settings import Settings
from dps.core.storage import LocalDocumentStore
from tests.support import Api
from tests.support.contracts import NO_LIBREOFFICE
from tests.support.transparency import STORY_MODULES, assert_releases_valid

# One app per session for each set of settings its routes and middleware are built from (the body
# size limit, whether cookies are Secure); each test gives it its own settings, clock and store.
_APPS: dict[tuple[int, str], Litestar] = {}


def app_for(settings: Settings, clock: FixedClock, store: LocalDocumentStore) -> Litestar:
    key = (settings.max_upload_bytes, settings.public_base_url)
    if key not in _APPS:
        _APPS[key] = create_app(settings, clock=clock, store=store, manage_database=False)
    else:
        configure_state(_APPS[key], settings, clock=clock, store=store)
    return _APPS[key]


@pytest_asyncio.fixture
async def api(clean_database: str, settings: Settings, clock: FixedClock, tmp_path: Path) -> AsyncIterator[Api]:
    app = app_for(settings, clock, LocalDocumentStore(tmp_path / "documents"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Api(client, clock, app)


@pytest.fixture(autouse=True)
def _story_releases_validate(request: pytest.FixtureRequest) -> None:
    """After each story test (stories 1-9 of DESIGN.md) every OCDS release it wrote validates and
    each record is the merge of its releases (issue 17, "Done means")."""
    if request.module.__name__.rsplit(".", 1)[-1] in STORY_MODULES and "api" in request.fixturenames:
        request.getfixturevalue("_releases_checked_after")


@pytest_asyncio.fixture
async def _releases_checked_after(api: Api) -> AsyncIterator[None]:
    yield
    await assert_releases_valid(api.client)


@pytest.fixture
def no_libreoffice(api: Api) -> None:
    """Contracts are generated without their PDF copies (`pytestmark = pytest.mark.usefixtures("no_libreoffice")`):
    LibreOffice takes seconds per start, and the PDF path has its own tests
    (tests/integration/test_contracts_generation.py)."""
    api.app.state.converter = NO_LIBREOFFICE
