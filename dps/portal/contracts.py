"""Contracts for the provider: Individual Placement Agreements, membership agreements and their
variations, read as DOCX or PDF (a PDF copy still being made says so), signed against the exact
document's SHA-256 with a plain statement of what is being signed, and each contract's state."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from dps.accounts import public as accounts
from dps.contracts import public as contracts
from dps.contracts.domain.contracts import Contract, ContractKind, ContractStatus
from dps.core.auth import Role
from dps.core.errors import DomainError
from dps.core.http import content_disposition
from dps.core.pagination import MAX_LIMIT
from dps.portal.forms import Form
from dps.portal.web import Portal, page, redirect

KINDS = {
    ContractKind.PLACEMENT_AGREEMENT: "Individual Placement Agreement",
    ContractKind.MEMBERSHIP_AGREEMENT: "Membership agreement",
    ContractKind.FEE_VARIATION: "Fee variation",
    ContractKind.DECISION_LETTER: "Decision letter",
}
STATES = {
    ContractStatus.DRAFT: ("Draft", "govuk-tag--grey"),
    ContractStatus.ISSUED: ("Waiting for your signature", "govuk-tag--yellow"),
    ContractStatus.SIGNED: ("Signed", "govuk-tag--blue"),
    ContractStatus.ACTIVE: ("In force", "govuk-tag--green"),
    ContractStatus.ENDED: ("Ended", "govuk-tag--grey"),
    ContractStatus.TERMINATED: ("Terminated", "govuk-tag--red"),
}


def _file(data: bytes, media_type: str, filename: str, sha256: str) -> Response[bytes]:
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": content_disposition(filename), "X-Content-SHA256": sha256},
    )


class ContractPages(Controller):
    path = "/contracts"

    @get("/", name="contracts")
    async def index(self, portal: NamedDependency[Portal]) -> Template:
        portal.provider_id()
        found = (await contracts.list_contracts(portal.ctx, MAX_LIMIT, 0)).items
        return page(
            portal,
            "contracts/index.html",
            contracts=sorted(found, key=lambda c: c.id, reverse=True),
            kinds=KINDS,
            states=STATES,
        )

    @get("/{contract_id:int}", name="contract")
    async def detail(self, portal: NamedDependency[Portal], contract_id: FromPath[int]) -> Template:
        return await self._page(portal, await self._contract(portal, contract_id), Form())

    async def _contract(self, portal: Portal, contract_id: int) -> Contract:
        portal.provider_id()
        return await contracts.get_contract(portal.ctx, contract_id)

    async def _page(self, portal: Portal, contract: Contract, form: Form, status: int = 200) -> Template:
        variations = (await contracts.list_contracts(portal.ctx, MAX_LIMIT, 0, parent_id=contract.id)).items
        parent = await contracts.get_contract(portal.ctx, contract.parent_id) if contract.parent_id else None
        provider = await accounts.get_provider(portal.ctx, portal.provider_id())
        principal = portal.signed_in()
        return page(
            portal,
            "contracts/detail.html",
            status_code=status,
            form=form,
            contract=contract,
            parent=parent,
            variations=variations,
            provider=provider,
            kinds=KINDS,
            states=STATES,
            signable=contract.status is ContractStatus.ISSUED and contract.kind is not ContractKind.DECISION_LETTER,
            may_sign=principal.role is Role.PROVIDER_ADMIN,
        )

    @get("/{contract_id:int}/document.docx", name="contract_docx")
    async def docx(self, portal: NamedDependency[Portal], contract_id: FromPath[int]) -> Response[bytes]:
        await self._contract(portal, contract_id)
        found = await contracts.download(portal.ctx, contract_id)
        return _file(found.data, found.media_type, found.filename, found.contract.document.sha256)

    @get("/{contract_id:int}/document.pdf", name="contract_pdf")
    async def pdf(self, portal: NamedDependency[Portal], contract_id: FromPath[int]) -> Response[bytes]:
        """The PDF copy; while it is still being made the error page says so."""
        await self._contract(portal, contract_id)
        found = await contracts.download(portal.ctx, contract_id, pdf=True)
        sha256 = found.contract.pdf.sha256 if found.contract.pdf else ""
        return _file(found.data, found.media_type, found.filename, sha256)

    @post("/{contract_id:int}/sign", status_code=303)
    async def sign(self, portal: NamedDependency[Portal], contract_id: FromPath[int]) -> Template | Redirect:
        """Sign the exact document read: the form carries the SHA-256 shown beside the statement."""
        contract = await self._contract(portal, contract_id)
        form = Form.of(await portal.request.form())
        if form.get("confirm") != "yes":
            form.error("confirm", "Confirm that you have read the document and may sign it for your organisation")
        if form.ok:
            try:
                await contracts.sign_contract(portal.ctx, contract_id, form.get("sha256"))
            except DomainError as exc:
                form.problem(exc, "confirm")
                contract = await contracts.get_contract(portal.ctx, contract_id)
            else:
                return redirect(portal, f"/contracts/{contract_id}", banner="contract_signed")
        return await self._page(portal, contract, form, status=400)


CONTROLLERS: list[Any] = [ContractPages]
