"""Issue 13 item 3: hostile PDFs cannot freeze the server. A compression bomb is refused at once
with a clear code; while slow PDFs are being read, `/health` and downloads still answer; one
organisation cannot run more than its share; no child process outlives its deadline."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest_asyncio

from dps.app import create_app
from dps.core.clock import FixedClock
from dps.core.settings import Settings
from dps.core.storage import LocalDocumentStore
from tests.support import Api, pdfs, problem
from tests.support.pdf_workers import pdf_workers

EXTRACTIONS = "/api/v1/compliance/extractions"


@pytest_asyncio.fixture
async def api(clean_database: str, settings: Settings, clock: FixedClock, tmp_path: Path) -> AsyncIterator[Api]:
    """The app with a short PDF deadline (2 s), two PDF jobs per organisation and four in all."""
    limited = dataclasses.replace(settings, pdf_read_seconds=2.0, pdf_reads_per_org=2, pdf_reads_total=4)
    app = create_app(limited, clock=clock, store=LocalDocumentStore(tmp_path / "documents"), manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield Api(client, clock, app)


async def upload(api: Api, token: str, content: bytes) -> int:
    response = await api.client.post(
        "/api/v1/documents",
        files={"file": ("certificate.pdf", content, "application/pdf")},
        data={"document_type": "insurance_certificate"},
        headers=api.auth(token),
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def extract(api: Api, token: str, document_id: int) -> httpx.Response:
    return await api.client.post(
        EXTRACTIONS, json={"document_id": document_id, "kind": "insurance_certificate"}, headers=api.auth(token)
    )


async def until_workers_run(count: int) -> None:
    for _ in range(400):
        if len(pdf_workers()) >= count:
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"{count} PDF workers never started")


async def test_a_pdf_bomb_is_refused_with_a_clear_code(api: Api) -> None:
    _, provider = await api.provider()
    bomb = pdfs.bomb(50)
    assert len(bomb) < 100_000  # 50 MB once inflated
    document_id = await upload(api, provider, bomb)

    body = problem(await extract(api, provider, document_id), 422, "pdf_too_large_when_decompressed")

    assert "expands to more than" in body["detail"]
    assert pdf_workers() == []


async def test_health_and_downloads_answer_while_slow_pdfs_are_read(api: Api) -> None:
    tokens = [(await api.provider())[1] for _ in range(3)]
    slow = pdfs.slow()
    documents = [await upload(api, token, slow) for token in tokens]
    readable = await upload(api, tokens[0], pdfs.minimal())
    # Six extractions from three providers: four run at once, two wait for a slot.
    abuse = [asyncio.create_task(extract(api, t, d)) for t, d in zip(tokens * 2, documents * 2, strict=True)]
    await until_workers_run(4)

    started = time.monotonic()
    health = await asyncio.wait_for(api.client.get("/health"), 5)
    answered_in = time.monotonic() - started
    download = await asyncio.wait_for(
        api.client.get(f"/api/v1/documents/{readable}/content", headers=api.auth(tokens[0])), 5
    )

    assert health.status_code == 200, health.text
    assert answered_in < 1.0  # issue 13: /health answers within 1 s while PDFs are abused
    assert download.status_code == 200
    assert download.content == pdfs.minimal()
    for response in await asyncio.gather(*abuse):
        problem(response, 422, "pdf_too_slow")
    assert pdf_workers() == []  # every child was killed at its deadline and reaped


async def test_one_organisation_cannot_run_more_than_its_share(api: Api) -> None:
    _, greedy = await api.provider()
    _, other = await api.provider()
    slow = pdfs.slow()
    greedy_documents = [await upload(api, greedy, slow) for _ in range(3)]
    other_document = await upload(api, other, slow)

    responses = await asyncio.gather(
        *(extract(api, greedy, d) for d in greedy_documents), extract(api, other, other_document)
    )

    greedy_codes = sorted(r.json()["code"] for r in responses[:3])
    assert greedy_codes == ["pdf_too_slow", "pdf_too_slow", "too_many_extractions"]
    refused = next(r for r in responses[:3] if r.status_code == 429)
    problem(refused, 429, "too_many_extractions")
    assert refused.headers["retry-after"] == "5"
    problem(responses[3], 422, "pdf_too_slow")  # the other provider was not held up
    assert pdf_workers() == []
