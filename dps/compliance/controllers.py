"""HTTP routes of compliance: parse, call one service function, map the result."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from dps.accounts.domain import Need, OfstedGrade, SettingType
from dps.compliance import schemas as s
from dps.compliance.domain.concerns import Concern, ConcernStatus
from dps.compliance.services import checks, concerns, extraction, search, visits
from dps.compliance.services.checks import MembershipCompliance
from dps.core.concurrency import etag
from dps.core.context import Context
from dps.core.http import DEFAULT_PAGE_SIZE, Cursor, Limit, after_id, signed_in

Needs = Annotated[list[Need] | None, QueryParameter(description="needs the setting must meet, e.g. needs=autism")]
SettingTypes = Annotated[list[SettingType] | None, QueryParameter(description="setting types, e.g. childrens_home")]


def _values(items: list[Need] | list[SettingType] | None) -> list[str]:
    return [i.value for i in items or []]


ChildAge = Annotated[int | None, QueryParameter(ge=0, le=25, description="the child's age")]


def _membership_out(x: MembershipCompliance) -> s.MembershipComplianceOut:
    return s.MembershipComplianceOut(
        membership_id=x.membership.id,
        arrangement_id=x.membership.arrangement_id,
        lot_id=x.membership.lot_id,
        provider_id=x.membership.provider_id,
        membership_status=x.membership.status.value,
        compliance_status=x.summary.status,
        checks=[s.CheckOut.of(r) for r in x.summary.results],
    )


class ComplianceController(Controller):
    path = "/api/v1/compliance"
    guards = [signed_in]
    tags = ["Compliance"]

    # --- requirements ---

    @post("/arrangements/{arrangement_id:int}/requirements", operation_id="CreateRequirement")
    async def create_requirement(
        self, arrangement_id: FromPath[int], data: JSONBody[s.RequirementIn], ctx: NamedDependency[Context]
    ) -> s.RequirementOut:
        """Add a due-diligence requirement from the catalogue (insurance with minimum cover, credit
        score bands, accounts' current ratio, Ofsted grade gateway, policies, DSPT, modern slavery
        statement at GBP 36m turnover, custom). The lead authority's officers; a dynamic market's
        conditions are frozen once open (409 `conditions_locked`)."""
        return s.RequirementOut.of(await checks.add_requirement(ctx, arrangement_id, data.to_domain()))

    @get("/arrangements/{arrangement_id:int}/requirements", operation_id="ListRequirements")
    async def list_requirements(
        self, arrangement_id: FromPath[int], ctx: NamedDependency[Context]
    ) -> s.RequirementList:
        """The requirements of an arrangement you may see."""
        items = await checks.list_requirements(ctx, arrangement_id)
        return s.RequirementList(items=[s.RequirementOut.of(x) for x in items])

    @delete(
        "/arrangements/{arrangement_id:int}/requirements/{requirement_id:int}",
        operation_id="RemoveRequirement",
        status_code=204,
    )
    async def remove_requirement(
        self, arrangement_id: FromPath[int], requirement_id: FromPath[int], ctx: NamedDependency[Context]
    ) -> None:
        """Withdraw a requirement no evidence has been attached to (422 `requirement_in_use`)."""
        await checks.remove_requirement(ctx, arrangement_id, requirement_id)

    @get("/arrangements/{arrangement_id:int}/memberships", operation_id="ArrangementCompliance")
    async def arrangement_compliance(
        self, arrangement_id: FromPath[int], ctx: NamedDependency[Context]
    ) -> list[s.MembershipComplianceOut]:
        """Each membership's compliance status (compliant, expiring within 30 days, non-compliant)
        with every check's result and reason (council staff)."""
        return [_membership_out(x) for x in await checks.arrangement_compliance(ctx, arrangement_id)]

    @post("/arrangements/{arrangement_id:int}/overrides", operation_id="OverrideCheck")
    async def override(
        self, arrangement_id: FromPath[int], data: JSONBody[s.OverrideIn], ctx: NamedDependency[Context]
    ) -> list[s.MembershipComplianceOut]:
        """Replace a check's result with an officer's decision and its reason (the lead authority's
        officers; audited). A suspension the check caused is lifted once everything passes."""
        result = await checks.override_check(ctx, arrangement_id, data.to_domain())
        return [_membership_out(x) for x in result.items]

    @get("/memberships/{membership_id:int}", operation_id="MembershipCompliance")
    async def membership(
        self, membership_id: FromPath[int], ctx: NamedDependency[Context]
    ) -> s.MembershipComplianceOut:
        """One membership's compliance status and checks (the provider itself or council staff)."""
        return _membership_out(await checks.membership_compliance(ctx, membership_id))

    # --- evidence ---

    @post("/evidence", operation_id="AttachEvidence")
    async def attach(self, data: JSONBody[s.EvidenceIn], ctx: NamedDependency[Context]) -> s.EvidenceOut:
        """Attach evidence to a requirement (the provider's users): a stored document with cover,
        issuer, start and expiry dates, or a credit score, current ratio or turnover. It replaces the
        previous piece; a membership its lapse suspended is reinstated once all passes again."""
        return s.EvidenceOut.of(await checks.attach_evidence(ctx, data.to_domain()))

    @get("/evidence", operation_id="ListEvidence")
    async def list_evidence(
        self,
        ctx: NamedDependency[Context],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        provider_id: FromQuery[int | None] = None,
        requirement_id: FromQuery[int | None] = None,
        include_replaced: FromQuery[bool] = False,
    ) -> s.EvidencePage:
        """A provider's evidence: providers see their own; council staff name `provider_id`."""
        page = await checks.list_evidence(
            ctx,
            limit,
            after_id(cursor),
            provider_id=provider_id,
            requirement_id=requirement_id,
            include_replaced=include_replaced,
        )
        return s.EvidencePage(items=[s.EvidenceOut.of(x) for x in page.items], next_cursor=page.next_cursor)

    @get("/evidence/{evidence_id:int}", operation_id="GetEvidence")
    async def get_evidence(self, evidence_id: FromPath[int], ctx: NamedDependency[Context]) -> s.EvidenceOut:
        """One piece of evidence (its provider or council staff)."""
        return s.EvidenceOut.of(await checks.get_evidence(ctx, evidence_id))

    @post("/extractions", operation_id="ExtractFromDocument", status_code=200)
    async def extract(self, data: JSONBody[s.ExtractionIn], ctx: NamedDependency[Context]) -> s.ExtractionOut:
        """Read proposed values from a stored PDF for a person to confirm: from an insurance
        certificate the classes of cover, limits of indemnity and the period; from an Ofsted report
        the URN, inspection date and overall effectiveness (none for an interim inspection). Each
        value comes with the page and line it was read from (`sources`, and `source` and
        `limit_source` per cover); where the text is not clear nothing is proposed. Image-only PDFs
        give `found: false`; corrupt, encrypted, too long, too slow or bomb PDFs a 422
        (`pdf_unreadable`, `pdf_encrypted`, `pdf_too_many_pages`, `pdf_too_slow`,
        `pdf_too_large_when_decompressed`, `pdf_too_expensive`); more extractions at once than an
        organisation may run a 429 (`too_many_extractions`)."""
        result = await extraction.extract(ctx, data.document_id, data.kind)
        return s.ExtractionOut.of(result.document_id, result.pages, result.proposal)

    # --- Ofsted, visits, action plans ---

    @post("/settings/{setting_id:int}/ofsted-judgements", operation_id="RecordOfstedJudgement")
    async def record_judgement(
        self, setting_id: FromPath[int], data: JSONBody[s.OfstedJudgementIn], ctx: NamedDependency[Context]
    ) -> s.OfstedJudgementOut:
        """Record a setting's Ofsted grade or withdrawn registration (procurement officers). Inadequate
        (or supported accommodation outcome 3), or a withdrawal, suspends the memberships relying on
        the setting where the arrangement's Ofsted requirement says so, and issues an
        `ofsted_judgement` concern to their member councils."""
        result = await concerns.record_ofsted_judgement(ctx, setting_id, data.to_domain())
        return s.OfstedJudgementOut(
            setting_id=setting_id,
            grade=data.grade,
            inspection_date=data.inspection_date,
            registration_withdrawn=data.registration_withdrawn,
            suspended_membership_ids=result.suspended_membership_ids,
            concern_ids=result.concern_ids,
        )

    @post("/settings/{setting_id:int}/visits", operation_id="RecordVisit")
    async def record_visit(
        self, setting_id: FromPath[int], data: JSONBody[s.VisitIn], ctx: NamedDependency[Context]
    ) -> s.VisitOut:
        """Record a quality-assurance form for a setting: A by the provider, B-D by council officers or
        practitioners. Findings open action-plan items with owner and due date."""
        visit, actions = await visits.record_visit(ctx, setting_id, data.to_domain())
        return s.VisitOut.of(visit, actions)

    @get("/settings/{setting_id:int}/visits", operation_id="ListVisits")
    async def list_visits(self, setting_id: FromPath[int], ctx: NamedDependency[Context]) -> s.VisitList:
        """Every form recorded for a setting, with its action plan (every council; the provider its own)."""
        found, actions = await visits.list_visits(ctx, setting_id)
        return s.VisitList(items=[s.VisitOut.of(v, actions) for v in found])

    @post("/action-items/{action_id:int}/status", operation_id="MoveActionItem", status_code=200)
    async def move_action(
        self, action_id: FromPath[int], data: JSONBody[s.ActionStatusIn], ctx: NamedDependency[Context]
    ) -> s.ActionItemOut:
        """Move an action-plan item between open, in progress and done."""
        return s.ActionItemOut.of(await visits.move_action(ctx, action_id, data.status))

    # --- eligibility ---

    @get("/lots/{lot_id:int}/eligibility", operation_id="LotEligibility")
    async def eligibility(
        self,
        lot_id: FromPath[int],
        ctx: NamedDependency[Context],
        child_age: ChildAge = None,
        needs: Needs = None,
        setting_types: SettingTypes = None,
        min_grade: FromQuery[OfstedGrade | None] = None,
    ) -> s.EligibilityList:
        """Every setting of every member of the lot: whether it may be invited to a call-off now and
        every reason when not (membership, compliance, live concern, grade gateway, type, ages, needs)."""
        found = await search.lot_eligibility(
            ctx,
            lot_id,
            child_age=child_age,
            needs=_values(needs),
            setting_types=_values(setting_types),
            min_grade=min_grade,
        )
        return s.EligibilityList(items=[s.EligibilityOut.of(e) for e in found])


def _concern(concern: Concern, status_code: int = 200) -> Response[s.ConcernOut]:
    return Response(s.ConcernOut.of(concern), status_code=status_code, headers={"ETag": etag(concern.version)})


class ConcernController(Controller):
    path = "/api/v1/concerns"
    guards = [signed_in]
    tags = ["Concerns"]

    @post("/", operation_id="RaiseConcern")
    async def raise_(self, data: JSONBody[s.ConcernIn], ctx: NamedDependency[Context]) -> Response[s.ConcernOut]:
        """Record a concern under the information sharing protocol (commissioners and officers of a
        council taking part in every affected arrangement): a draft, or issued at once with
        `issue: true`. Issuing notifies every member council's commissioners and officers and the
        provider; `suspends_call_offs` keeps the provider out of new call-offs while it is live."""
        return _concern(await concerns.raise_concern(ctx, data.to_domain()), status_code=201)

    @get("/", operation_id="ListConcerns")
    async def list_(
        self,
        ctx: NamedDependency[Context],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        provider_id: FromQuery[int | None] = None,
        status: FromQuery[ConcernStatus | None] = None,
    ) -> s.ConcernPage:
        """Concerns you may see: a provider those about itself; council staff those their council
        issued or that affect arrangements it takes part in."""
        page = await concerns.list_concerns(ctx, limit, after_id(cursor), provider_id, status)
        return s.ConcernPage(items=[s.ConcernOut.of(c) for c in page.items], next_cursor=page.next_cursor)

    @get("/{concern_id:int}", operation_id="GetConcern")
    async def get_one(self, concern_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[s.ConcernOut]:
        """One concern (404 for anyone who may not see it)."""
        return _concern(await concerns.get_concern(ctx, concern_id))

    @post("/{concern_id:int}/issue", operation_id="IssueConcern", status_code=200)
    async def issue(self, concern_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[s.ConcernOut]:
        """Issue a draft (the issuing council)."""
        return _concern(await concerns.issue_concern(ctx, concern_id))

    @post("/{concern_id:int}/respond", operation_id="RespondToConcern", status_code=200)
    async def respond(
        self, concern_id: FromPath[int], data: JSONBody[s.ConcernResponseIn], ctx: NamedDependency[Context]
    ) -> Response[s.ConcernOut]:
        """The provider's response to a concern about itself."""
        return _concern(await concerns.respond_to_concern(ctx, concern_id, data.response))

    @post("/{concern_id:int}/rescind", operation_id="RescindConcern", status_code=200)
    async def rescind(
        self, concern_id: FromPath[int], data: JSONBody[s.RescindIn], ctx: NamedDependency[Context]
    ) -> Response[s.ConcernOut]:
        """Rescind a concern once rectified (only the issuing council); eligibility returns."""
        return _concern(await concerns.rescind_concern(ctx, concern_id, data.reason))


class SearchController(Controller):
    path = "/api/v1/search"
    guards = [signed_in]
    tags = ["Search"]

    @get("/settings", operation_id="SearchSettings")
    async def settings(
        self,
        ctx: NamedDependency[Context],
        near: FromQuery[str | None] = None,
        radius_miles: Annotated[float | None, QueryParameter(gt=0, le=search.MAX_RADIUS_MILES)] = None,
        setting_types: SettingTypes = None,
        age: ChildAge = None,
        needs: Needs = None,
        min_grade: FromQuery[OfstedGrade | None] = None,
        lot_id: FromQuery[int | None] = None,
        eligible_only: FromQuery[bool] = False,
        limit: Limit = DEFAULT_PAGE_SIZE,
    ) -> s.SearchResults:
        """The regional database for commissioners: settings by type, age, needs and minimum grade,
        nearest first (miles, straight line) from `near` (a postcode or district such as 'M1'),
        within `radius_miles`. With `lot_id` only that lot's members' settings, each saying whether
        it may be invited now and why not (`eligible_only` drops the rest)."""
        found = await search.search_settings(
            ctx,
            near=near,
            radius_miles=radius_miles,
            setting_types=_values(setting_types),
            age=age,
            needs=_values(needs),
            min_grade=min_grade,
            lot_id=lot_id,
            eligible_only=eligible_only,
            limit=limit,
        )
        return s.SearchResults(
            items=[
                s.SearchResultOut(
                    setting_id=r.setting.facts.setting_id,
                    provider_id=r.setting.facts.provider_id,
                    name=r.setting.name,
                    setting_type=r.setting.facts.setting_type,
                    ofsted_grade=r.setting.facts.grade,
                    postcode=r.setting.postcode,
                    min_age=r.setting.facts.ages.min_age,
                    max_age=r.setting.facts.ages.max_age,
                    needs=sorted(Need(n) for n in r.setting.facts.needs),
                    distance_miles=r.distance_miles,
                    eligible=r.eligibility.eligible if r.eligibility else None,
                    reasons=[s.ReasonOut(code=x.code, detail=x.detail) for x in r.eligibility.reasons]
                    if r.eligibility
                    else [],
                )
                for r in found
            ]
        )
