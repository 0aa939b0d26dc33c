"""Placement requests (call-offs) for an invited provider: an inbox of invitations showing the
anonymised child only, the deadline counting down in UK time, a sealed offer submitted after a
"check your offer" step that shows the fee checks, revised or withdrawn before the deadline,
clarification questions, and after the award the outcome with the offer's assessment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from dps.core.errors import DomainError, NotFound
from dps.core.pagination import MAX_LIMIT
from dps.portal.forms import Form, date_fields
from dps.portal.web import Portal, page, redirect
from dps.pricing.domain.fees import FeeCheck
from dps.pricing.public import check_offer_fee
from dps.tenders import public as tenders
from dps.tenders.domain.call_offs import CallOff, CallOffStatus
from dps.tenders.domain.offers import AdditionalService, Answer, Offer, OfferContent, OfferStatus
from dps.tenders.public import OfferView

EXTRA_SERVICES = 2  # rows for additional services on the offer form


def time_left(deadline: datetime, now: datetime) -> str:
    """'11 days and 4 hours left', '35 minutes left', or 'Closed'."""
    left = deadline - now
    if left <= timedelta(0):
        return "Closed"
    days, seconds = left.days, left.seconds
    hours, minutes = seconds // 3600, (seconds % 3600) // 60
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours or days:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if not days:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " and ".join(parts[:2]) + " left"


@dataclass(frozen=True, slots=True)
class Invitation:
    """One placement request as the invited provider sees it."""

    call_off: CallOff
    profile_withheld: bool
    settings: dict[int, str]  # the provider's invited settings: id -> name
    offers: list[OfferView]

    past_deadline: bool  # read at the time of the page (the sweep may not have closed it yet)

    @property
    def open(self) -> bool:
        return self.call_off.status is CallOffStatus.PUBLISHED and not self.past_deadline

    @property
    def live_offers(self) -> list[OfferView]:
        return [o for o in self.offers if o.offer.status is OfferStatus.SUBMITTED]


async def _invitation(portal: Portal, call_off_id: int) -> Invitation:
    """A request the provider was invited to (any other is not found)."""
    portal.provider_id()
    view = await tenders.view_call_off(portal.ctx, call_off_id)
    rows = (await tenders.list_invitations(portal.ctx, call_off_id, MAX_LIMIT, 0, True)).items
    if not rows:
        raise NotFound(f"call-off {call_off_id} does not exist", entity="call_off")
    listing = await tenders.list_offers(portal.ctx, call_off_id)
    return Invitation(
        view.call_off,
        view.profile_withheld,
        {r.setting_id: r.setting_name for r in rows},
        listing.items,
        view.past_deadline,
    )


def _offer_values(offer: Offer) -> dict[str, Any]:
    content = offer.content
    values: dict[str, Any] = {
        "setting_id": str(content.setting_id),
        "fee": _pounds_text(content.weekly_fee_pence),
        "notes": content.notes,
        "version": str(offer.version),
        **date_fields("start_date", content.start_date),
    }
    for answer in content.answers:
        values[f"answer-{answer.question_id}"] = answer.text
    for n, service in enumerate(content.additional_services, start=1):
        values[f"service-{n}"] = service.description
        values[f"service-{n}-fee"] = _pounds_text(service.weekly_fee_pence)
    return values


def _pounds_text(pence: int) -> str:
    return f"{pence / 100:.2f}".removesuffix(".00")


def _read_offer(form: Form, invitation: Invitation) -> OfferContent | None:
    """The offer typed on the form, or None with each problem recorded beside its field."""
    call_off = invitation.call_off
    setting = form.get("setting_id")
    if not setting.isdigit() or int(setting) not in invitation.settings:
        form.error("setting_id", "Select the setting you are offering")
    fee = form.pounds("fee", "Weekly fee")
    start = form.day_month_year("start_date", "start date", required=True)
    answers = []
    for question in call_off.criteria.questions:
        name = f"answer-{question.id}"
        text = form.required(name, f"Answer “{question.text}”")
        if len(text) > 20_000:
            form.error(name, "Your answer must be 20,000 characters or fewer")
        answers.append(Answer(question.id, text))
    services = []
    for n in range(1, EXTRA_SERVICES + 1):
        what = form.get(f"service-{n}")
        if what or form.get(f"service-{n}-fee"):
            if not what:
                form.error(f"service-{n}", "Describe the additional service")
            price = form.pounds(f"service-{n}-fee", "The weekly fee of the additional service")
            if what and price is not None:
                services.append(AdditionalService(what, price))
    if not form.ok or fee is None or start is None:
        return None
    return OfferContent(int(setting), fee, tuple(services), start, tuple(answers), form.get("notes"))


class PlacementRequestPages(Controller):
    path = "/placement-requests"

    @get("/", name="placement_requests")
    async def inbox(self, portal: NamedDependency[Portal]) -> Template:
        """Every request the provider was invited to, newest first, with the time left to offer."""
        portal.provider_id()
        views = (await tenders.list_call_off_views(portal.ctx, MAX_LIMIT, 0, None)).items
        now = portal.ctx.clock.now()
        rows = []
        for view in sorted(views, key=lambda v: v.call_off.id, reverse=True):
            listing = await tenders.list_offers(portal.ctx, view.call_off.id)
            rows.append((view, time_left(view.call_off.deadline, now), listing.submitted))
        return page(portal, "placement_requests/index.html", rows=rows)

    @get("/{call_off_id:int}", name="placement_request")
    async def detail(self, portal: NamedDependency[Portal], call_off_id: FromPath[int]) -> Template:
        return await self._detail(portal, await _invitation(portal, call_off_id), Form())

    async def _detail(self, portal: Portal, invitation: Invitation, form: Form, status: int = 200) -> Template:
        clarifications, _ = await tenders.list_clarifications(portal.ctx, invitation.call_off.id)
        awarded = invitation.call_off.awarded_offer_id
        return page(
            portal,
            "placement_requests/detail.html",
            status_code=status,
            form=form,
            invitation=invitation,
            call_off=invitation.call_off,
            left=time_left(invitation.call_off.deadline, portal.ctx.clock.now()),
            clarifications=clarifications,
            won=awarded is not None and any(o.offer.id == awarded for o in invitation.offers),
        )

    @post("/{call_off_id:int}/clarifications", status_code=303)
    async def ask(self, portal: NamedDependency[Portal], call_off_id: FromPath[int]) -> Template | Redirect:
        """Ask the council a question; the answer goes to every invited provider."""
        invitation = await _invitation(portal, call_off_id)
        form = Form.of(await portal.request.form())
        question = form.required("question", "Enter your question")
        if form.ok:
            try:
                await tenders.ask_clarification(portal.ctx, call_off_id, question)
            except DomainError as exc:
                form.problem(exc, "question")
            else:
                return redirect(portal, f"/placement-requests/{call_off_id}", banner="placement_question_asked")
        return await self._detail(portal, invitation, form, status=400)

    # --- the offer ----------------------------------------------------------------------------

    @get("/{call_off_id:int}/offer", name="make_offer")
    async def offer_form(self, portal: NamedDependency[Portal], call_off_id: FromPath[int]) -> Template:
        invitation = await _invitation(portal, call_off_id)
        values: dict[str, Any] = {**date_fields("start_date", invitation.call_off.child.start_date)}
        if len(invitation.settings) == 1:
            values["setting_id"] = str(next(iter(invitation.settings)))
        return self._offer_page(portal, invitation, Form(values=values), None)

    @get("/{call_off_id:int}/offers/{offer_id:int}", name="change_offer")
    async def change_form(
        self, portal: NamedDependency[Portal], call_off_id: FromPath[int], offer_id: FromPath[int]
    ) -> Template:
        invitation = await _invitation(portal, call_off_id)
        view = await tenders.get_offer(portal.ctx, call_off_id, offer_id)
        return self._offer_page(portal, invitation, Form(values=_offer_values(view.offer)), view.offer)

    def _offer_page(
        self, portal: Portal, invitation: Invitation, form: Form, offer: Offer | None, status: int = 200
    ) -> Template:
        return page(
            portal,
            "placement_requests/offer.html",
            status_code=status,
            form=form,
            invitation=invitation,
            call_off=invitation.call_off,
            offer=offer,
            extra_services=range(1, EXTRA_SERVICES + 1),
            left=time_left(invitation.call_off.deadline, portal.ctx.clock.now()),
        )

    @post("/{call_off_id:int}/offer", status_code=303)
    async def submit(self, portal: NamedDependency[Portal], call_off_id: FromPath[int]) -> Template | Redirect:
        """First the fee checks ("check your offer"), then, confirmed, the sealed offer."""
        return await self._post_offer(portal, call_off_id, None)

    @post("/{call_off_id:int}/offers/{offer_id:int}", status_code=303)
    async def revise(
        self, portal: NamedDependency[Portal], call_off_id: FromPath[int], offer_id: FromPath[int]
    ) -> Template | Redirect:
        view = await tenders.get_offer(portal.ctx, call_off_id, offer_id)  # the provider's own only
        return await self._post_offer(portal, call_off_id, view.offer)

    async def _post_offer(self, portal: Portal, call_off_id: int, offer: Offer | None) -> Template | Redirect:
        invitation = await _invitation(portal, call_off_id)
        form = Form.of(await portal.request.form())
        content = _read_offer(form, invitation)
        if content is None or form.get("confirm") == "change":
            return self._offer_page(portal, invitation, form, offer, status=400 if content is None else 200)
        if form.get("confirm") != "yes":
            return self._check_page(portal, invitation, form, offer, await self._fee_check(portal, invitation, content))
        try:
            if offer is None:
                await tenders.submit_offer(portal.ctx, call_off_id, content)
                banner = "offer_submitted"
            else:
                version = int(form.get("version") or 0)
                await tenders.revise_offer(portal.ctx, call_off_id, offer.id, version, content)
                banner = "offer_changed"
        except DomainError as exc:
            form.problem(exc, "_page")
            fee_check = await self._fee_check(portal, invitation, content)
            return self._check_page(portal, invitation, form, offer, fee_check, status=409)
        return redirect(portal, f"/placement-requests/{call_off_id}", banner=banner)

    async def _fee_check(self, portal: Portal, invitation: Invitation, content: OfferContent) -> FeeCheck:
        call_off = invitation.call_off
        return await check_offer_fee(
            lot_id=call_off.lot_id,
            provider_id=portal.provider_id(),
            age=call_off.child.age,
            need_level=call_off.child.need_level,
            weekly_fee_pence=content.weekly_fee_pence,
            on=content.start_date,
        )

    def _check_page(
        self,
        portal: Portal,
        invitation: Invitation,
        form: Form,
        offer: Offer | None,
        fee_check: FeeCheck,
        status: int = 200,
    ) -> Template:
        return page(
            portal,
            "placement_requests/check.html",
            status_code=status,
            form=form,
            invitation=invitation,
            call_off=invitation.call_off,
            offer=offer,
            fee=fee_check,
            hidden={k: v for k, v in form.values.items() if isinstance(v, str) and k != "confirm"},
            start_date=_start(form),
            extra_services=range(1, EXTRA_SERVICES + 1),
            left=time_left(invitation.call_off.deadline, portal.ctx.clock.now()),
        )

    @post("/{call_off_id:int}/offers/{offer_id:int}/withdraw", status_code=303)
    async def withdraw(
        self, portal: NamedDependency[Portal], call_off_id: FromPath[int], offer_id: FromPath[int]
    ) -> Template | Redirect:
        invitation = await _invitation(portal, call_off_id)
        try:
            await tenders.withdraw_offer(portal.ctx, call_off_id, offer_id)
        except DomainError as exc:
            form = Form()
            form.problem(exc, "_page")
            return await self._detail(portal, invitation, form, status=409)
        return redirect(portal, f"/placement-requests/{call_off_id}", banner="offer_withdrawn")


def _start(form: Form) -> date | None:
    probe = Form(values=dict(form.values))
    return probe.day_month_year("start_date", "start date", required=False)


CONTROLLERS: list[Any] = [PlacementRequestPages]
