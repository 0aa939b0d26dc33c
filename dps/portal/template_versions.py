"""One contract template version for legal officers: its details, the variables catalogue of its
kind beside it (every field a template may use, what it means and a sample), and a preview filled
in with that sample data to download as Word or PDF before approving it."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from markupsafe import Markup

from dps.contracts import public as contracts
from dps.core.auth import Role
from dps.portal.templates_library import BASE, KIND_WORDS
from dps.portal.web import Portal, page


def code_name(name: str) -> Markup:
    """A field as a legal officer types it into Word, e.g. {{ provider.name }}; an item of a list
    inside its loop, e.g. {{ item.description }} in {% for item in fee_lines %} (escaped)."""
    if "[]." in name:
        listed, field = name.split("[].", 1)
        written = "{{ item." + field + " }} in {% for item in " + listed + " %}"
    else:
        written = "{{ " + name + " }}"
    return Markup("<code>{}</code>").format(written)


def _attachment(data: bytes, media_type: str, filename: str) -> Response[bytes]:
    return Response(
        content=data, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


class TemplateVersionPages(Controller):
    path = BASE

    @get("/{version_id:int}", name="council_template_version")
    async def detail(self, portal: NamedDependency[Portal], version_id: FromPath[int]) -> Template:
        """The version, with the fields its kind may use beside it."""
        portal.council_staff(Role.LEGAL_OFFICER)
        version = await contracts.get_template_version(portal.ctx, version_id)
        catalogue = contracts.variables_catalogue(portal.ctx)[version.kind]
        return page(
            portal,
            "council/templates/version.html",
            version=version,
            kind_words=KIND_WORDS,
            variables=catalogue,
            code_name=code_name,
        )

    @get("/{version_id:int}/document", name="council_template_document")
    async def document(self, portal: NamedDependency[Portal], version_id: FromPath[int]) -> Response[bytes]:
        """The template itself, as uploaded (checked against its SHA-256)."""
        portal.council_staff(Role.LEGAL_OFFICER)
        version, data = await contracts.download_template_version(portal.ctx, version_id)
        return _attachment(
            data, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", version.filename
        )

    @get("/{version_id:int}/preview.docx", name="council_template_preview_docx")
    async def preview_docx(self, portal: NamedDependency[Portal], version_id: FromPath[int]) -> Response[bytes]:
        """The template filled in with sample data, as a Word document."""
        portal.council_staff(Role.LEGAL_OFFICER)
        found = await contracts.preview_template_version(portal.ctx, version_id)
        return _attachment(found.data, found.media_type, found.filename)

    @get("/{version_id:int}/preview.pdf", name="council_template_preview_pdf")
    async def preview_pdf(self, portal: NamedDependency[Portal], version_id: FromPath[int]) -> Response[bytes]:
        """The template filled in with sample data, as a PDF (made by LibreOffice)."""
        portal.council_staff(Role.LEGAL_OFFICER)
        found = await contracts.preview_template_version(portal.ctx, version_id, pdf=True)
        return _attachment(found.data, found.media_type, found.filename)


CONTROLLERS: list[Any] = [TemplateVersionPages]
