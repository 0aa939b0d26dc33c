"""Confirming an uploaded insurance certificate's details: the values read from the PDF are
proposed (insurer, limit of indemnity, dates) for the provider to confirm or correct, then attached
as evidence for the arrangement's insurance requirement, which its compliance checks read."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from dps.accounts import public as accounts
from dps.accounts.domain import Document
from dps.compliance import public as compliance
from dps.compliance.domain.extraction import ExtractionKind, InsuranceProposal
from dps.compliance.domain.requirements import Requirement, RequirementKind
from dps.compliance.public import EvidenceIn
from dps.core.errors import DomainError, NotFound
from dps.frameworks import public as frameworks
from dps.portal.forms import Form, date_fields
from dps.portal.web import Portal, local_path, page, redirect


async def insurance_requirements(portal: Portal, arrangement_id: int) -> list[Requirement]:
    found = await compliance.list_requirements(portal.ctx, arrangement_id)
    return [r for r in found if r.kind is RequirementKind.INSURANCE]


async def _scene(portal: Portal, application_id: int, document_id: int) -> tuple[int, Document, list[Requirement]]:
    """The application (the provider's own), the document (its own) and the insurance requirements."""
    portal.provider_id()
    view = await frameworks.get_application(portal.ctx, application_id)
    document = await accounts.get_document(portal.ctx, document_id)
    requirements = await insurance_requirements(portal, view.application.arrangement_id)
    if not requirements:
        raise NotFound("this arrangement asks for no insurance", entity="requirement")
    return view.application.id, document, requirements


def _proposed(proposal: InsuranceProposal | None, requirements: list[Requirement]) -> dict[str, Any]:
    """The form's values from what was read: the requirement whose kind of cover the certificate
    shows (else the first) and that cover's limit in pounds."""
    if proposal is None:
        return {"requirement_id": str(requirements[0].id)}
    limits = {c.insurance_kind: c.limit_pence for c in proposal.covers}
    chosen = next((r for r in requirements if r.insurance_kind in limits), requirements[0])
    limit = limits.get(chosen.insurance_kind) if chosen.insurance_kind else None
    return {
        "requirement_id": str(chosen.id),
        "issuer": proposal.insurer or "",
        "cover": f"{limit / 100:.2f}".removesuffix(".00") if limit is not None else "",
        **date_fields("starts_on", proposal.starts_on),
        **date_fields("expires_on", proposal.expires_on),
    }


class EvidencePages(Controller):
    path = "/applications/{application_id:int}/evidence/{document_id:int}"

    @get("/", name="confirm_evidence")
    async def confirm_form(
        self,
        portal: NamedDependency[Portal],
        application_id: FromPath[int],
        document_id: FromPath[int],
        then: FromQuery[str] = "",
    ) -> Template:
        _, document, requirements = await _scene(portal, application_id, document_id)
        try:
            extraction = await compliance.extract(portal.ctx, document_id, ExtractionKind.INSURANCE_CERTIFICATE)
            proposal = extraction.proposal if isinstance(extraction.proposal, InsuranceProposal) else None
        except DomainError:
            proposal = None  # not a PDF, or unreadable: the provider types the values
        read = proposal is not None and proposal.found_anything
        values = {**_proposed(proposal if read else None, requirements), "then": local_path(then)}
        return self._page(portal, application_id, document, requirements, Form(values=values), read=read)

    def _page(
        self,
        portal: Portal,
        application_id: int,
        document: Document,
        requirements: list[Requirement],
        form: Form,
        read: bool,
        status: int = 200,
    ) -> Template:
        return page(
            portal,
            "applications/evidence.html",
            status_code=status,
            form=form,
            application_id=application_id,
            document=document,
            requirements=requirements,
            read=read,
        )

    @post("/", status_code=303)
    async def confirm(
        self, portal: NamedDependency[Portal], application_id: FromPath[int], document_id: FromPath[int]
    ) -> Template | Redirect:
        """Attach the certificate, with the confirmed values, to the chosen insurance requirement."""
        _, document, requirements = await _scene(portal, application_id, document_id)
        form = Form.of(await portal.request.form())
        chosen = next((r for r in requirements if str(r.id) == form.get("requirement_id")), None)
        if chosen is None:
            form.error("requirement_id", "Select the insurance this certificate shows")
        issuer = form.required("issuer", "Enter the insurer's name")
        cover = form.pounds("cover", "Limit of indemnity")
        starts_on = form.day_month_year("starts_on", "start date", required=True)
        expires_on = form.day_month_year("expires_on", "expiry date", required=True)
        if form.ok and chosen is not None:
            try:
                await compliance.attach_evidence(
                    portal.ctx,
                    EvidenceIn(
                        requirement_id=chosen.id,
                        document_id=document.id,
                        issuer=issuer,
                        starts_on=starts_on,
                        expires_on=expires_on,
                        cover_pence=cover,
                        insurance_kind=chosen.insurance_kind,
                    ).to_domain(),
                )
            except DomainError as exc:
                form.problem(exc, "expires_on")
            else:
                target = local_path(form.get("then"), f"/applications/{application_id}")
                return redirect(portal, target, banner="evidence_confirmed")
        return self._page(portal, application_id, document, requirements, form, read=False, status=400)


CONTROLLERS: list[Any] = [EvidencePages]
