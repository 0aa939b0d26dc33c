"""Documents uploaded through the API."""

from __future__ import annotations

from tests.support import Api, pdfs

PDF = pdfs.minimal()


async def upload(api: Api, token: str, content: bytes, name: str = "evidence.pdf", **form: str) -> object:
    return await api.client.post(
        "/api/v1/documents",
        files={"file": (name, content, "application/octet-stream")},
        data={"document_type": "insurance_certificate", **form},
        headers=api.auth(token),
    )
