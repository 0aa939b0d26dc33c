"""API tests drive the real app in-process over HTTP against the real database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from litestar.testing import AsyncTestClient

from dps.app import create_app
from dps.core.clock import FixedClock
from dps.core.settings import Settings
from dps.core.storage import LocalDocumentStore
from tests.support import Api


@pytest_asyncio.fixture
async def api(
    clean_database: str, settings: Settings, clock: FixedClock, tmp_path: Path
) -> AsyncIterator[Api]:
    app = create_app(settings, clock=clock, store=LocalDocumentStore(tmp_path / "documents"), manage_database=False)
    async with AsyncTestClient(app=app) as client:
        yield Api(client, clock)
