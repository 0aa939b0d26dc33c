"""Concerns under the information sharing protocol, for council staff (story 6): the concerns the
council issued or shares; draft one and issue it (now or later); read the provider's response;
rescind it with the reason once rectified. Each concern shows its effect on eligibility: whether
the provider's settings may be invited to new placement requests in each affected lot, and why not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from dps.accounts import public as accounts
from dps.compliance import public as compliance
from dps.compliance.domain.concerns import Concern, ConcernCategory, ConcernStatus
from dps.compliance.domain.eligibility import SettingEligibility
from dps.compliance.public import ConcernIn
from dps.core.auth import Role
from dps.core.errors import DomainError
from dps.core.pagination import MAX_LIMIT
from dps.frameworks import public as frameworks
from dps.portal.commissioners import problem, reason_words
from dps.portal.forms import Form, shape_error
from dps.portal.web import Portal, page, redirect

BASE = "/council/concerns"
RAISERS = (Role.PROCUREMENT_OFFICER, Role.COMMISSIONER)

CATEGORY_WORDS: dict[ConcernCategory, str] = {
    ConcernCategory.LA_CONCERN: "A council's concern",
    ConcernCategory.SAFEGUARDING: "Safeguarding",
    ConcernCategory.QUALITY: "Quality of care",
    ConcernCategory.CRIMINAL_INVESTIGATION: "Criminal investigation",
    ConcernCategory.FINANCIAL: "Financial",
    ConcernCategory.OFSTED_JUDGEMENT: "Ofsted judgement",
    ConcernCategory.REGISTRATION_WITHDRAWN: "Ofsted registration withdrawn",
}
STATUS_WORDS: dict[ConcernStatus, tuple[str, str]] = {
    ConcernStatus.DRAFT: ("Draft", "govuk-tag--grey"),
    ConcernStatus.ISSUED: ("Issued", "govuk-tag--red"),
    ConcernStatus.RESPONDED: ("Provider responded", "govuk-tag--yellow"),
    ConcernStatus.RESCINDED: ("Rescinded", "govuk-tag--green"),
}


@dataclass(frozen=True, slots=True)
class LotEffect:
    """One affected lot: each of the provider's settings there, invitable or not and why."""

    arrangement: str
    lot: str
    settings: list[tuple[str, SettingEligibility]]


async def _effects(portal: Portal, concern: Concern) -> list[LotEffect]:
    listed = await accounts.list_settings(portal.ctx, concern.provider_id, MAX_LIMIT, 0)
    names = {s.id: s.name for s in listed.items}
    effects = []
    for arrangement_id in sorted(concern.arrangement_ids):
        arrangement = await frameworks.get_arrangement(portal.ctx, arrangement_id)
        lots = await frameworks.list_lots(portal.ctx, arrangement_id, MAX_LIMIT, 0)
        for lot in lots.items:
            verdicts = await compliance.lot_eligibility(
                portal.ctx, lot.id, child_age=None, needs=(), setting_types=(), min_grade=None
            )
            mine = [(names.get(v.setting_id, f"Setting {v.setting_id}"), v) for v in verdicts]
            mine = [(n, v) for n, v in mine if v.provider_id == concern.provider_id]
            if mine:
                effects.append(LotEffect(arrangement.title, f"{lot.code}: {lot.title}", sorted(mine)))
    return effects


async def _provider_options(portal: Portal) -> list[tuple[str, str]]:
    """Providers with a place on an arrangement the council takes part in."""
    found = await frameworks.list_memberships(
        portal.ctx, MAX_LIMIT, 0, arrangement_id=None, lot_id=None, provider_id=None, status=None
    )
    names = await accounts.get_providers(portal.ctx, {m.provider_id for m in found.items})
    return sorted(((str(pid), p.legal_name) for pid, p in names.items()), key=lambda x: x[1])


async def _arrangement_options(portal: Portal) -> list[tuple[str, str]]:
    found = await frameworks.list_arrangements(portal.ctx, MAX_LIMIT, 0, None)
    return [(str(a.id), a.title) for a in sorted(found.items, key=lambda a: a.id)]


async def _form_page(portal: Portal, form: Form, status: int = 200) -> Template:
    return page(
        portal,
        "council/concerns/new.html",
        status_code=status,
        form=form,
        provider_options=await _provider_options(portal),
        arrangement_options=await _arrangement_options(portal),
        categories=[(c.value, w) for c, w in CATEGORY_WORDS.items()],
    )


async def _detail(portal: Portal, concern_id: int, form: Form, status: int = 200) -> Template:
    concern = await compliance.get_concern(portal.ctx, concern_id)
    provider = await accounts.get_provider(portal.ctx, concern.provider_id)
    issuer = await accounts.get_authority(portal.ctx, concern.issuing_authority_id)
    principal = portal.signed_in()
    titles = dict(await _arrangement_options(portal))
    return page(
        portal,
        "council/concerns/detail.html",
        status_code=status,
        concern=concern,
        provider=provider,
        issuer=issuer,
        ours=principal.org_id == concern.issuing_authority_id and principal.role in RAISERS,
        arrangement_titles=[titles.get(str(a), f"Arrangement {a}") for a in sorted(concern.arrangement_ids)],
        effects=await _effects(portal, concern),
        category_words=CATEGORY_WORDS,
        status_words=STATUS_WORDS,
        reason_words=reason_words,
        form=form,
    )


class CouncilConcernPages(Controller):
    path = BASE

    @get("/", name="council_concerns")
    async def index(self, portal: NamedDependency[Portal]) -> Template:
        """Concerns the council issued or that affect arrangements it takes part in, newest first."""
        portal.council_staff(*RAISERS)
        found = await compliance.list_concerns(portal.ctx, MAX_LIMIT, 0, None, None)
        items = sorted(found.items, key=lambda c: c.id, reverse=True)
        names = await accounts.get_providers(portal.ctx, {c.provider_id for c in items})
        return page(
            portal,
            "council/concerns/index.html",
            concerns=items,
            names={pid: p.legal_name for pid, p in names.items()},
            category_words=CATEGORY_WORDS,
            status_words=STATUS_WORDS,
        )

    @get("/new", name="council_concern_new")
    async def new(self, portal: NamedDependency[Portal]) -> Template:
        portal.council_staff(*RAISERS)
        return await _form_page(portal, Form(values={"arrangement_ids": [], "suspends": []}))

    @post("/new", status_code=303)
    async def create(self, portal: NamedDependency[Portal]) -> Template | Redirect:
        """Save the concern as a draft, or issue it to every member council and the provider now."""
        portal.council_staff(*RAISERS)
        form = Form.of(await portal.request.form(), multi=("arrangement_ids", "suspends"))
        provider = form.get("provider_id")
        if not provider.isdigit():
            form.error("provider_id", "Select the provider the concern is about")
        chosen = [int(x) for x in form.getall("arrangement_ids") if x.isdigit()]
        if not chosen:
            form.error("arrangement_ids", "Select at least one arrangement the concern affects")
        category = next((c for c in ConcernCategory if c.value == form.get("category")), None)
        if category is None:
            form.error("category", "Select the kind of concern")
        summary = form.required("summary", "Describe the concern")
        review_on = form.day_month_year("review_on", "review date", required=False)
        if form.ok and category is not None:
            try:
                data = msgspec.convert(
                    {
                        "provider_id": int(provider),
                        "category": category.value,
                        "arrangement_ids": chosen,
                        "summary": summary,
                        "actions_taken": form.get("actions_taken"),
                        "review_on": review_on.isoformat() if review_on else None,
                        "suspends_call_offs": "yes" in form.getall("suspends"),
                        "issue": form.get("action") == "issue",
                    },
                    ConcernIn,
                )
                created = await compliance.raise_concern(portal.ctx, data.to_domain())
            except msgspec.ValidationError as exc:
                shape_error(form, exc)
            except DomainError as exc:
                problem(form, exc, "provider_id")
            else:
                banner = "concern_issued" if created.status is ConcernStatus.ISSUED else "concern_saved"
                return redirect(portal, f"{BASE}/{created.id}", banner=banner)
        return await _form_page(portal, form, status=400)

    @get("/{concern_id:int}", name="council_concern")
    async def detail(self, portal: NamedDependency[Portal], concern_id: FromPath[int]) -> Template:
        portal.council_staff(*RAISERS)
        return await _detail(portal, concern_id, Form())

    @post("/{concern_id:int}/issue", status_code=303)
    async def issue(self, portal: NamedDependency[Portal], concern_id: FromPath[int]) -> Template | Redirect:
        """Share the draft with every member council of the affected arrangements and the provider."""
        portal.council_staff(*RAISERS)
        try:
            await compliance.issue_concern(portal.ctx, concern_id)
        except DomainError as exc:
            form = Form()
            problem(form, exc)
            return await _detail(portal, concern_id, form, status=400)
        return redirect(portal, f"{BASE}/{concern_id}", banner="concern_issued")

    @post("/{concern_id:int}/rescind", status_code=303)
    async def rescind(self, portal: NamedDependency[Portal], concern_id: FromPath[int]) -> Template | Redirect:
        """Withdraw the concern once rectified: the provider may be invited again."""
        portal.council_staff(*RAISERS)
        form = Form.of(await portal.request.form())
        reason = form.required("rescind_reason", "Give the reason for rescinding the concern")
        if form.ok:
            try:
                await compliance.rescind_concern(portal.ctx, concern_id, reason)
            except DomainError as exc:
                problem(form, exc, "rescind_reason")
            else:
                return redirect(portal, f"{BASE}/{concern_id}", banner="concern_rescinded")
        return await _detail(portal, concern_id, form, status=400)


CONTROLLERS: list[Any] = [CouncilConcernPages]
