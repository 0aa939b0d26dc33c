"""Fixtures shared by the integration tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from dps.accounts import tables as accounts
from dps.contracts.services.templates import load_shipped_templates
from dps.core.clock import FixedClock
from dps.core.context import Context
from dps.core.settings import Settings
from dps.core.storage import LocalDocumentStore
from tests.conftest import START
from tests.support.contract_world import World


@pytest_asyncio.fixture
async def world(clean_database: str, settings: Settings, clock: FixedClock, tmp_path: Path) -> AsyncIterator[World]:
    ctx = Context(principal=None, clock=clock, settings=settings, store=LocalDocumentStore(tmp_path / "documents"))
    authority = await accounts.Authority.insert(
        accounts.Authority(name="Cyngor Gwynedd", ons_code="W06000002", region="wales", created_at=START)
    ).returning(accounts.Authority.id)
    provider = await accounts.Provider.insert(
        accounts.Provider(
            legal_name='Ysgol y Bryn & "Gofal" <Cymru> Ltd',
            address="Tŷ Gwyn, Llanfair\u00adpwll",
            postcode="LL61 5UJ",
            company_number="04561234",
            contacts="[]",
            created_at=START,
        )
    ).returning(accounts.Provider.id)
    await load_shipped_templates(ctx)
    yield World(ctx, authority[0]["id"], provider[0]["id"])
