"""Legal officers' contracts: the council's contracts by state; the placements still waiting for
their Individual Placement Agreement, generated from the national template with one button; one
contract with the SHA-256 of its document, the provider's signature and the SHA-256 it signed;
issue a draft; countersign a signed one, which puts it in force (activate); download the document."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from markupsafe import Markup

from dps.accounts import public as accounts
from dps.contracts import public as contracts
from dps.contracts.domain.contracts import Contract
from dps.core.auth import Role
from dps.core.errors import DomainError
from dps.core.pagination import MAX_LIMIT
from dps.portal.commissioners import problem
from dps.portal.forms import Form
from dps.portal.web import Portal, page, redirect
from dps.tenders import public as tenders
from dps.tenders.domain.placements import Placement

BASE = "/council/contracts"
MANAGERS = (Role.LEGAL_OFFICER, Role.PROCUREMENT_OFFICER)


def code(text: str) -> Markup:
    """A SHA-256 in a table cell, escaped, breaking anywhere so it fits."""
    return Markup('<code class="portal-link-text">{}</code>').format(text)


async def _page(portal: Portal, contract: Contract, form: Form, status: int = 200) -> Template:
    provider = await accounts.get_provider(portal.ctx, contract.provider_id)
    return page(
        portal,
        "council/contracts/detail.html",
        status_code=status,
        contract=contract,
        provider=provider,
        form=form,
        code=code,
    )


async def _waiting_for_agreement(portal: Portal, subjects: set[str]) -> list[tuple[Placement, str]]:
    """The council's live placements made by a call-off that have no Individual Placement
    Agreement yet, with their provider's name."""
    found = await tenders.list_placements(portal.ctx, MAX_LIMIT, 0, authority_id=None, provider_id=None, live=True)
    waiting = [p for p in found.items if p.call_off_id is not None and f"placement:{p.id}" not in subjects]
    names = await accounts.get_providers(portal.ctx, {p.provider_id for p in waiting})
    return [(p, names[p.provider_id].legal_name if p.provider_id in names else "") for p in waiting]


async def _index(portal: Portal, form: Form, status: int = 200) -> Template:
    portal.council_staff(*MANAGERS)
    found = await contracts.list_contracts(portal.ctx, MAX_LIMIT, 0)
    names = {
        pid: p.legal_name
        for pid, p in (await accounts.get_providers(portal.ctx, {c.provider_id for c in found.items})).items()
    }
    return page(
        portal,
        "council/contracts/index.html",
        status_code=status,
        contracts=sorted(found.items, key=lambda c: c.id, reverse=True),
        names=names,
        waiting=await _waiting_for_agreement(portal, {c.subject_key for c in found.items}),
        form=form,
    )


class ContractPages(Controller):
    path = BASE

    @get("/", name="council_contracts")
    async def index(self, portal: NamedDependency[Portal]) -> Template:
        """The council's contracts, newest first, and the placements waiting for their agreement."""
        return await _index(portal, Form())

    @post("/placements/{placement_id:int}", status_code=303)
    async def generate(self, portal: NamedDependency[Portal], placement_id: FromPath[int]) -> Template | Redirect:
        """Generate the placement's Individual Placement Agreement as a draft, to check and issue."""
        portal.council_staff(*MANAGERS)
        try:
            made = await contracts.generate_placement_agreement_for(portal.ctx, placement_id)
        except DomainError as exc:
            form = Form()
            problem(form, exc)
            return await _index(portal, form, 400)
        return redirect(portal, f"{BASE}/{made.id}", banner="agreement_generated")

    @get("/{contract_id:int}", name="council_contract")
    async def detail(self, portal: NamedDependency[Portal], contract_id: FromPath[int]) -> Template:
        portal.council_staff(*MANAGERS)
        return await _page(portal, await contracts.get_contract(portal.ctx, contract_id), Form())

    @get("/{contract_id:int}/document", name="council_contract_document")
    async def document(self, portal: NamedDependency[Portal], contract_id: FromPath[int]) -> Response[bytes]:
        """The Word document exactly as stored (its SHA-256 is checked on the way out)."""
        portal.council_staff(*MANAGERS)
        found = await contracts.download(portal.ctx, contract_id)
        return Response(
            content=found.data,
            media_type=found.media_type,
            headers={"Content-Disposition": f'attachment; filename="{found.filename}"'},
        )

    @post("/{contract_id:int}/issue", status_code=303)
    async def issue(self, portal: NamedDependency[Portal], contract_id: FromPath[int]) -> Template | Redirect:
        """Send the draft to the provider."""
        portal.council_staff(*MANAGERS)
        try:
            await contracts.issue_contract(portal.ctx, contract_id)
        except DomainError as exc:
            form = Form()
            problem(form, exc)
            return await _page(portal, await contracts.get_contract(portal.ctx, contract_id), form, 400)
        return redirect(portal, f"{BASE}/{contract_id}", banner="contract_issued")

    @post("/{contract_id:int}/activate", status_code=303)
    async def activate(self, portal: NamedDependency[Portal], contract_id: FromPath[int]) -> Template | Redirect:
        """Countersign the signed contract: it is in force from now."""
        portal.council_staff(*MANAGERS)
        form = Form.of(await portal.request.form())
        if form.get("confirm") != "yes":
            form.error("confirm", "Confirm that you countersign the document the provider signed")
        if form.ok:
            try:
                await contracts.activate_contract(portal.ctx, contract_id)
            except DomainError as exc:
                problem(form, exc)
            else:
                return redirect(portal, f"{BASE}/{contract_id}", banner="contract_activated")
        return await _page(portal, await contracts.get_contract(portal.ctx, contract_id), form, 400)


CONTROLLERS: list[Any] = [ContractPages]
