"""Procurement officers' pricing (story 7): rate cards awaiting approval with each price's position
in its band, exception requests and abnormally low prices to review, approved or refused with
reasons; uplifts defined, previewed (every band and card before and after) and applied once, then
the fee variations of the live placements they change, made in one batch with what happened to each."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from dps.accounts import public as accounts
from dps.contracts import public as contracts
from dps.core.auth import Role
from dps.core.errors import DomainError
from dps.core.pagination import MAX_LIMIT
from dps.frameworks import public as frameworks
from dps.frameworks.domain.arrangements import Arrangement
from dps.portal.commissioners import problem
from dps.portal.forms import Form, shape_error
from dps.portal.web import Portal, page, redirect
from dps.pricing import public as pricing
from dps.pricing.domain.bands import BandKey, Position, PriceBand
from dps.pricing.domain.rate_cards import ExceptionStatus, RateCardStatus
from dps.pricing.domain.uplifts import UpliftMethod, UpliftStatus
from dps.pricing.public import ApproveIn, ExceptionDecisionIn, UpliftIn

CARDS = "/council/rate-cards"
UPLIFTS = "/council/uplifts"
COMPONENT_ROWS = 3  # index rows on the uplift form (a weighted uplift blends up to three here)

POSITION_WORDS: dict[Position, tuple[str, str]] = {
    Position.WITHIN: ("Within the band", "govuk-tag--green"),
    Position.ABOVE_CEILING: ("Above the ceiling", "govuk-tag--red"),
    Position.BELOW_FLOOR: ("Below the floor: abnormally low", "govuk-tag--yellow"),
}
EXCEPTION_WORDS: dict[ExceptionStatus, str] = {
    ExceptionStatus.REQUESTED: "Exception requested",
    ExceptionStatus.APPROVED: "Exception approved",
    ExceptionStatus.REJECTED: "Exception refused",
}
CARD_WORDS: dict[RateCardStatus, str] = {
    RateCardStatus.SUBMITTED: "Awaiting approval",
    RateCardStatus.APPROVED: "Approved",
    RateCardStatus.REJECTED: "Refused",
}


def percent(value: Decimal) -> str:
    """3.8000 as '3.8%' (no trailing zeros, never in exponent form)."""
    text = f"{value.normalize():f}"
    return f"{text}%"


def _officer(portal: Portal) -> None:
    portal.council_staff(Role.PROCUREMENT_OFFICER)


async def _names(portal: Portal, provider_ids: set[int]) -> dict[int, str]:
    found = await accounts.get_providers(portal.ctx, provider_ids)
    return {pid: p.legal_name for pid, p in found.items()}


async def _arrangement_titles(portal: Portal) -> dict[int, Arrangement]:
    found = await frameworks.list_arrangements(portal.ctx, MAX_LIMIT, 0, None)
    return {a.id: a for a in found.items}


@dataclass(frozen=True, slots=True)
class CardLine:
    """A price on a card beside its band's floor and ceiling."""

    line: Any
    band: PriceBand | None


async def _card_page(portal: Portal, card_id: int, form: Form, status: int = 200) -> Template:
    card = await pricing.get_rate_card(portal.ctx, card_id)
    arrangement = await frameworks.get_arrangement(portal.ctx, card.arrangement_id)
    lots = await frameworks.list_lots(portal.ctx, card.arrangement_id, MAX_LIMIT, 0)
    lot = next((x for x in lots.items if x.id == card.lot_id), None)
    bands = await pricing.list_bands(portal.ctx, card.arrangement_id, MAX_LIMIT, 0, card.lot_id, card.period.starts_on)
    by_key: dict[BandKey, PriceBand] = {b.key: b for b in bands.items}
    provider = await accounts.get_provider(portal.ctx, card.provider_id)
    lines = [CardLine(x, by_key.get(x.key)) for x in card.lines]
    return page(
        portal,
        "council/pricing/card.html",
        status_code=status,
        card=card,
        arrangement=arrangement,
        lot=lot,
        provider=provider,
        lines=lines,
        undecided=[x for x in card.lines if x.needs_exception and x.exception_status is ExceptionStatus.REQUESTED],
        low=[x for x in card.lines if x.abnormally_low],
        position_words=POSITION_WORDS,
        exception_words=EXCEPTION_WORDS,
        card_words=CARD_WORDS,
        submitted=card.status is RateCardStatus.SUBMITTED,
        form=form,
    )


def _version(form: Form) -> int:
    raw = form.get("version")
    return int(raw) if raw.isdigit() else 0


class RateCardPages(Controller):
    path = CARDS

    @get("/", name="council_rate_cards")
    async def index(self, portal: NamedDependency[Portal]) -> Template:
        """Rate cards waiting for the council's decision, oldest first."""
        _officer(portal)
        found = await pricing.list_rate_cards(
            portal.ctx,
            MAX_LIMIT,
            0,
            arrangement_id=None,
            lot_id=None,
            provider_id=None,
            status=RateCardStatus.SUBMITTED,
        )
        cards = sorted(found.items, key=lambda c: (c.submitted_at, c.id))
        return page(
            portal,
            "council/pricing/cards.html",
            cards=cards,
            names=await _names(portal, {c.provider_id for c in cards}),
            arrangements=await _arrangement_titles(portal),
        )

    @get("/{card_id:int}", name="council_rate_card")
    async def detail(self, portal: NamedDependency[Portal], card_id: FromPath[int]) -> Template:
        _officer(portal)
        return await _card_page(portal, card_id, Form())

    @post("/{card_id:int}/lines/{line_id:int}/exception", status_code=303)
    async def exception(
        self, portal: NamedDependency[Portal], card_id: FromPath[int], line_id: FromPath[int]
    ) -> Template | Redirect:
        """Approve or refuse one price's exception to the band's ceiling, with the reason."""
        _officer(portal)
        form = Form.of(await portal.request.form())
        choice = form.get(f"exception-{line_id}")
        if choice not in {"approve", "refuse"}:
            form.error(f"exception-{line_id}", "Select whether to approve or refuse the exception")
        reason = form.required(f"exception-reason-{line_id}", "Give the reason for the decision on the exception")
        if form.ok:
            try:
                await pricing.decide_exception(
                    portal.ctx,
                    card_id,
                    line_id,
                    _version(form),
                    ExceptionDecisionIn(approve=choice == "approve", reason=reason).to_domain(),
                )
            except DomainError as exc:
                problem(form, exc, f"exception-{line_id}")
            else:
                return redirect(portal, f"{CARDS}/{card_id}", banner="exception_decided")
        return await _card_page(portal, card_id, form, status=400)

    @post("/{card_id:int}/approve", status_code=303)
    async def approve(self, portal: NamedDependency[Portal], card_id: FromPath[int]) -> Template | Redirect:
        """Approve the card: it sets the provider's prices for the lot from its first day."""
        _officer(portal)
        form = Form.of(await portal.request.form())
        try:
            await pricing.approve_rate_card(
                portal.ctx,
                card_id,
                _version(form),
                ApproveIn(
                    note=form.optional("note"), abnormally_low_review=form.optional("abnormally_low_review")
                ).to_domain(),
            )
        except DomainError as exc:
            problem(form, exc)
        else:
            return redirect(portal, CARDS, banner="rate_card_approved")
        return await _card_page(portal, card_id, form, status=400)

    @post("/{card_id:int}/reject", status_code=303)
    async def reject(self, portal: NamedDependency[Portal], card_id: FromPath[int]) -> Template | Redirect:
        """Refuse the card with the reason; the provider may propose another."""
        _officer(portal)
        form = Form.of(await portal.request.form())
        reason = form.required("reject_reason", "Give the reason for refusing the rate card")
        if form.ok:
            try:
                await pricing.reject_rate_card(portal.ctx, card_id, _version(form), reason)
            except DomainError as exc:
                problem(form, exc, "reject_reason")
            else:
                return redirect(portal, CARDS, banner="rate_card_rejected")
        return await _card_page(portal, card_id, form, status=400)


# --- uplifts ---------------------------------------------------------------------------------


def _percentage(form: Form, name: str, what: str) -> Decimal | None:
    raw = form.get(name).removesuffix("%").strip()
    if not raw:
        form.error(name, f"Enter the {what.lower()}")
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        form.error(name, f"{what} must be a number, like 3.8")
        return None
    if not value.is_finite():
        form.error(name, f"{what} must be a number, like 3.8")
        return None
    return value


async def _uplifts_page(portal: Portal, form: Form, status: int = 200) -> Template:
    found = await pricing.list_uplifts(portal.ctx, MAX_LIMIT, 0, None)
    titles = await _arrangement_titles(portal)
    principal = portal.signed_in()
    led = [(str(a.id), a.title) for a in titles.values() if a.lead_authority_id == principal.org_id]
    return page(
        portal,
        "council/pricing/uplifts.html",
        status_code=status,
        uplifts=sorted(found.items, key=lambda u: u.id, reverse=True),
        arrangements=titles,
        arrangement_options=led,
        rows=range(1, COMPONENT_ROWS + 1),
        percent=percent,
        form=form,
    )


async def _uplift_page(portal: Portal, uplift_id: int, form: Form, status: int = 200) -> Template:
    uplift = await pricing.get_uplift(portal.ctx, uplift_id)
    arrangement = await frameworks.get_arrangement(portal.ctx, uplift.arrangement_id)
    plan = await pricing.preview_uplift(portal.ctx, uplift_id) if uplift.status is UpliftStatus.DRAFT else None
    lots = await frameworks.list_lots(portal.ctx, uplift.arrangement_id, MAX_LIMIT, 0)
    names = await _names(portal, {c.before.provider_id for c in plan.cards}) if plan else {}
    return page(
        portal,
        "council/pricing/uplift.html",
        status_code=status,
        uplift=uplift,
        arrangement=arrangement,
        plan=plan,
        lots={x.id: x.code for x in lots.items},
        names=names,
        applied=uplift.status is UpliftStatus.APPLIED,
        percent=percent,
        form=form,
    )


class UpliftPages(Controller):
    path = UPLIFTS

    @get("/", name="council_uplifts")
    async def index(self, portal: NamedDependency[Portal]) -> Template:
        _officer(portal)
        return await _uplifts_page(portal, Form(values={"method": "flat"}))

    @post("/", status_code=303)
    async def define(self, portal: NamedDependency[Portal]) -> Template | Redirect:
        """A draft uplift: nothing changes until it is previewed and applied."""
        _officer(portal)
        form = Form.of(await portal.request.form())
        arrangement = form.get("arrangement_id")
        if not arrangement.isdigit():
            form.error("arrangement_id", "Select the arrangement to uplift")
        description = form.required("description", "Describe the uplift, like Annual uplift 2027 to 2028")
        effective_on = form.day_month_year("effective_on", "date the new prices start", required=True)
        method = next((m for m in UpliftMethod if m.value == form.get("method")), None)
        flat: Decimal | None = None
        components: list[dict[str, str]] = []
        if method is UpliftMethod.FLAT:
            flat = _percentage(form, "flat_percentage", "Percentage")
        elif method is UpliftMethod.WEIGHTED_INDEX:
            for n in range(1, COMPONENT_ROWS + 1):
                index = form.get(f"index-{n}")
                if not index:
                    continue
                weight = _percentage(form, f"weight-{n}", f"Weight of {index}")
                rate = _percentage(form, f"rate-{n}", f"Change in {index}")
                if weight is not None and rate is not None:
                    components.append({"index": index, "weight": str(weight), "rate": str(rate)})
            if not components and "index-1" not in form.errors:
                form.error("index-1", "Enter at least one index with its weight and rate")
        else:
            form.error("method", "Select how the uplift is worked out")
        if form.ok and effective_on is not None:
            try:
                data = msgspec.convert(
                    {
                        "arrangement_id": int(arrangement),
                        "description": description,
                        "effective_on": effective_on.isoformat(),
                        "method": method.value if method else "",
                        "flat_percentage": str(flat) if flat is not None else None,
                        "components": components,
                    },
                    UpliftIn,
                )
                uplift = await pricing.define_uplift(portal.ctx, data.to_domain())
            except msgspec.ValidationError as exc:
                shape_error(form, exc)
            except DomainError as exc:
                problem(form, exc, "method")
            else:
                return redirect(portal, f"{UPLIFTS}/{uplift.id}", banner="uplift_defined")
        return await _uplifts_page(portal, form, status=400)

    @get("/{uplift_id:int}", name="council_uplift")
    async def detail(self, portal: NamedDependency[Portal], uplift_id: FromPath[int]) -> Template:
        """A draft's preview (every band and card before and after), or an applied uplift."""
        _officer(portal)
        return await _uplift_page(portal, uplift_id, Form())

    @post("/{uplift_id:int}/apply", status_code=303)
    async def apply(self, portal: NamedDependency[Portal], uplift_id: FromPath[int]) -> Template | Redirect:
        """Apply once: the bands and cards shown in the preview end the day before; new ones start."""
        _officer(portal)
        form = Form.of(await portal.request.form())
        if form.get("confirm") != "yes":
            form.error("confirm", "Confirm that you have checked the new prices")
        if form.ok:
            try:
                await pricing.apply_uplift(portal.ctx, uplift_id)
            except DomainError as exc:
                problem(form, exc)
            else:
                return redirect(portal, f"{UPLIFTS}/{uplift_id}", banner="uplift_applied")
        return await _uplift_page(portal, uplift_id, form, status=400)

    @post("/{uplift_id:int}/variations")
    async def variations(self, portal: NamedDependency[Portal], uplift_id: FromPath[int]) -> Template:
        """Make one draft fee variation per live placement the uplift changes, in one batch, and
        show what happened to each (made again, nothing new is made: each placement is varied once)."""
        _officer(portal)
        try:
            made = await contracts.issue_fee_variations_for_uplift(portal.ctx, uplift_id)
        except DomainError as exc:
            form = Form()
            problem(form, exc)
            return await _uplift_page(portal, uplift_id, form, status=400)
        uplift = await pricing.get_uplift(portal.ctx, uplift_id)
        return page(
            portal,
            "council/pricing/variations.html",
            uplift=uplift,
            made=made,
            names=await _names(portal, {c.provider_id for c in made.created}),
        )


CONTROLLERS: list[Any] = [RateCardPages, UpliftPages]
