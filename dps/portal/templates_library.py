"""Legal officers' contract template library: every version of each kind with its state; upload a
new version (refused with each problem the sandboxed check found, in plain words and with its
line); approve a draft (the version it replaces retires); retire a version."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from dps.contracts import public as contracts
from dps.contracts.domain.contexts import TemplateKind
from dps.contracts.domain.templates import TemplateInvalid, TemplateStatus, TemplateVersion
from dps.core.auth import Role
from dps.core.errors import DomainError
from dps.core.pagination import MAX_LIMIT
from dps.portal.commissioners import problem
from dps.portal.forms import Form
from dps.portal.template_problems import PlainProblem, paragraphs, plain
from dps.portal.web import Portal, page, redirect

BASE = "/council/templates"

KIND_WORDS: dict[TemplateKind, str] = {
    TemplateKind.PLACEMENT_FOSTERING: "Placement agreement: fostering",
    TemplateKind.PLACEMENT_RESIDENTIAL: "Placement agreement: children's homes",
    TemplateKind.PLACEMENT_SUPPORTED_ACCOMMODATION: "Placement agreement: supported accommodation",
    TemplateKind.PLACEMENT_SEND: "Placement agreement: special schools",
    TemplateKind.MEMBERSHIP_AGREEMENT: "Membership agreement",
    TemplateKind.FEE_VARIATION: "Fee variation",
    TemplateKind.DECISION_LETTER: "Decision letter",
}


def _in_use(versions: list[TemplateVersion], council_id: int | None) -> int | None:
    """The version the council's new documents of a kind are made from (as `choose_template`
    picks it): its own approved version, else its lead authority's, else the national default."""
    approved = [v for v in versions if v.status is TemplateStatus.APPROVED]
    for mine in (
        lambda v: v.owner_authority_id == council_id,
        lambda v: v.owner_authority_id is not None,
        lambda v: v.owner_authority_id is None,
    ):
        chosen = next((v for v in approved if mine(v)), None)
        if chosen is not None:
            return chosen.id
    return None


def _whose(version: TemplateVersion, council_id: int | None) -> str:
    if version.owner_authority_id is None:
        return "National default"
    return "Your council" if version.owner_authority_id == council_id else "Lead authority"


async def _library(
    portal: Portal,
    form: Form,
    problems: list[dict[str, Any]] | None = None,
    status: int = 200,
    document: bytes = b"",
) -> Template:
    found = await contracts.list_template_versions(portal.ctx, None, MAX_LIMIT, 0)
    by_kind = {kind: [v for v in found.items if v.kind is kind] for kind in TemplateKind}
    council_id = portal.principal.org_id if portal.principal is not None else None
    return page(
        portal,
        "council/templates/index.html",
        status_code=status,
        by_kind=by_kind,
        in_use={_in_use(versions, council_id) for versions in by_kind.values()},
        whose={v.id: _whose(v, council_id) for v in found.items},
        council_id=council_id,
        kind_words=KIND_WORDS,
        kinds=[(k.value, w) for k, w in KIND_WORDS.items()],
        form=form,
        problems=_plain_problems(problems or [], document),
    )


def _plain_problems(problems: list[dict[str, Any]], document: bytes) -> list[PlainProblem]:
    """The check's problems in plain words, each with where it is in the document."""
    text = paragraphs(document) if problems else []
    found = []
    for p in problems:
        line = p.get("line")
        found.append(
            plain(str(p.get("kind")), str(p.get("message") or ""), line if isinstance(line, int) else None, text)
        )
    return found


class TemplatePages(Controller):
    path = BASE

    @get("/", name="council_templates")
    async def index(self, portal: NamedDependency[Portal]) -> Template:
        portal.council_staff(Role.LEGAL_OFFICER)
        return await _library(portal, Form())

    @post("/", status_code=303)
    async def upload(self, portal: NamedDependency[Portal]) -> Template | Redirect:
        """Upload a new draft version of a kind, checked by rendering it with sample data."""
        portal.council_staff(Role.LEGAL_OFFICER)
        data = await portal.request.form()
        form = Form.of(data)
        form.values.pop("document", None)
        kind = next((k for k in TemplateKind if k.value == form.get("kind")), None)
        if kind is None:
            form.error("kind", "Select the kind of document")
        upload = data.get("document")
        if not isinstance(upload, UploadFile) or not upload.filename:
            form.error("document", "Select a Word document to upload")
        if form.ok and kind is not None and isinstance(upload, UploadFile):
            content = await upload.read()
            try:
                await contracts.upload_template_version(portal.ctx, kind, content, upload.filename, form.get("note"))
            except TemplateInvalid as exc:
                form.error("document", "The template cannot be used yet: fix the problems listed below")
                listed = exc.extra.get("problems")
                return await _library(
                    portal, form, listed if isinstance(listed, list) else [], status=400, document=content
                )
            except DomainError as exc:
                problem(form, exc, "document")
            else:
                return redirect(portal, BASE, banner="template_uploaded")
        return await _library(portal, form, status=400)

    @post("/{version_id:int}/approve", status_code=303)
    async def approve(self, portal: NamedDependency[Portal], version_id: FromPath[int]) -> Template | Redirect:
        """New documents of its kind are made from this version from now; the previous one retires."""
        portal.council_staff(Role.LEGAL_OFFICER)
        try:
            await contracts.approve_template_version(portal.ctx, version_id)
        except DomainError as exc:
            form = Form()
            problem(form, exc)
            return await _library(portal, form, status=400)
        return redirect(portal, BASE, banner="template_approved")

    @post("/{version_id:int}/retire", status_code=303)
    async def retire(self, portal: NamedDependency[Portal], version_id: FromPath[int]) -> Template | Redirect:
        portal.council_staff(Role.LEGAL_OFFICER)
        try:
            await contracts.retire_template_version(portal.ctx, version_id)
        except DomainError as exc:
            form = Form()
            problem(form, exc)
            return await _library(portal, form, status=400)
        return redirect(portal, BASE, banner="template_retired")


CONTROLLERS: list[Any] = [TemplatePages]
