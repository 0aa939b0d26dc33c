"""Procurement officers set up an arrangement (story 1) as a task list: the profile and its numbers,
the member councils, application windows, then "check before publishing" and publish. Lots, price
bands and additional services are in `setup_lots`; the questionnaire and the compliance
requirements in `setup_questions`. Every page calls the packages' services, never the JSON API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from dps.accounts import public as accounts
from dps.compliance import public as compliance
from dps.core.auth import Role
from dps.core.dates import UK_TIME
from dps.core.errors import DomainError, NotFound, RuleViolation
from dps.core.pagination import MAX_LIMIT
from dps.frameworks import public as frameworks
from dps.frameworks.codes import FrameworkCode
from dps.frameworks.domain.arrangements import (
    DEFAULT_QUALITY_THRESHOLD,
    Arrangement,
    ArrangementStatus,
    PublishingCheck,
    ServiceType,
    publishing_gaps,
)
from dps.frameworks.public import (
    PROFILES,
    ArrangementIn,
    ArrangementPatch,
    JoiningRule,
    Profile,
    ProfileCode,
    WindowIn,
    get_profile,
)
from dps.portal.forms import Form, shape_error
from dps.portal.messages import explain
from dps.portal.templating import long_date
from dps.portal.web import Portal, page, redirect
from dps.pricing import public as pricing

T = TypeVar("T")

BASE = "/council/arrangements"
# A window opens at 9am UK time on its first day and closes at 5pm on its last (office hours).
WINDOW_OPENS_AT = time(9, 0)
WINDOW_CLOSES_AT = time(17, 0)

# What each publishing check is called on the "check before publishing" page, and where it is fixed.
CHECK_WORDS: dict[PublishingCheck, tuple[str, str]] = {
    PublishingCheck.QUESTIONNAIRE: ("The questionnaire has no questions", "questions"),
    PublishingCheck.COMPLIANCE_REQUIREMENTS: ("No compliance requirements are set", "requirements"),
    PublishingCheck.PRICE_BANDS: ("Some lots have no price bands", "price-bands"),
}


def officer(portal: Portal) -> None:
    portal.council_staff(Role.PROCUREMENT_OFFICER)


async def managed(portal: Portal, arrangement_id: int) -> Arrangement:
    """The arrangement, for its lead authority's procurement officers (not found for anyone else,
    including the officers of its member councils: the services let only the lead change it)."""
    principal = portal.council_staff(Role.PROCUREMENT_OFFICER)
    arrangement = await frameworks.get_arrangement(portal.ctx, arrangement_id)
    if arrangement.lead_authority_id != principal.org_id:
        raise NotFound("only the lead authority sets up an arrangement", entity="arrangement")
    return arrangement


def setup_path(arrangement_id: int, task: str = "") -> str:
    return f"{BASE}/{arrangement_id}" + (f"/{task}" if task else "")


def profile_numbers(profile: Profile, arrangement: Arrangement | None = None) -> list[tuple[str, str]]:
    """A profile's numbers in words: decision days, minimum offer period, standstill, term limit."""
    days = arrangement.decision_period_days if arrangement and arrangement.decision_period_days else None
    unit = "working days" if profile.decision_period_unit.value == "working_days" else "days"
    if days is not None:
        decision = f"{days} {unit} (set for this arrangement)"
    elif profile.decision_period is not None:
        decision = f"{profile.decision_period} {unit}"
        if profile.decision_extension_to:
            decision += f", extendable once to {profile.decision_extension_to} with a recorded reason"
    else:
        decision = "Set by the consortium for each arrangement"
    if profile.fixed_end_date is not None:
        term = f"Must end by {profile.fixed_end_date.day} {profile.fixed_end_date:%B %Y}"
    elif profile.max_term_years is not None:
        counted = "the first award" if profile.max_term_counted_from.value == "first_award" else "the start"
        term = f"At most {profile.max_term_years} years from {counted}"
    else:
        term = "Set by the consortium"
    joining = {
        JoiningRule.ANY_TIME: "At any time while it is open",
        JoiningRule.REOPENING_WINDOWS: "Only in published application windows",
        JoiningRule.CLOSED_AFTER_AWARD: "Closed to new suppliers after the award",
    }[profile.joining]
    return [
        ("Rules", profile.regime),
        ("Providers may apply", joining),
        ("Decision on an application", decision),
        (
            "Minimum period for offers",
            f"{profile.min_offer_period_days} days" if profile.min_offer_period_days else "None set by law",
        ),
        (
            "Standstill after an award",
            f"{profile.standstill_working_days} working days" if profile.standstill_working_days else "None",
        ),
        ("Term limit", term),
    ]


DONE = frozenset({"Completed", "Not needed", "Waived", "Optional"})


@dataclass(frozen=True, slots=True)
class SetupTask:
    """One row of the set-up task list."""

    title: str
    href: str | None
    status: str  # "Completed", "Incomplete", "Not yet started", "Cannot start yet", "Not needed", "Waived"
    hint: str = ""

    def item(self) -> dict[str, Any]:
        """The Design System task list's item for this task."""
        done = self.status in DONE
        status: dict[str, Any] = {"text": self.status, "classes": "govuk-task-list__status--cannot-start-yet"}
        if done:
            status = {"text": self.status}
        elif self.status in {"Not yet started", "Incomplete"}:
            status = {"tag": {"text": self.status, "classes": "govuk-tag--blue" if self.status == "Incomplete" else ""}}
        item: dict[str, Any] = {"title": {"text": self.title}, "status": status}
        if self.href:
            item["href"] = self.href
        if self.hint:
            item["hint"] = {"text": self.hint}
        return item


def _count(n: int, one: str, many: str) -> str:
    if n == 0:
        return f"No {many} yet"
    return f"{n} {one if n == 1 else many}"


async def tasks(portal: Portal, arrangement: Arrangement) -> list[SetupTask]:
    """Each part of the set-up with how far it has got."""
    ctx, a = portal.ctx, arrangement
    profile = get_profile(a.profile_code)
    lots = (await frameworks.list_lots(ctx, a.id, MAX_LIMIT, 0)).items
    questions = await frameworks.list_questions(ctx, a.id)
    requirements = await compliance.list_requirements(ctx, a.id)
    bands = (await pricing.list_bands(ctx, a.id, MAX_LIMIT, 0, None, None)).items
    services = await pricing.list_services(ctx, a.id)
    priced = {b.lot_id for b in bands}
    offered = [lot for lot in lots if not lot.withdrawn]

    def waivable(check: PublishingCheck, done: bool, started: bool) -> str:
        if done:
            return "Completed"
        if a.waived(check):
            return "Waived"
        return "Incomplete" if started else "Not yet started"

    def hint(check: PublishingCheck, counted: str) -> str:
        """The count, or the recorded reason once the check is waived and not met."""
        waiver = next((w for w in a.waivers if w.check is check), None)
        return f"Published without them: {waiver.reason}" if waiver and counted.startswith("No ") else counted

    if not offered:
        band_status = "Cannot start yet"
    else:
        band_status = waivable(PublishingCheck.PRICE_BANDS, all(lot.id in priced for lot in offered), bool(priced))
    windows_needed = profile.joining is JoiningRule.REOPENING_WINDOWS
    return [
        SetupTask("Profile and term", setup_path(a.id, "profile"), "Completed", profile.title),
        SetupTask(
            "Member councils",
            setup_path(a.id, "members"),
            "Completed" if a.member_authority_ids else "Not yet started",
            _count(len(a.member_authority_ids), "council besides the lead", "councils besides the lead"),
        ),
        SetupTask(
            "Lots, age bands and need levels",
            setup_path(a.id, "lots"),
            "Completed" if offered else "Not yet started",
            _count(len(offered), "lot", "lots"),
        ),
        SetupTask(
            "Questionnaire",
            setup_path(a.id, "questions"),
            waivable(PublishingCheck.QUESTIONNAIRE, bool(questions), False),
            hint(PublishingCheck.QUESTIONNAIRE, _count(len(questions), "question", "questions")),
        ),
        SetupTask(
            "Compliance requirements",
            setup_path(a.id, "requirements"),
            waivable(PublishingCheck.COMPLIANCE_REQUIREMENTS, bool(requirements), False),
            hint(PublishingCheck.COMPLIANCE_REQUIREMENTS, _count(len(requirements), "requirement", "requirements")),
        ),
        SetupTask(
            "Price bands",
            setup_path(a.id, "price-bands") if offered else None,
            band_status,
            "Add a lot first"
            if not offered
            else hint(PublishingCheck.PRICE_BANDS, _count(len(bands), "band", "bands")),
        ),
        SetupTask(
            "Additional services",
            setup_path(a.id, "services"),
            "Completed" if services else "Optional",
            _count(len(services), "service", "services"),
        ),
        SetupTask(
            "Application windows",
            setup_path(a.id, "windows"),
            ("Completed" if a.windows else "Not yet started") if windows_needed else "Not needed",
            _count(len(a.windows), "window", "windows")
            if windows_needed
            else "Providers of this kind of arrangement may apply at any time",
        ),
    ]


@dataclass(frozen=True, slots=True)
class Gap:
    """Something publishing still lacks, in words, with the page that fixes it."""

    text: str
    href: str
    check: PublishingCheck | None  # a check the officer may waive with a reason


async def gaps(portal: Portal, arrangement: Arrangement) -> list[Gap]:
    """What stops publishing, as the services would refuse it (lots, reachable pass marks, then each
    check not waived)."""
    found: list[Gap] = []
    try:
        await frameworks.check_publishable(arrangement)
    except RuleViolation as exc:
        if exc.code == FrameworkCode.NO_LOTS:
            found.append(Gap("There are no lots. Add at least one", setup_path(arrangement.id, "lots"), None))
        else:
            found.append(Gap(UNREACHABLE, setup_path(arrangement.id, "questions"), None))
    lots = {lot.id: lot for lot in (await frameworks.list_lots(portal.ctx, arrangement.id, MAX_LIMIT, 0)).items}
    for gap in publishing_gaps(arrangement, await pricing.readiness(arrangement)):
        check = PublishingCheck(str(gap["check"]))
        words, task = CHECK_WORDS[check]
        lot_ids = gap.get("lot_ids")
        if isinstance(lot_ids, list) and lot_ids:
            codes = ", ".join(lots[i].code for i in lot_ids if i in lots)
            one = len(lot_ids) == 1
            words = f"{'Lot' if one else 'Lots'} {codes} {'has' if one else 'have'} no price bands"
        found.append(Gap(words, setup_path(arrangement.id, task), check))
    return found


UNREACHABLE = (
    "No scored question applies to some lots, so they can never reach the pass mark. "
    "Add a scored question for them, or give them a pass mark of 0"
)


def problem(form: Form, exc: DomainError, default: str = "_page", renamed: dict[str, str] | None = None) -> None:
    """A service's error in plain words beside the field of this form it is about (`renamed` maps
    the message's usual field to this form's), with dates in words."""
    found = explain(exc)
    name = found.field or default
    message = found.message
    latest = exc.extra.get("latest_end")
    if isinstance(latest, str):
        message = message.replace(latest, long_date(date.fromisoformat(latest)))
    form.error((renamed or {}).get(name, name), message)


def shaped(cls: type[T], **fields: Any) -> T:
    """A request Struct from the form's values, checked as the API checks it (lengths, patterns)."""
    return msgspec.convert(fields, cls, strict=False)


def _uk_open(day: date) -> datetime:
    return datetime.combine(day, WINDOW_OPENS_AT, tzinfo=UK_TIME).astimezone(UTC)


def _uk_close(day: date) -> datetime:
    return datetime.combine(day, WINDOW_CLOSES_AT, tzinfo=UK_TIME).astimezone(UTC)


def read_pass_mark(form: Form, name: str) -> Decimal | None:
    raw = form.get(name).removesuffix("%").strip()
    if not raw:
        form.error(name, "Enter the pass mark, a percentage like 60")
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(100) or value != value.quantize(Decimal("0.01")):
        form.error(name, "The pass mark must be a percentage from 0 to 100, like 60")
        return None
    return value


PROFILE_FIELDS = {"term_start": "term_start", "term_end": "term_end", "reference": "reference", "title": "title"}


class SetupPages(Controller):
    path = BASE

    @get("/", name="council_arrangements")
    async def index(self, portal: NamedDependency[Portal]) -> Template:
        """The arrangements the council leads: drafts being set up, and those published."""
        principal = portal.council_staff(Role.PROCUREMENT_OFFICER)
        found = await frameworks.list_arrangements(portal.ctx, MAX_LIMIT, 0, None)
        led = [a for a in found.items if a.lead_authority_id == principal.org_id]
        return page(portal, "council/setup/index.html", arrangements=led)

    @get("/new", name="council_arrangement_new")
    async def new(self, portal: NamedDependency[Portal]) -> Template:
        officer(portal)
        return self._new_page(portal, Form(values={"quality_threshold": str(DEFAULT_QUALITY_THRESHOLD)}))

    @staticmethod
    def _new_page(portal: Portal, form: Form, status: int = 200) -> Template:
        profiles = [(p, profile_numbers(p)) for p in PROFILES.values()]
        return page(
            portal,
            "council/setup/new.html",
            status_code=status,
            form=form,
            profiles=profiles,
            service_types=list(ServiceType),
        )

    @post("/new", status_code=303)
    async def create(self, portal: NamedDependency[Portal]) -> Template | Redirect:
        """Start a draft arrangement led by the officer's council."""
        officer(portal)
        form = Form.of(await portal.request.form())
        title = form.required("title", "Enter the arrangement's name")
        reference = form.required("reference", "Enter a reference, like NW-FOSTER-DPS-2027")
        service_type = form.get("service_type")
        if service_type not in {s.value for s in ServiceType}:
            form.error("service_type", "Select the service the arrangement buys")
        profile_code = form.get("profile_code")
        if profile_code not in {p.value for p in ProfileCode}:
            form.error("profile_code", "Select the kind of arrangement")
        start = form.day_month_year("term_start", "start date", required=True)
        end = form.day_month_year("term_end", "end date", required=True)
        threshold = read_pass_mark(form, "quality_threshold")
        if form.ok and start and end and threshold is not None:
            try:
                data = shaped(
                    ArrangementIn,
                    reference=reference,
                    title=title,
                    service_type=service_type,
                    profile_code=profile_code,
                    term_start=start,
                    term_end=end,
                    quality_threshold=threshold,
                )
                created = await frameworks.create_arrangement(portal.ctx, data.to_domain())
            except msgspec.ValidationError as exc:
                shape_error(form, exc)
            except DomainError as exc:
                problem(form, exc)
            else:
                return redirect(portal, setup_path(created.id), banner="arrangement_created")
        return self._new_page(portal, form, status=400)

    @get("/{arrangement_id:int}", name="council_arrangement_setup")
    async def task_list(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template:
        """The set-up task list, or what a published arrangement has."""
        arrangement = await managed(portal, arrangement_id)
        items = await tasks(portal, arrangement)
        done = sum(1 for t in items if t.status in DONE)
        return page(
            portal,
            "council/setup/tasks.html",
            arrangement=arrangement,
            profile=get_profile(arrangement.profile_code),
            tasks=items,
            done=done,
            draft=arrangement.status is ArrangementStatus.DRAFT,
        )

    @get("/{arrangement_id:int}/profile", name="council_arrangement_profile")
    async def profile(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template:
        arrangement = await managed(portal, arrangement_id)
        form = Form(
            values={
                "title": arrangement.title,
                "quality_threshold": str(arrangement.quality_threshold),
                "min_evaluators": str(arrangement.min_evaluators),
                "version": str(arrangement.version),
            }
        )
        return self._profile_page(portal, arrangement, form)

    @staticmethod
    def _profile_page(portal: Portal, arrangement: Arrangement, form: Form, status: int = 200) -> Template:
        profile = get_profile(arrangement.profile_code)
        return page(
            portal,
            "council/setup/profile.html",
            status_code=status,
            arrangement=arrangement,
            profile=profile,
            numbers=profile_numbers(profile, arrangement),
            form=form,
        )

    @post("/{arrangement_id:int}/profile", status_code=303)
    async def save_profile(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template | Redirect:
        """Change the name, the pass mark or how many evaluators mark each application."""
        arrangement = await managed(portal, arrangement_id)
        form = Form.of(await portal.request.form())
        title = form.required("title", "Enter the arrangement's name")
        threshold = read_pass_mark(form, "quality_threshold")
        evaluators = form.whole_number("min_evaluators", "Number of evaluators", 1, 10)
        if form.ok and threshold is not None and evaluators is not None:
            try:
                await frameworks.update_arrangement(
                    portal.ctx,
                    arrangement_id,
                    _version(form, arrangement),
                    ArrangementPatch(title=title, quality_threshold=threshold, min_evaluators=evaluators).to_domain(),
                )
            except DomainError as exc:
                problem(form, exc)
            else:
                return redirect(portal, setup_path(arrangement_id), banner="arrangement_saved")
        arrangement = await frameworks.get_arrangement(portal.ctx, arrangement_id)
        form.values["version"] = str(arrangement.version)
        return self._profile_page(portal, arrangement, form, status=400)

    @get("/{arrangement_id:int}/members", name="council_arrangement_members")
    async def members(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template:
        arrangement = await managed(portal, arrangement_id)
        form = Form(
            values={
                "member_ids": [str(i) for i in sorted(arrangement.member_authority_ids)],
                "version": str(arrangement.version),
            }
        )
        return await self._members_page(portal, arrangement, form)

    @staticmethod
    async def _members_page(portal: Portal, arrangement: Arrangement, form: Form, status: int = 200) -> Template:
        councils = (await accounts.list_authorities(portal.ctx, MAX_LIMIT, 0, None)).items
        lead = next((c for c in councils if c.id == arrangement.lead_authority_id), None)
        options = [(str(c.id), c.name) for c in councils if c.id != arrangement.lead_authority_id]
        return page(
            portal,
            "council/setup/members.html",
            status_code=status,
            arrangement=arrangement,
            lead=lead,
            options=options,
            form=form,
        )

    @post("/{arrangement_id:int}/members", status_code=303)
    async def save_members(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template | Redirect:
        """The councils that may call off under the arrangement, besides the lead."""
        arrangement = await managed(portal, arrangement_id)
        form = Form.of(await portal.request.form(), multi=("member_ids",))
        chosen = [int(v) for v in form.getall("member_ids") if v.isdigit()]
        try:
            await frameworks.update_arrangement(
                portal.ctx,
                arrangement_id,
                _version(form, arrangement),
                ArrangementPatch(member_authority_ids=chosen).to_domain(),
            )
        except DomainError as exc:
            problem(form, exc, "member_ids")
        else:
            return redirect(portal, setup_path(arrangement_id), banner="members_saved")
        arrangement = await frameworks.get_arrangement(portal.ctx, arrangement_id)
        form.values["version"] = str(arrangement.version)
        return await self._members_page(portal, arrangement, form, status=400)

    @get("/{arrangement_id:int}/windows", name="council_arrangement_windows")
    async def windows(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template:
        arrangement = await managed(portal, arrangement_id)
        return self._windows_page(portal, arrangement, Form(values={"version": str(arrangement.version)}))

    @staticmethod
    def _windows_page(portal: Portal, arrangement: Arrangement, form: Form, status: int = 200) -> Template:
        profile = get_profile(arrangement.profile_code)
        return page(
            portal,
            "council/setup/windows.html",
            status_code=status,
            arrangement=arrangement,
            needed=profile.joining is JoiningRule.REOPENING_WINDOWS,
            windows=sorted(arrangement.windows, key=lambda w: w.opens_at),
            form=form,
        )

    @post("/{arrangement_id:int}/windows", status_code=303)
    async def add_window(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template | Redirect:
        """Publish a period in which providers may apply: from 9am UK time on its first day to 5pm
        on its last."""
        arrangement = await managed(portal, arrangement_id)
        form = Form.of(await portal.request.form())
        opens = form.day_month_year("opens", "date the window opens", required=True)
        closes = form.day_month_year("closes", "date the window closes", required=True)
        if opens and closes and closes < opens:
            form.error("closes", "The window must close on or after the day it opens")
        if form.ok and opens and closes:
            kept = [WindowIn(opens_at=w.opens_at, closes_at=w.closes_at) for w in arrangement.windows]
            added = WindowIn(opens_at=_uk_open(opens), closes_at=_uk_close(closes))
            try:
                await frameworks.update_arrangement(
                    portal.ctx,
                    arrangement_id,
                    _version(form, arrangement),
                    ArrangementPatch(windows=[*kept, added]).to_domain(),
                )
            except DomainError as exc:
                problem(form, exc, "opens")
            else:
                return redirect(portal, setup_path(arrangement_id, "windows"), banner="window_added")
        arrangement = await frameworks.get_arrangement(portal.ctx, arrangement_id)
        form.values["version"] = str(arrangement.version)
        return self._windows_page(portal, arrangement, form, status=400)

    @get("/{arrangement_id:int}/check", name="council_arrangement_check")
    async def check(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template:
        arrangement = await managed(portal, arrangement_id)
        return await self._check_page(portal, arrangement, Form())

    @staticmethod
    async def _check_page(portal: Portal, arrangement: Arrangement, form: Form, status: int = 200) -> Template:
        missing = await gaps(portal, arrangement) if arrangement.status is ArrangementStatus.DRAFT else []
        return page(
            portal,
            "council/setup/check.html",
            status_code=status,
            arrangement=arrangement,
            profile=get_profile(arrangement.profile_code),
            numbers=profile_numbers(get_profile(arrangement.profile_code), arrangement),
            tasks=await tasks(portal, arrangement),
            gaps=missing,
            check_words={c.value: words for c, (words, _) in CHECK_WORDS.items()},
            form=form,
        )

    @post("/{arrangement_id:int}/publish", status_code=303)
    async def publish(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template | Redirect:
        """Open the arrangement to applications; the services refuse it while anything is missing."""
        arrangement = await managed(portal, arrangement_id)
        form = Form()
        try:
            await pricing.publish_arrangement(portal.ctx, arrangement_id)
        except DomainError as exc:
            missing = await gaps(portal, arrangement)
            if missing:
                for gap in missing:
                    form.error(gap.href, gap.text)
            else:
                problem(form, exc)
        else:
            return redirect(portal, setup_path(arrangement_id), banner="arrangement_published")
        return await self._check_page(portal, arrangement, form, status=400)

    @post("/{arrangement_id:int}/waive", status_code=303)
    async def waive(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template | Redirect:
        """Publish without one of the checks, with the reason recorded (e.g. prices agreed later)."""
        arrangement = await managed(portal, arrangement_id)
        form = Form.of(await portal.request.form())
        raw = form.get("check")
        check = next((c for c in PublishingCheck if c.value == raw), None)
        if check is None:
            form.error("check", "Choose what to publish without")
        reason = form.required(f"reason-{raw}" if check else "check", "Say why it is published without this")
        if form.ok and check is not None:
            try:
                await frameworks.waive_publishing_check(portal.ctx, arrangement_id, check, reason)
            except DomainError as exc:
                problem(form, exc, f"reason-{raw}")
            else:
                return redirect(portal, setup_path(arrangement_id, "check"), banner="check_waived")
        return await self._check_page(portal, arrangement, form, status=400)


def _version(form: Form, arrangement: Arrangement) -> int:
    """The version the form was read at (a stale one is refused: someone else changed it)."""
    raw = form.get("version")
    return int(raw) if raw.isdigit() else arrangement.version


CONTROLLERS: list[Any] = [SetupPages]
