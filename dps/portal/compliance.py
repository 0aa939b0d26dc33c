"""Compliance: each membership's requirements with their status (compliant, expiring within 30
days, non-compliant), what is missing and why, and uploading a renewal ahead of expiry. The
evidence timeline keeps the piece in force until the renewal starts, so both are shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from dps.accounts import public as accounts
from dps.accounts.domain import DocumentType
from dps.compliance import public as compliance_face
from dps.compliance.domain.requirements import (
    EXPIRING_WITHIN_DAYS,
    CheckResult,
    Evidence,
    Outcome,
    Requirement,
    RequirementKind,
)
from dps.compliance.domain.timeline import on_day
from dps.compliance.public import EvidenceIn
from dps.core.errors import DomainError, NotFound
from dps.core.pagination import MAX_LIMIT
from dps.frameworks import public as frameworks
from dps.frameworks.domain.applications import Membership
from dps.frameworks.domain.arrangements import Arrangement, Lot
from dps.portal.forms import Form
from dps.portal.web import Portal, page, redirect

MEGABYTE = 1024 * 1024

# The document type a requirement's evidence is stored as (others: "other").
DOCUMENT_TYPES: dict[RequirementKind, DocumentType] = {
    RequirementKind.INSURANCE: DocumentType.INSURANCE_CERTIFICATE,
    RequirementKind.ACCOUNTS: DocumentType.ACCOUNTS,
    RequirementKind.CREDIT_SCORE: DocumentType.ACCOUNTS,
    RequirementKind.SAFEGUARDING_POLICY: DocumentType.SAFEGUARDING_POLICY,
    RequirementKind.DBS_POLICY: DocumentType.DBS_POLICY,
    RequirementKind.DATA_PROTECTION: DocumentType.DATA_PROTECTION,
    RequirementKind.MODERN_SLAVERY: DocumentType.MODERN_SLAVERY_STATEMENT,
}


@dataclass(frozen=True, slots=True)
class RequirementRow:
    """One requirement of a membership: its check today, the piece in force and a renewal held."""

    requirement: Requirement
    result: CheckResult
    in_force: Evidence | None
    renewal: Evidence | None
    expiring: bool  # passes today, but lapses within 30 days with no renewal that covers it


@dataclass(frozen=True, slots=True)
class MembershipView:
    membership: Membership
    arrangement: Arrangement
    lot: Lot
    status: str
    rows: list[RequirementRow]

    @property
    def failing(self) -> list[RequirementRow]:
        return [r for r in self.rows if r.result.mandatory and r.result.outcome is not Outcome.PASS]


async def _view(portal: Portal, membership: Membership) -> MembershipView:
    """A membership's compliance (its own provider's only) with the evidence held per requirement."""
    compliance = await compliance_face.membership_compliance(portal.ctx, membership.id)
    arrangement = await frameworks.get_arrangement(portal.ctx, membership.arrangement_id)
    lots = (await frameworks.list_lots(portal.ctx, arrangement.id, MAX_LIMIT, 0)).items
    requirements = {r.id: r for r in await compliance_face.list_requirements(portal.ctx, arrangement.id)}
    today = portal.ctx.clock.now().date()
    rows = []
    for result in compliance.summary.results:
        requirement = requirements.get(result.requirement_id)
        if requirement is None:
            continue
        held = (
            await compliance_face.list_evidence(
                portal.ctx,
                MAX_LIMIT,
                0,
                provider_id=None,
                requirement_id=requirement.id,
                include_replaced=False,
            )
        ).items
        standing = on_day(held, today)
        expiring = (
            result.outcome is Outcome.PASS
            and result.expires_on is not None
            and result.expires_on <= today + timedelta(days=EXPIRING_WITHIN_DAYS)
            and result.renewal_id is None
        )
        rows.append(RequirementRow(requirement, result, standing.in_force, standing.following, expiring))
    lot = next(lot for lot in lots if lot.id == membership.lot_id)
    return MembershipView(membership, arrangement, lot, compliance.summary.status.value, rows)


async def _membership(portal: Portal, membership_id: int) -> Membership:
    portal.provider_id()
    return await frameworks.get_membership(portal.ctx, membership_id)


async def _requirement(portal: Portal, membership: Membership, requirement_id: int) -> Requirement:
    for requirement in await compliance_face.list_requirements(portal.ctx, membership.arrangement_id):
        if requirement.id == requirement_id and not requirement.per_setting:
            return requirement
    raise NotFound(f"requirement {requirement_id} is not part of this membership", entity="requirement")


class CompliancePages(Controller):
    path = "/compliance"

    @get("/", name="compliance")
    async def dashboard(self, portal: NamedDependency[Portal]) -> Template:
        """Every membership with its compliance status and what is missing."""
        portal.provider_id()
        found = await frameworks.list_memberships(
            portal.ctx, MAX_LIMIT, 0, arrangement_id=None, lot_id=None, provider_id=None, status=None
        )
        views = [await _view(portal, m) for m in found.items]
        return page(portal, "compliance/index.html", views=views)

    @get("/memberships/{membership_id:int}", name="membership_compliance")
    async def membership(self, portal: NamedDependency[Portal], membership_id: FromPath[int]) -> Template:
        view = await _view(portal, await _membership(portal, membership_id))
        return page(portal, "compliance/membership.html", view=view)

    @get("/memberships/{membership_id:int}/requirements/{requirement_id:int}", name="upload_evidence")
    async def upload_form(
        self, portal: NamedDependency[Portal], membership_id: FromPath[int], requirement_id: FromPath[int]
    ) -> Template:
        membership = await _membership(portal, membership_id)
        requirement = await _requirement(portal, membership, requirement_id)
        return await self._upload_page(portal, membership, requirement, Form())

    async def _upload_page(
        self, portal: Portal, membership: Membership, requirement: Requirement, form: Form, status: int = 200
    ) -> Template:
        view = await _view(portal, membership)
        row = next((r for r in view.rows if r.requirement.id == requirement.id), None)
        return page(
            portal,
            "compliance/upload.html",
            status_code=status,
            form=form,
            view=view,
            requirement=requirement,
            row=row,
            insurance=requirement.kind is RequirementKind.INSURANCE,
            max_upload_mb=max(portal.ctx.settings.max_upload_bytes // MEGABYTE, 1),
        )

    @post("/memberships/{membership_id:int}/requirements/{requirement_id:int}", status_code=303)
    async def upload(
        self, portal: NamedDependency[Portal], membership_id: FromPath[int], requirement_id: FromPath[int]
    ) -> Template | Redirect:
        """Store the file and attach it as evidence; a cover starting later is held as a renewal."""
        membership = await _membership(portal, membership_id)
        requirement = await _requirement(portal, membership, requirement_id)
        data = await portal.request.form()
        form = Form.of(data)
        upload = data.get("document")
        if not isinstance(upload, UploadFile) or not upload.filename:
            form.error("document", "Select a file to upload")
        issuer = form.required("issuer", "Enter who issued it")
        cover = form.pounds("cover", "Limit of indemnity") if requirement.kind is RequirementKind.INSURANCE else None
        starts_on = form.day_month_year("starts_on", "start date", required=True)
        expires_on = form.day_month_year("expires_on", "expiry date", required=True)
        if form.ok and isinstance(upload, UploadFile):
            try:
                stored = await accounts.upload_document(
                    portal.ctx,
                    await upload.read(),
                    upload.filename,
                    DOCUMENT_TYPES.get(requirement.kind, DocumentType.OTHER),
                    expires_on,
                )
                await compliance_face.attach_evidence(
                    portal.ctx,
                    EvidenceIn(
                        requirement_id=requirement.id,
                        document_id=stored.id,
                        issuer=issuer,
                        starts_on=starts_on,
                        expires_on=expires_on,
                        cover_pence=cover,
                        insurance_kind=requirement.insurance_kind,
                    ).to_domain(),
                )
            except DomainError as exc:
                form.problem(exc, "document")
            else:
                return redirect(portal, f"/compliance/memberships/{membership_id}", banner="evidence_uploaded")
        return await self._upload_page(portal, membership, requirement, form, status=400)


CONTROLLERS: list[Any] = [CompliancePages]
