"""Ofsted judgements and quality visits for council staff (DESIGN.md, compliance; stories 5 and 6):
the settings of the providers on the council's arrangements; one setting's latest judgement, the
form a procurement officer records a new one with, and what it does to the setting's eligibility
for new placement requests; the quality visits (Forms B-D, Eastern consortium model) recorded for
it, with the action plan their findings opened, followed up and closed by the recording council."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from dps.accounts import public as accounts
from dps.accounts.domain import FOUR_POINT_GRADES, OfstedGrade, Setting, SettingType
from dps.compliance import public as compliance
from dps.compliance.domain.concerns import ActionStatus, VisitForm
from dps.compliance.domain.eligibility import SettingEligibility
from dps.compliance.domain.visits import ActionItem, Visit
from dps.compliance.public import OfstedJudgementIn, VisitIn
from dps.core.auth import Role
from dps.core.errors import DomainError, NotFound
from dps.core.pagination import MAX_LIMIT
from dps.frameworks import public as frameworks
from dps.frameworks.domain.applications import Membership
from dps.portal.commissioners import reason_words
from dps.portal.council_compliance import MEMBERSHIP_WORDS
from dps.portal.forms import Form, shape_error
from dps.portal.messages import explain
from dps.portal.visit_forms import (
    ACTION_MOVES,
    ACTION_WORDS,
    CHECKLIST,
    COUNCIL_FORMS,
    FINDING_ROWS,
    FORM_C_QUESTIONS,
    FORM_WORDS,
    OUTCOME_ROWS,
    DetailLine,
    details_of,
    visit_body,
)
from dps.portal.web import Portal, page, redirect

BASE = "/council/quality"
# Who records and reads visits (compliance.access.VISITORS; the service checks it again).
READERS = (Role.PROCUREMENT_OFFICER, Role.EVALUATOR, Role.COMMISSIONER)
WITHDRAWN = "withdrawn"
# Where a service's error belongs on these forms (the services name the setting's own fields).
FIELD_OF = {"last_inspection_date": "inspection_date", "ofsted_grade": "grade"}


def problem(form: Form, exc: DomainError, default_field: str = "_page") -> None:
    found = explain(exc)
    name = found.field or default_field
    form.error(FIELD_OF.get(name, name), found.message)


def grade_options(setting_type: SettingType) -> list[tuple[str, OfstedGrade]]:
    """The judgements on the setting's scale: supported accommodation's outcomes 1-3, else the four points."""
    if setting_type is SettingType.SUPPORTED_ACCOMMODATION:
        grades = [OfstedGrade.SA_OUTCOME_1, OfstedGrade.SA_OUTCOME_2, OfstedGrade.SA_OUTCOME_3]
    else:
        grades = [g for g in OfstedGrade if g in FOUR_POINT_GRADES]
    return [(g.value, g) for g in grades]


@dataclass(frozen=True, slots=True)
class VisitView:
    visit: Visit
    title: str
    lines: list[DetailLine]
    actions: list[ActionItem]


@dataclass(frozen=True, slots=True)
class ActionView:
    action: ActionItem
    visit: Visit
    overdue: bool
    ours: bool  # the signed-in person's council recorded the visit, so it follows the action up


@dataclass(frozen=True, slots=True)
class LotVerdict:
    lot: str
    membership: Membership
    verdict: SettingEligibility | None


async def _setting(portal: Portal, provider_id: int, setting_id: int) -> Setting:
    return await accounts.get_setting(portal.ctx, provider_id, setting_id)


async def visits_of(portal: Portal, setting: Setting) -> tuple[list[VisitView], list[ActionView]]:
    """Every form recorded for the setting, newest first, and the action plan, soonest due first."""
    found, actions = await compliance.list_visits(portal.ctx, setting.id)
    today = portal.ctx.clock.now().date()
    org = portal.signed_in().org_id
    views = [
        VisitView(v, FORM_WORDS[v.form][0], details_of(v.form, v.details), [a for a in actions if a.visit_id == v.id])
        for v in sorted(found, key=lambda v: (v.visited_on, v.id), reverse=True)
    ]
    by_id = {v.id: v for v in found}
    plan = [
        ActionView(
            a,
            by_id[a.visit_id],
            overdue=a.status is not ActionStatus.DONE and a.due_on < today,
            ours=by_id[a.visit_id].authority_id == org,
        )
        for a in actions
    ]
    plan.sort(key=lambda x: (x.action.status is ActionStatus.DONE, x.action.due_on, x.action.id))
    return views, plan


async def _eligibility(portal: Portal, setting: Setting) -> list[LotVerdict]:
    """Per lot the provider holds a place on (in the council's arrangements): may this setting be
    invited to a new placement request there, and why not."""
    found = await frameworks.list_memberships(
        portal.ctx, MAX_LIMIT, 0, arrangement_id=None, lot_id=None, provider_id=setting.provider_id, status=None
    )
    verdicts = []
    titles: dict[int, str] = {}
    for membership in sorted(found.items, key=lambda m: m.id):
        if membership.arrangement_id not in titles:
            arrangement = await frameworks.get_arrangement(portal.ctx, membership.arrangement_id)
            lots = await frameworks.list_lots(portal.ctx, arrangement.id, MAX_LIMIT, 0)
            titles.update({lot.id: f"{lot.code}: {lot.title} ({arrangement.title})" for lot in lots.items})
            titles[membership.arrangement_id] = arrangement.title
        eligible = await compliance.lot_eligibility(
            portal.ctx, membership.lot_id, child_age=None, needs=(), setting_types=(), min_grade=None
        )
        mine = next((v for v in eligible if v.setting_id == setting.id), None)
        verdicts.append(LotVerdict(titles.get(membership.lot_id, f"Lot {membership.lot_id}"), membership, mine))
    return verdicts


async def _setting_page(
    portal: Portal, provider_id: int, setting_id: int, form: Form | None = None, status: int = 200
) -> Template:
    setting = await _setting(portal, provider_id, setting_id)
    provider = await accounts.get_provider(portal.ctx, provider_id)
    views, plan = await visits_of(portal, setting)
    principal = portal.signed_in()
    return page(
        portal,
        "council/visits/setting.html",
        status_code=status,
        provider=provider,
        setting=setting,
        visits=views,
        plan=plan,
        eligibility=await _eligibility(portal, setting),
        officer=principal.role is Role.PROCUREMENT_OFFICER,
        grade_options=grade_options(setting.setting_type),
        withdrawn=WITHDRAWN,
        council_forms=[(f, FORM_WORDS[f]) for f in COUNCIL_FORMS],
        action_words=ACTION_WORDS,
        action_moves=ACTION_MOVES,
        membership_words=MEMBERSHIP_WORDS,
        reason_words=reason_words,
        form=form or Form(),
        base=f"{BASE}/providers/{provider_id}/settings/{setting_id}",
    )


async def _visit_form_page(
    portal: Portal, provider_id: int, setting_id: int, which: VisitForm, form: Form, status: int = 200
) -> Template:
    setting = await _setting(portal, provider_id, setting_id)
    provider = await accounts.get_provider(portal.ctx, provider_id)
    return page(
        portal,
        "council/visits/new.html",
        status_code=status,
        provider=provider,
        setting=setting,
        which=which,
        words=FORM_WORDS[which],
        checklist=CHECKLIST,
        questions=FORM_C_QUESTIONS,
        finding_rows=range(1, FINDING_ROWS + 1),
        outcome_rows=range(1, OUTCOME_ROWS + 1),
        form=form,
        base=f"{BASE}/providers/{provider_id}/settings/{setting_id}",
    )


def _council_form(raw: str) -> VisitForm:
    which = next((f for f in COUNCIL_FORMS if f.value == raw.upper()), None)
    if which is None:
        raise NotFound(f"there is no council visit form {raw!r}", entity="page")
    return which


class QualityPages(Controller):
    path = BASE

    @get("/", name="council_quality")
    async def index(self, portal: NamedDependency[Portal]) -> Template:
        """The settings of every provider on the council's arrangements: Ofsted grade and open actions."""
        portal.council_staff(*READERS)
        found = await frameworks.list_memberships(
            portal.ctx, MAX_LIMIT, 0, arrangement_id=None, lot_id=None, provider_id=None, status=None
        )
        names = await accounts.get_providers(portal.ctx, {m.provider_id for m in found.items})
        rows: list[tuple[str, Setting, int, int]] = []
        today = portal.ctx.clock.now().date()
        for provider_id, provider in sorted(names.items(), key=lambda x: x[1].legal_name):
            settings = await accounts.list_settings(portal.ctx, provider_id, MAX_LIMIT, 0)
            for setting in settings.items:
                _, actions = await compliance.list_visits(portal.ctx, setting.id)
                open_actions = [a for a in actions if a.status is not ActionStatus.DONE]
                overdue = sum(1 for a in open_actions if a.due_on < today)
                rows.append((provider.legal_name, setting, len(open_actions), overdue))
        return page(portal, "council/visits/index.html", rows=rows, base=BASE)

    @get("/providers/{provider_id:int}/settings/{setting_id:int}", name="council_setting_quality")
    async def setting(
        self, portal: NamedDependency[Portal], provider_id: FromPath[int], setting_id: FromPath[int]
    ) -> Template:
        """One setting: its latest Ofsted judgement, its eligibility, its visits and action plan."""
        portal.council_staff(*READERS)
        return await _setting_page(portal, provider_id, setting_id)

    @post("/providers/{provider_id:int}/settings/{setting_id:int}/ofsted", status_code=303)
    async def record_judgement(
        self, portal: NamedDependency[Portal], provider_id: FromPath[int], setting_id: FromPath[int]
    ) -> Template | Redirect:
        """Record a new Ofsted judgement (or a withdrawn registration); the service suspends and
        raises a concern where the arrangement's Ofsted requirement says so."""
        portal.council_staff(Role.PROCUREMENT_OFFICER)
        setting = await _setting(portal, provider_id, setting_id)
        form = Form.of(await portal.request.form())
        chosen = form.get("grade")
        grades = dict(grade_options(setting.setting_type))
        if chosen != WITHDRAWN and chosen not in grades:
            form.error("grade", "Select the judgement, or that the registration was withdrawn")
        inspected = form.day_month_year("inspection_date", "date of the inspection", required=True)
        if form.ok:
            try:
                outcome = await compliance.record_ofsted_judgement(
                    portal.ctx,
                    setting_id,
                    OfstedJudgementIn(
                        grade=grades.get(chosen), inspection_date=inspected, registration_withdrawn=chosen == WITHDRAWN
                    ).to_domain(),
                )
            except DomainError as exc:
                problem(form, exc, "grade")
            else:
                suspended = outcome.suspended_membership_ids or outcome.concern_ids
                banner = "ofsted_suspended" if suspended else "ofsted_recorded"
                return redirect(portal, f"{BASE}/providers/{provider_id}/settings/{setting_id}", banner=banner)
        return await _setting_page(portal, provider_id, setting_id, form, status=400)

    @get("/providers/{provider_id:int}/settings/{setting_id:int}/visits/new", name="council_visit_new")
    async def new_visit(
        self,
        portal: NamedDependency[Portal],
        provider_id: FromPath[int],
        setting_id: FromPath[int],
        form: FromQuery[str] = "B",
    ) -> Template:
        portal.council_staff(*READERS)
        which = _council_form(form)
        return await _visit_form_page(portal, provider_id, setting_id, which, Form(values={"verified": []}))

    @post("/providers/{provider_id:int}/settings/{setting_id:int}/visits/new", status_code=303)
    async def record_visit(
        self,
        portal: NamedDependency[Portal],
        provider_id: FromPath[int],
        setting_id: FromPath[int],
        form: FromQuery[str] = "B",
    ) -> Template | Redirect:
        """Record one form for the setting, once, for every council to see; findings open actions."""
        portal.council_staff(*READERS)
        which = _council_form(form)
        await _setting(portal, provider_id, setting_id)  # another provider's setting is not found
        posted = Form.of(await portal.request.form(), multi=("verified",))
        body = visit_body(posted, which)
        if posted.ok:
            try:
                await compliance.record_visit(portal.ctx, setting_id, msgspec.convert(body, VisitIn).to_domain())
            except msgspec.ValidationError as exc:
                shape_error(posted, exc, {"due_on": "due-1", "finding": "finding-1", "owner": "owner-1"})
            except DomainError as exc:
                problem(posted, exc, "visited_on")
            else:
                return redirect(
                    portal, f"{BASE}/providers/{provider_id}/settings/{setting_id}", banner="visit_recorded"
                )
        return await _visit_form_page(portal, provider_id, setting_id, which, posted, status=400)

    @post("/providers/{provider_id:int}/settings/{setting_id:int}/actions/{action_id:int}", status_code=303)
    async def move_action(
        self,
        portal: NamedDependency[Portal],
        provider_id: FromPath[int],
        setting_id: FromPath[int],
        action_id: FromPath[int],
    ) -> Template | Redirect:
        """Follow an action up: start it, close it as done, or reopen it."""
        portal.council_staff(*READERS)
        await _setting(portal, provider_id, setting_id)
        form = Form.of(await portal.request.form())
        target = next((s for s in ActionStatus if s.value == form.get("status")), None)
        if target is None:
            form.error("_page", "Choose what to do with the action")
        else:
            try:
                await compliance.move_action(portal.ctx, action_id, target)
            except DomainError as exc:
                problem(form, exc)
            else:
                return redirect(
                    portal, f"{BASE}/providers/{provider_id}/settings/{setting_id}#action-plan", banner="action_moved"
                )
        return await _setting_page(portal, provider_id, setting_id, form, status=400)


CONTROLLERS: list[Any] = [QualityPages]
