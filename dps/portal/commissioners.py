"""Commissioners' placement requests (story 4): raise one for an anonymised child, see who would be
invited and why the others would not, publish it; while it is open, how many offers have come in
(never whose); once the deadline has passed, the offers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from dps.accounts.domain import MAX_AGE_SERVED, Need, OfstedGrade
from dps.compliance import public as compliance
from dps.compliance.domain.eligibility import SettingEligibility
from dps.core.auth import Role
from dps.core.dates import UK_TIME
from dps.core.errors import DomainError
from dps.core.pagination import MAX_LIMIT
from dps.frameworks import public as frameworks
from dps.frameworks.domain.arrangements import Arrangement, Lot
from dps.frameworks.public import Profile, get_profile
from dps.portal.forms import Form, date_fields, shape_error
from dps.portal.messages import explain
from dps.portal.web import Portal, page, redirect
from dps.tenders import public as tenders
from dps.tenders.domain.call_offs import CallOff, CallOffStatus, PlacementType, Sex, check_deadline
from dps.tenders.domain.placements import Placement
from dps.tenders.public import CALL_OFF_ARRANGEMENT_STATES, CallOffIn

BASE = "/council/placement-requests"
HOURS = list(range(7, 20))  # offers close on the hour, 7am to 7pm UK time
DEFAULT_HOUR = 12
DEFAULT_WEIGHTS = {"quality_weight": "40", "price_weight": "40", "proximity_weight": "20"}
PREVIEW_LIMIT = MAX_LIMIT

# Where a service's error belongs on this form (the API names fields by their place in the request).
FIELD_OF: dict[str, str] = {
    "needs": "essential_needs",
    "criteria.preferred_needs_weight": "preferred_needs_weight",
    "child.education_needs": "education_needs",
    "child.risks": "risks",
    "child.need_level": "need_level",
    "criteria.questions[0].text": "question",
    "lot_id": "lot",
    "arrangement_id": "lot",
}

# Why a setting would not be invited, in words (the detail beside it says which requirement, age...).
REASON_WORDS: dict[str, str] = {
    "no_membership": "Not a member of this lot",
    "membership_not_active": "Membership not active",
    "compliance_fail": "Due diligence not met",
    "compliance_missing": "Due diligence evidence missing",
    "compliance_expired": "Due diligence evidence expired",
    "compliance_review": "Due diligence under review",
    "live_concern": "A live concern suspends the provider",
    "grade_gateway": "Ofsted gateway not met",
    "setting_type": "Not the kind of setting asked for",
    "age": "Does not take children of this age",
    "needs": "Does not meet every essential need",
    "grade": "Ofsted grade below the minimum asked for",
}


def hour_words(hour: int) -> str:
    if hour == 12:
        return "12 noon"
    return f"{hour % 12 or 12}{'am' if hour < 12 else 'pm'}"


def reason_words(code: str) -> str:
    return REASON_WORDS.get(code, code.replace("_", " ").capitalize())


@dataclass(frozen=True, slots=True)
class LotChoice:
    arrangement: Arrangement
    lot: Lot
    profile: Profile

    @property
    def value(self) -> str:
        return f"{self.arrangement.id}:{self.lot.id}"

    @property
    def words(self) -> str:
        return f"{self.lot.code}: {self.lot.title} ({self.arrangement.title})"


@dataclass(frozen=True, slots=True)
class PreviewRow:
    """A member setting of the lot: whether it would be invited now, and every reason when not."""

    name: str
    distance_miles: float | None
    verdict: SettingEligibility | None


async def _lot_choices(portal: Portal) -> list[LotChoice]:
    """The lots of the arrangements the commissioner's council leads or joins that take call-offs."""
    principal = portal.council_staff(Role.COMMISSIONER)
    found = await frameworks.list_arrangements(portal.ctx, MAX_LIMIT, 0, None)
    choices: list[LotChoice] = []
    for arrangement in found.items:
        if arrangement.status not in CALL_OFF_ARRANGEMENT_STATES or not arrangement.is_member(principal.org_id or 0):
            continue
        lots = await frameworks.list_lots(portal.ctx, arrangement.id, MAX_LIMIT, 0)
        profile = get_profile(arrangement.profile_code)
        choices.extend(LotChoice(arrangement, lot, profile) for lot in lots.items)
    return choices


def _choices(lots: list[LotChoice]) -> dict[str, Any]:
    periods = sorted(
        {(c.profile.min_offer_period_days, c.profile.citations.get("min_offer_period_days", "")) for c in lots},
        key=lambda p: p[0] or 0,
    )
    return {
        "lots": lots,
        "needs": list(Need),
        "sexes": list(Sex),
        "placement_types": list(PlacementType),
        "need_levels": sorted({level for c in lots for level in c.lot.need_levels}),
        "grades": [g for g in OfstedGrade if not g.value.startswith("sa_")],
        "hours": [(str(h), hour_words(h)) for h in HOURS],
        "periods": [p for p in periods if p[0]],
    }


def _deadline(form: Form) -> datetime | None:
    """Offers close on the day and hour given, in UK time (GMT or BST, whichever that day has)."""
    day = form.day_month_year("deadline", "date offers close", required=True)
    hour = form.get("deadline_hour")
    if not hour.isdigit() or int(hour) not in HOURS:
        form.error("deadline", "Select the time offers close")
        return None
    if day is None:
        return None
    return datetime.combine(day, time(int(hour)), tzinfo=UK_TIME).astimezone(UTC)


def _read(form: Form, lots: list[LotChoice]) -> tuple[CallOffIn | None, LotChoice | None]:
    """The request from the form, with an error against each field that is not right."""
    title = form.required("title", "Enter a short title that does not identify the child")
    chosen = next((c for c in lots if c.value == form.get("lot")), None)
    if chosen is None:
        form.error("lot", "Select the lot to ask")
    age = form.whole_number("age", "Age", 0, MAX_AGE_SERVED)
    sex = form.get("sex")
    if sex not in {s.value for s in Sex}:
        form.error("sex", "Select the child's sex, or 'Not stated'")
    district = form.required("home_district", "Enter the first part of the child's home postcode, like M5")
    placement_type = form.get("placement_type")
    if placement_type not in {p.value for p in PlacementType}:
        form.error("placement_type", "Select the type of placement")
    start = form.day_month_year("start_date", "start date", required=True)
    essential, preferred = form.getall("essential_needs"), form.getall("preferred_needs")
    known = {n.value for n in Need}
    if any(n not in known for n in [*essential, *preferred]):
        form.error("essential_needs", "Select needs from the list")
    both = sorted(set(essential) & set(preferred))
    if both:
        form.error("preferred_needs", "A need is either essential or preferred: untick it in one of the lists")
    weights = {
        name: form.whole_number(name, what, 0, 100)
        for name, what in (
            ("quality_weight", "Quality weight"),
            ("price_weight", "Price weight"),
            ("proximity_weight", "Proximity weight"),
        )
    }
    preferred_weight = form.whole_number("preferred_needs_weight", "Weight of preferred needs", 0, 100)
    deadline = _deadline(form)
    urgent_reason = form.optional("urgent_reason")
    if not form.ok or chosen is None:
        return None, chosen
    question = form.optional("question")
    data = {
        "arrangement_id": chosen.arrangement.id,
        "lot_id": chosen.lot.id,
        "title": title,
        "child": {
            "age": age,
            "sex": sex,
            "needs": [{"need": n, "priority": "essential"} for n in essential]
            + [{"need": n, "priority": "preferred"} for n in preferred],
            "need_level": form.optional("need_level"),
            "home_district": district,
            "education_needs": form.get("education_needs"),
            "risks": form.get("risks"),
            "placement_type": placement_type,
            "start_date": start.isoformat() if start else None,
        },
        "criteria": {
            **{k: str(v) for k, v in weights.items()},
            "preferred_needs_weight": str(preferred_weight),
            "min_grade": form.optional("min_grade"),
            "questions": [{"text": question, "kind": "scored", "max_score": 5, "weight": "1"}] if question else [],
        },
        "deadline": deadline.isoformat() if deadline else None,
        "urgent_reason": urgent_reason,
    }
    try:
        return msgspec.convert(data, CallOffIn, strict=False), chosen
    except msgspec.ValidationError as exc:
        shape_error(form, exc, {"text": "question"})
        return None, chosen


def problem(form: Form, exc: DomainError, default_field: str = "_page") -> None:
    """A service's error beside the field of this form it is about."""
    found = explain(exc)
    name = found.field or default_field
    form.error(FIELD_OF.get(name, name), found.message)


def _values_of(call_off: CallOff) -> dict[str, Any]:
    """A draft's values as the form's, for "change"."""
    child, criteria = call_off.child, call_off.criteria
    local = call_off.deadline.astimezone(UK_TIME)
    return {
        "title": call_off.title,
        "lot": f"{call_off.arrangement_id}:{call_off.lot_id}",
        "age": str(child.age),
        "sex": child.sex.value,
        "home_district": child.home_district,
        "placement_type": child.placement_type.value,
        **date_fields("start_date", child.start_date),
        "essential_needs": sorted(n.value for n in child.needs),
        "preferred_needs": sorted(n.value for n in child.preferred_needs),
        "need_level": child.need_level or "",
        "education_needs": child.education_needs,
        "risks": child.risks,
        "quality_weight": f"{criteria.quality_weight:f}",
        "price_weight": f"{criteria.price_weight:f}",
        "proximity_weight": f"{criteria.proximity_weight:f}",
        "preferred_needs_weight": f"{criteria.preferred_needs_weight:f}",
        "min_grade": criteria.min_grade.value if criteria.min_grade else "",
        "question": criteria.questions[0].text if criteria.questions else "",
        **date_fields("deadline", local.date()),
        "deadline_hour": str(local.hour),
        "urgent_reason": call_off.urgent_reason or "",
    }


async def _preview(portal: Portal, call_off: CallOff) -> list[PreviewRow]:
    """Every member setting of the lot, nearest the child's home district first, with whether it
    would be invited if the request were published now and why not (the same eligibility rules
    that publishing applies)."""
    child, criteria = call_off.child, call_off.criteria
    members = await compliance.search_settings(
        portal.ctx,
        near=child.home_district,
        radius_miles=None,
        setting_types=[],
        age=None,
        needs=[],
        min_grade=None,
        lot_id=call_off.lot_id,
        eligible_only=False,
        limit=PREVIEW_LIMIT,
    )
    verdicts = {
        v.setting_id: v
        for v in await compliance.lot_eligibility(
            portal.ctx,
            call_off.lot_id,
            child_age=child.age,
            needs=[n.value for n in child.needs],
            setting_types=[t.value for t in criteria.setting_types],
            min_grade=criteria.min_grade,
        )
    }
    rows = [
        PreviewRow(m.setting.name, m.distance_miles, verdicts.get(m.setting.facts.setting_id, m.eligibility))
        for m in members
    ]
    return sorted(rows, key=lambda r: (not (r.verdict and r.verdict.eligible), r.distance_miles or 0.0, r.name))


async def _placement_of(portal: Portal, call_off: CallOff) -> Placement | None:
    """The placement an awarded request led to, once it has concluded."""
    if call_off.status is not CallOffStatus.CONCLUDED:
        return None
    found = await tenders.list_placements(
        portal.ctx, MAX_LIMIT, 0, authority_id=call_off.authority_id, provider_id=None, live=None
    )
    return next((p for p in found.items if p.call_off_id == call_off.id), None)


# The flags of pricing's fee check on an offer, in words.
FLAG_WORDS: dict[str, str] = {
    "above_ceiling": "Above the band's ceiling",
    "below_floor": "Below the band's floor",
    "above_rate_card": "Above the provider's rate card",
    "no_band": "No price band for this child",
    "no_rate_card": "No approved rate card",
}


def flag_words(flag: str) -> str:
    return FLAG_WORDS.get(flag, flag.replace("_", " ").capitalize())


class PlacementRequestPages(Controller):
    path = BASE

    @get("/", name="council_placement_requests")
    async def index(self, portal: NamedDependency[Portal]) -> Template:
        """The council's placement requests, newest first."""
        portal.council_staff(Role.COMMISSIONER)
        found = await tenders.list_call_offs(portal.ctx, MAX_LIMIT, 0, None)
        items = sorted(found.items, key=lambda c: c.id, reverse=True)
        return page(portal, "council/requests/index.html", requests=items)

    @get("/new", name="placement_request_new")
    async def new_form(self, portal: NamedDependency[Portal]) -> Template:
        lots = await _lot_choices(portal)
        values: dict[str, Any] = {
            **DEFAULT_WEIGHTS,
            "preferred_needs_weight": "0",
            "deadline_hour": str(DEFAULT_HOUR),
            "essential_needs": [],
            "preferred_needs": [],
        }
        if len(lots) == 1:
            values["lot"] = lots[0].value
        return page(portal, "council/requests/form.html", form=Form(values=values), call_off=None, **_choices(lots))

    @post("/new", status_code=303)
    async def create(self, portal: NamedDependency[Portal]) -> Template | Redirect:
        """Save the request as a draft, then show who it would go to."""
        lots = await _lot_choices(portal)
        form = Form.of(await portal.request.form(), multi=("essential_needs", "preferred_needs"))
        data, chosen = _read(form, lots)
        if data is not None and chosen is not None:
            try:
                # The period for offers is checked again when the request is published; checking it
                # now puts the problem beside the deadline while it is still being typed.
                check_deadline(
                    data.deadline,
                    portal.ctx.clock.now(),
                    profile_code=chosen.profile.code.value,
                    min_offer_period_days=chosen.profile.min_offer_period_days,
                    urgent_reason=data.urgent_reason,
                )
                created = await tenders.create_call_off(portal.ctx, data.to_domain())
            except DomainError as exc:
                problem(form, exc)
            else:
                return redirect(portal, f"{BASE}/{created.id}", banner="placement_request_saved")
        return page(portal, "council/requests/form.html", status_code=400, form=form, call_off=None, **_choices(lots))

    @get("/{call_off_id:int}", name="council_placement_request")
    async def detail(self, portal: NamedDependency[Portal], call_off_id: FromPath[int]) -> Template:
        """A draft with its preview; an open request's sealed state; a closed one's offers."""
        return await PlacementRequestPages._detail(portal, call_off_id, Form())

    @staticmethod
    async def _detail(portal: Portal, call_off_id: int, form: Form, status_code: int = 200) -> Template:
        """The request's page in whatever state it is, with `form`'s problems in its error summary."""
        portal.council_staff()
        view = await tenders.view_call_off(portal.ctx, call_off_id)
        call_off = view.call_off
        arrangement = await frameworks.get_arrangement(portal.ctx, call_off.arrangement_id)
        lots = await frameworks.list_lots(portal.ctx, call_off.arrangement_id, MAX_LIMIT, 0)
        lot = next(lot for lot in lots.items if lot.id == call_off.lot_id)
        context: dict[str, Any] = {
            "call_off": call_off,
            "arrangement": arrangement,
            "lot": lot,
            "profile": get_profile(arrangement.profile_code),
            "form": form,
            "reason_words": reason_words,
            "offer_period": offer_period_words(get_profile(arrangement.profile_code)),
        }
        if call_off.status is CallOffStatus.DRAFT:
            context["preview"] = await _preview(portal, call_off)
        else:
            invitations = (await tenders.list_invitations(portal.ctx, call_off_id, MAX_LIMIT, 0, None)).items
            listing = await tenders.list_offers(portal.ctx, call_off_id)
            context["invitations"] = invitations
            context["offers"] = listing
            context["setting_names"] = {i.setting_id: i.setting_name for i in invitations}
            context["ranked"] = sorted(
                (o for o in listing.items if o.score is not None and o.score.rank is not None),
                key=lambda o: (o.score.rank if o.score and o.score.rank else 0, o.offer.id),
            )
            context["placement"] = await _placement_of(portal, call_off)
            context["flag_words"] = flag_words
        return page(portal, "council/requests/detail.html", status_code=status_code, **context)

    @post("/{call_off_id:int}/publish", status_code=303)
    async def publish(self, portal: NamedDependency[Portal], call_off_id: FromPath[int]) -> Template | Redirect:
        """Invite every eligible setting now; offers are sealed until the deadline."""
        portal.council_staff(Role.COMMISSIONER)
        try:
            await tenders.publish_call_off(portal.ctx, call_off_id)
        except DomainError as exc:
            form = Form()
            problem(form, exc)
            return await PlacementRequestPages._detail(portal, call_off_id, form, status_code=400)
        return redirect(portal, f"{BASE}/{call_off_id}", banner="placement_request_published")


def offer_period_words(profile: Profile) -> str:
    """'at least 10 days from publication' or 'no minimum'."""
    days = profile.min_offer_period_days
    return f"at least {days} days from when you publish" if days else "no minimum period"


CONTROLLERS: list[Any] = [PlacementRequestPages]
