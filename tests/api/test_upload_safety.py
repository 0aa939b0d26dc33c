"""Issue 13 item 10 through the API: a file that only starts like a PDF, a PDF with active content
or a password is refused with a clear 422 and leaves nothing stored; the stored file name is safe;
an organisation's documents fit in its storage quota."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from dps.app import create_app
from dps.core.clock import FixedClock
from dps.core.settings import Settings
from dps.core.storage import LocalDocumentStore
from tests.support import Api, pdfs, problem


async def upload(api: Api, token: str, content: bytes, name: str = "certificate.pdf") -> httpx.Response:
    return await api.client.post(
        "/api/v1/documents",
        files={"file": (name, content, "application/pdf")},
        data={"document_type": "insurance_certificate"},
        headers=api.auth(token),
    )


def stored_blobs(tmp_path: Path) -> list[Path]:
    root = tmp_path / "documents"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("content", "code"),
    [
        pytest.param(pdfs.junk_after_header(), "pdf_malformed", id="%PDF- then junk"),
        pytest.param(pdfs.damaged(), "pdf_malformed", id="cut off"),
        pytest.param(pdfs.javascript_open_action(), "pdf_active_content", id="javascript"),
        pytest.param(pdfs.javascript_in_object_stream(), "pdf_active_content", id="javascript in object stream"),
        pytest.param(pdfs.launch_action(), "pdf_active_content", id="launch"),
        pytest.param(pdfs.embedded_file(), "pdf_active_content", id="embedded file"),
        pytest.param(pdfs.rich_media(), "pdf_active_content", id="rich media"),
    ],
)
async def test_unsafe_pdfs_are_refused_and_nothing_is_stored(
    api: Api, tmp_path: Path, content: bytes, code: str
) -> None:
    _, provider = await api.provider()

    problem(await upload(api, provider, content), 422, code)

    listed = await api.client.get("/api/v1/documents", headers=api.auth(provider))
    assert listed.json()["items"] == []
    assert stored_blobs(tmp_path) == []


async def test_the_stored_name_has_no_path_no_control_characters_and_a_true_extension(api: Api) -> None:
    _, provider = await api.provider()

    response = await upload(api, provider, pdfs.minimal(), name="../../etc/invoice\u202egpj.pdf.exe")

    assert response.status_code == 201, response.text
    assert response.json()["filename"] == "invoicegpj.pdf.exe.pdf"
    download = await api.client.get(f"/api/v1/documents/{response.json()['id']}/content", headers=api.auth(provider))
    assert 'filename="invoicegpj.pdf.exe.pdf"' in download.headers["content-disposition"]


@pytest_asyncio.fixture
async def small_quota_api(
    clean_database: str, settings: Settings, clock: FixedClock, tmp_path: Path
) -> AsyncIterator[Api]:
    """The app with a storage quota of two small PDFs per organisation."""
    quota = 2 * len(pdfs.minimal()) + 10
    limited = dataclasses.replace(settings, storage_quota_bytes=quota)
    app = create_app(limited, clock=clock, store=LocalDocumentStore(tmp_path / "documents"), manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield Api(client, clock, app)


async def test_an_upload_over_the_organisations_quota_is_refused(small_quota_api: Api, tmp_path: Path) -> None:
    api = small_quota_api
    _, provider = await api.provider()
    _, other = await api.provider()
    for _ in range(2):
        assert (await upload(api, provider, pdfs.minimal())).status_code == 201

    body = problem(await upload(api, provider, pdfs.minimal()), 413, "storage_quota_exceeded")

    assert body["used_bytes"] == 2 * len(pdfs.minimal())
    assert body["quota_bytes"] == 2 * len(pdfs.minimal()) + 10
    assert len(stored_blobs(tmp_path)) == 2
    # Another organisation has its own quota.
    assert (await upload(api, other, pdfs.minimal())).status_code == 201


async def test_two_uploads_at_once_cannot_both_squeeze_into_the_quota(small_quota_api: Api, tmp_path: Path) -> None:
    api = small_quota_api
    _, provider = await api.provider()
    assert (await upload(api, provider, pdfs.minimal())).status_code == 201

    first, second = await asyncio.gather(upload(api, provider, pdfs.minimal()), upload(api, provider, pdfs.minimal()))

    assert sorted([first.status_code, second.status_code]) == [201, 413]
    assert len(stored_blobs(tmp_path)) == 2
