"""Rows <-> domain objects for compliance; the only module here that queries."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import msgspec
from asyncpg.exceptions import UniqueViolationError
from piccolo.querystring import QueryString

from dps.accounts import public as accounts
from dps.accounts.domain import AgeRange, OfstedGrade, SettingType
from dps.compliance import tables as t
from dps.compliance.domain.concerns import (
    LIVE_STATUSES,
    ActionStatus,
    Concern,
    ConcernCategory,
    ConcernStatus,
    VisitForm,
)
from dps.compliance.domain.eligibility import SettingFactsForCallOff
from dps.compliance.domain.requirements import (
    CreditBands,
    Evidence,
    InsuranceKind,
    Outcome,
    Override,
    Requirement,
    RequirementKind,
)
from dps.compliance.domain.visits import ActionItem, Visit
from dps.core import replica
from dps.core.db import DB
from dps.core.errors import Conflict, NotFound
from dps.core.pagination import Page, page_of
from dps.core.rows import json_value, one_row, update_versioned

# --- requirements ----------------------------------------------------------------------------


def _requirement(row: dict[str, Any]) -> Requirement:
    bands = None
    if row["credit_accept_from"] is not None and row["credit_review_from"] is not None:
        bands = CreditBands(accept_from=row["credit_accept_from"], review_from=row["credit_review_from"])
    return Requirement(
        id=row["id"],
        arrangement_id=row["arrangement"],
        kind=RequirementKind(row["kind"]),
        title=row["title"],
        mandatory=row["mandatory"],
        insurance_kind=InsuranceKind(row["insurance_kind"]) if row["insurance_kind"] else None,
        min_cover_pence=row["min_cover_pence"],
        credit_bands=bands,
        min_current_ratio=row["min_current_ratio"],
        accepted_grades=frozenset(OfstedGrade(g) for g in row["accepted_grades"]),
        suspend_on_failing_grade=row["suspend_on_failing_grade"],
        turnover_threshold_pence=row["turnover_threshold_pence"],
        description=row["description"],
    )


async def insert_requirement(r: Requirement, at: datetime) -> Requirement:
    rows = await t.Requirement.insert(
        t.Requirement(
            arrangement=r.arrangement_id,
            kind=r.kind.value,
            title=r.title,
            description=r.description,
            mandatory=r.mandatory,
            insurance_kind=r.insurance_kind.value if r.insurance_kind else None,
            min_cover_pence=r.min_cover_pence,
            credit_accept_from=r.credit_bands.accept_from if r.credit_bands else None,
            credit_review_from=r.credit_bands.review_from if r.credit_bands else None,
            min_current_ratio=r.min_current_ratio,
            accepted_grades=sorted(g.value for g in r.accepted_grades),
            suspend_on_failing_grade=r.suspend_on_failing_grade,
            turnover_threshold_pence=r.turnover_threshold_pence,
            created_at=at,
        )
    ).returning(*t.Requirement.all_columns())
    return _requirement(rows[0])


async def get_requirement(requirement_id: int) -> Requirement:
    row = await one_row(
        t.Requirement,
        t.Requirement.id == requirement_id,
        entity="requirement",
        detail=f"requirement {requirement_id} does not exist",
    )
    return _requirement(row)


async def list_requirements(arrangement_ids: Collection[int]) -> list[Requirement]:
    """The compliance requirements of these arrangements (no access check)."""
    if not arrangement_ids:
        return []
    rows = (
        await t.Requirement.select()
        .where(t.Requirement.arrangement.is_in(list(arrangement_ids)))
        .order_by(t.Requirement.id)
    )
    return [_requirement(r) for r in rows]


async def list_requirements_by_id(requirement_ids: Collection[int]) -> list[Requirement]:
    if not requirement_ids:
        return []
    rows = await t.Requirement.select().where(t.Requirement.id.is_in(list(requirement_ids)))
    return [_requirement(r) for r in rows]


async def count_evidence_for_requirement(requirement_id: int) -> int:
    return int(await t.Evidence.count().where(t.Evidence.requirement == requirement_id))


async def delete_requirement(requirement_id: int) -> None:
    await t.Override.delete().where(t.Override.requirement == requirement_id)
    await t.Requirement.delete().where(t.Requirement.id == requirement_id)


# --- evidence --------------------------------------------------------------------------------


def _evidence(row: dict[str, Any]) -> Evidence:
    return Evidence(
        id=row["id"],
        requirement_id=row["requirement"],
        provider_id=row["provider"],
        document_id=row["document"],
        issuer=row["issuer"],
        starts_on=row["starts_on"],
        expires_on=row["expires_on"],
        cover_pence=row["cover_pence"],
        insurance_kind=InsuranceKind(row["insurance_kind"]) if row["insurance_kind"] else None,
        credit_score=row["credit_score"],
        current_ratio=row["current_ratio"],
        turnover_pence=row["turnover_pence"],
        status=row["status"],
        submitted_at=row["submitted_at"],
    )


async def held_evidence(requirement_id: int, provider_id: int) -> list[Evidence]:
    """The provider's held (not replaced) pieces for one requirement, serialised per requirement and
    provider: a transaction-scoped advisory lock keeps two attachments from interleaving."""
    await DB.run_querystring(QueryString("SELECT pg_advisory_xact_lock({}::int, {}::int)", requirement_id, provider_id))
    rows = await DB.run_querystring(
        QueryString(
            """SELECT * FROM compliance_evidence WHERE requirement = {} AND provider = {}
               AND status <> 'replaced' ORDER BY id FOR UPDATE""",
            requirement_id,
            provider_id,
        )
    )
    return [_evidence(r) for r in rows]


async def mark_replaced(evidence_ids: Collection[int]) -> None:
    if evidence_ids:
        await t.Evidence.update({t.Evidence.status: "replaced"}).where(t.Evidence.id.is_in(list(evidence_ids)))


async def held_evidence_of(evidence_ids: Collection[int]) -> list[Evidence]:
    """Every held piece sharing a requirement and provider with one of these pieces (one query)."""
    if not evidence_ids:
        return []
    rows = await DB.run_querystring(
        QueryString(
            """SELECT e.* FROM compliance_evidence e WHERE e.status <> 'replaced' AND (e.requirement, e.provider) IN
               (SELECT requirement, provider FROM compliance_evidence WHERE id = ANY({}::bigint[]))""",
            list(evidence_ids),
        )
    )
    return [_evidence(r) for r in rows]


async def insert_evidence(e: Evidence, submitted_by: int | None) -> Evidence:
    try:
        rows = await t.Evidence.insert(
            t.Evidence(
                requirement=e.requirement_id,
                provider=e.provider_id,
                document=e.document_id,
                issuer=e.issuer,
                starts_on=e.starts_on,
                expires_on=e.expires_on,
                cover_pence=e.cover_pence,
                insurance_kind=e.insurance_kind.value if e.insurance_kind else None,
                credit_score=e.credit_score,
                current_ratio=e.current_ratio,
                turnover_pence=e.turnover_pence,
                status=e.status,
                submitted_by=submitted_by,
                submitted_at=e.submitted_at,
            )
        ).returning(*t.Evidence.all_columns())
    except UniqueViolationError as error:
        raise Conflict("evidence for this requirement changed meanwhile; try again", code="evidence_changed") from error
    return _evidence(rows[0])


async def get_evidence(evidence_id: int, *, for_update: bool = False) -> Evidence:
    row = await one_row(
        t.Evidence,
        t.Evidence.id == evidence_id,
        entity="evidence",
        detail=f"evidence {evidence_id} does not exist",
        for_update=for_update,
    )
    return _evidence(row)


async def set_evidence_status(evidence_id: int, status: str) -> None:
    await t.Evidence.update({t.Evidence.status: status}).where(t.Evidence.id == evidence_id)


async def list_evidence(
    limit: int, after_id: int, *, provider_id: int | None, requirement_id: int | None, include_replaced: bool
) -> Page[Evidence]:
    query = t.Evidence.select().where(t.Evidence.id > after_id)
    if provider_id is not None:
        query = query.where(t.Evidence.provider == provider_id)
    if requirement_id is not None:
        query = query.where(t.Evidence.requirement == requirement_id)
    if not include_replaced:
        query = query.where(t.Evidence.status != "replaced")
    rows = await query.order_by(t.Evidence.id).limit(limit + 1)
    return page_of([_evidence(r) for r in rows], limit)


async def live_evidence(requirement_ids: Collection[int], provider_ids: Collection[int]) -> list[Evidence]:
    """Every piece not yet replaced, for these requirements and providers (one query)."""
    if not requirement_ids or not provider_ids:
        return []
    # `= ANY(array)` binds one parameter however many providers a lot has.
    rows = await DB.run_querystring(
        QueryString(
            """SELECT * FROM compliance_evidence WHERE requirement = ANY({}::bigint[])
               AND provider = ANY({}::bigint[]) AND status <> 'replaced'""",
            list(requirement_ids),
            list(provider_ids),
        )
    )
    return [_evidence(r) for r in rows]


# --- overrides -------------------------------------------------------------------------------


def _override(row: dict[str, Any]) -> Override:
    return Override(
        requirement_id=row["requirement"],
        provider_id=row["provider"],
        setting_id=row["setting"],
        outcome=Outcome(row["outcome"]),
        reason=row["reason"],
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
    )


async def insert_override(o: Override) -> None:
    await t.Override.insert(
        t.Override(
            requirement=o.requirement_id,
            provider=o.provider_id,
            setting=o.setting_id,
            outcome=o.outcome.value,
            reason=o.reason,
            decided_by=o.decided_by,
            decided_at=o.decided_at,
        )
    )


async def overrides_for(
    requirement_ids: Collection[int], provider_ids: Collection[int]
) -> dict[tuple[int, int, int | None], Override]:
    """The newest override per (requirement, provider, setting)."""
    if not requirement_ids or not provider_ids:
        return {}
    rows = await DB.run_querystring(
        QueryString(
            """SELECT * FROM compliance_overrides WHERE requirement = ANY({}::bigint[])
               AND provider = ANY({}::bigint[]) ORDER BY id""",
            list(requirement_ids),
            list(provider_ids),
        )
    )
    return {(r["requirement"], r["provider"], r["setting"]): _override(r) for r in rows}


# --- settings and Ofsted judgements ----------------------------------------------------------


# Plain dict lookups: calling an Enum class per value costs more than the rest of a row (the
# eligibility of a 2,000-member lot reads 10,000 settings).
_SETTING_TYPES = {t.value: t for t in SettingType}
_GRADES = {g.value: g for g in OfstedGrade}


def _setting_facts(row: dict[str, Any]) -> SettingFactsForCallOff:
    grade = row["ofsted_grade"]
    return SettingFactsForCallOff(
        setting_id=row["id"],
        provider_id=row["provider"],
        setting_type=_SETTING_TYPES[row["setting_type"]],
        grade=_GRADES[grade] if grade else None,
        ages=AgeRange(row["min_age"], row["max_age"]),
        needs=frozenset(row["needs"]),  # the values of `Need` (a CHECK-free column written by accounts)
    )


@dataclass(frozen=True, slots=True)
class SettingRow:
    facts: SettingFactsForCallOff
    name: str
    ofsted_urn: str | None
    postcode: str


_SETTING_COLUMNS = (
    "s.id, s.provider, s.name, s.setting_type, s.ofsted_urn, s.ofsted_grade, s.postcode, s.min_age, s.max_age, s.needs"
)


def _setting_row(row: dict[str, Any]) -> SettingRow:
    return SettingRow(_setting_facts(row), row["name"], row["ofsted_urn"], row["postcode"])


async def settings_of_providers(provider_ids: Collection[int]) -> list[SettingRow]:
    if not provider_ids:
        return []
    rows = await DB.run_querystring(
        QueryString(
            # Only constant column names are formatted in; values are bound parameters.
            f"SELECT {_SETTING_COLUMNS} FROM provider_settings s WHERE s.provider = ANY({{}}::bigint[]) ORDER BY s.id",  # noqa: S608
            list(provider_ids),
        )
    )
    return [_setting_row(r) for r in rows]


async def withdrawn_settings(setting_ids: Collection[int]) -> set[int]:
    """Settings whose newest recorded judgement is a withdrawn registration."""
    if not setting_ids:
        return set()
    rows = await DB.run_querystring(
        QueryString(
            """SELECT DISTINCT ON (setting) setting, registration_withdrawn FROM ofsted_judgements
               WHERE setting = ANY({}::bigint[]) ORDER BY setting, id DESC""",
            list(setting_ids),
        )
    )
    return {r["setting"] for r in rows if r["registration_withdrawn"]}


async def insert_judgement(
    setting_id: int,
    grade: OfstedGrade | None,
    inspection_date: date | None,
    withdrawn: bool,
    by: int | None,
    at: datetime,
) -> int:
    rows = await t.OfstedJudgement.insert(
        t.OfstedJudgement(
            setting=setting_id,
            grade=grade.value if grade else None,
            inspection_date=inspection_date,
            registration_withdrawn=withdrawn,
            recorded_by=by,
            recorded_at=at,
        )
    ).returning(t.OfstedJudgement.id)
    return int(rows[0]["id"])


# --- suspensions made by compliance rules ----------------------------------------------------


async def open_suspension(
    membership_id: int, cause: str, requirement_id: int | None, setting_id: int | None, at: datetime
) -> None:
    await t.Suspension.insert(
        t.Suspension(
            membership=membership_id, cause=cause, requirement=requirement_id, setting=setting_id, suspended_at=at
        )
    )


@dataclass(frozen=True, slots=True)
class OpenSuspension:
    id: int
    membership_id: int
    cause: str
    requirement_id: int | None
    setting_id: int | None


async def open_suspensions_of_provider(provider_id: int) -> list[OpenSuspension]:
    rows = await DB.run_querystring(
        QueryString(
            """SELECT cs.id, cs.membership, cs.cause, cs.requirement, cs.setting
               FROM compliance_suspensions cs JOIN memberships m ON m.id = cs.membership
               WHERE m.provider = {} AND cs.lifted_at IS NULL ORDER BY cs.id""",
            provider_id,
        )
    )
    return [OpenSuspension(r["id"], r["membership"], r["cause"], r["requirement"], r["setting"]) for r in rows]


async def lift_suspension(suspension_id: int, at: datetime) -> None:
    await t.Suspension.update({t.Suspension.lifted_at: at}).where(t.Suspension.id == suspension_id)


# --- concerns --------------------------------------------------------------------------------


def _concern(row: dict[str, Any]) -> Concern:
    return Concern(
        id=row["id"],
        issuing_authority_id=row["issuing_authority"],
        provider_id=row["provider"],
        setting_id=row["setting"],
        category=ConcernCategory(row["category"]),
        arrangement_ids=frozenset(row["arrangement_ids"]),
        summary=row["summary"],
        actions_taken=row["actions_taken"],
        review_on=row["review_on"],
        suspends_call_offs=row["suspends_call_offs"],
        status=ConcernStatus(row["status"]),
        response=row["response"],
        issued_at=row["issued_at"],
        responded_at=row["responded_at"],
        rescinded_at=row["rescinded_at"],
        rescind_reason=row["rescind_reason"],
        created_by=row["created_by"],
        version=row["version"],
    )


def _concern_values(c: Concern) -> dict[Any, Any]:
    return {
        t.Concern.category: c.category.value,
        t.Concern.arrangement_ids: sorted(c.arrangement_ids),
        t.Concern.summary: c.summary,
        t.Concern.actions_taken: c.actions_taken,
        t.Concern.review_on: c.review_on,
        t.Concern.suspends_call_offs: c.suspends_call_offs,
        t.Concern.status: c.status.value,
        t.Concern.response: c.response,
        t.Concern.issued_at: c.issued_at,
        t.Concern.responded_at: c.responded_at,
        t.Concern.rescinded_at: c.rescinded_at,
        t.Concern.rescind_reason: c.rescind_reason,
        t.Concern.version: c.version,
    }


async def insert_concern(c: Concern, at: datetime) -> Concern:
    values = {column._meta.name: value for column, value in _concern_values(c).items()}
    rows = await t.Concern.insert(
        t.Concern(
            **values,
            issuing_authority=c.issuing_authority_id,
            provider=c.provider_id,
            setting=c.setting_id,
            created_by=c.created_by,
            created_at=at,
        )
    ).returning(*t.Concern.all_columns())
    return _concern(rows[0])


async def get_concern(concern_id: int, *, for_update: bool = False) -> Concern:
    row = await one_row(
        t.Concern,
        t.Concern.id == concern_id,
        entity="concern",
        detail=f"concern {concern_id} does not exist",
        for_update=for_update,
    )
    return _concern(row)


async def update_concern(before: Concern, after: Concern) -> None:
    await update_versioned(t.Concern, before.id, before.version, _concern_values(after))


async def list_concerns(
    limit: int,
    after_id: int,
    *,
    provider_id: int | None,
    visible_to_authority: int | None,
    status: ConcernStatus | None,
) -> Page[Concern]:
    """Concerns in id order. `visible_to_authority`: those it issued (drafts too) and the issued ones
    about arrangements it leads or joins. `provider_id`: about that provider (never drafts when
    the caller is that provider; the service passes `status` accordingly)."""
    where = ["c.id > {}"]
    args: list[Any] = [after_id]
    if provider_id is not None:
        where.append("c.provider = {}")
        args.append(provider_id)
    if visible_to_authority is not None:
        where.append(
            """(c.issuing_authority = {} OR (c.status <> 'draft' AND EXISTS (
                 SELECT 1 FROM arrangements a WHERE a.id = ANY(c.arrangement_ids)
                 AND (a.lead_authority = {} OR {} = ANY(a.member_authority_ids)))))"""
        )
        args += [visible_to_authority, visible_to_authority, visible_to_authority]
    if status is not None:
        where.append("c.status = {}")
        args.append(status.value)
    # The fragments are constants of this function; every value is a bound parameter.
    sql = f"SELECT c.* FROM concerns c WHERE {' AND '.join(where)} ORDER BY c.id LIMIT {{}}"  # noqa: S608
    rows = await DB.run_querystring(QueryString(sql, *args, limit + 1))
    return page_of([_concern(r) for r in rows], limit)


async def live_concerns_of_providers(provider_ids: Collection[int]) -> list[Concern]:
    if not provider_ids:
        return []
    rows = await DB.run_querystring(
        QueryString(
            "SELECT * FROM concerns WHERE provider = ANY({}::bigint[]) AND status = ANY({}::text[])",
            list(provider_ids),
            [s.value for s in LIVE_STATUSES],
        )
    )
    return [_concern(r) for r in rows]


# --- quality visits and action plans ---------------------------------------------------------


def _visit(row: dict[str, Any]) -> Visit:
    details = row["details"]
    return Visit(
        id=row["id"],
        setting_id=row["setting"],
        provider_id=row["provider"],
        form=VisitForm(row["form"]),
        visited_on=row["visited_on"],
        authority_id=row["authority"],
        recorded_by=row["recorded_by"],
        summary=row["summary"],
        details=json_value(details),
        recorded_at=row["recorded_at"],
    )


async def insert_visit(v: Visit) -> Visit:
    rows = await t.Visit.insert(
        t.Visit(
            setting=v.setting_id,
            provider=v.provider_id,
            form=v.form.value,
            visited_on=v.visited_on,
            authority=v.authority_id,
            recorded_by=v.recorded_by,
            summary=v.summary,
            details=msgspec.json.encode(v.details).decode(),
            recorded_at=v.recorded_at,
        )
    ).returning(*t.Visit.all_columns())
    return _visit(rows[0])


async def get_visit(visit_id: int) -> Visit:
    row = await one_row(t.Visit, t.Visit.id == visit_id, entity="visit", detail=f"visit {visit_id} does not exist")
    return _visit(row)


async def list_visits(setting_id: int) -> list[Visit]:
    rows = await t.Visit.select().where(t.Visit.setting == setting_id).order_by(t.Visit.id)
    return [_visit(r) for r in rows]


def _action(row: dict[str, Any]) -> ActionItem:
    return ActionItem(
        id=row["id"],
        visit_id=row["visit"],
        finding=row["finding"],
        owner=row["owner"],
        due_on=row["due_on"],
        status=ActionStatus(row["status"]),
        version=row["version"],
    )


async def insert_action(visit_id: int, finding: str, owner: str, due_on: date, at: datetime) -> ActionItem:
    rows = await t.ActionItem.insert(
        t.ActionItem(
            visit=visit_id, finding=finding, owner=owner, due_on=due_on, status=ActionStatus.OPEN.value, updated_at=at
        )
    ).returning(*t.ActionItem.all_columns())
    return _action(rows[0])


async def get_action(action_id: int, *, for_update: bool = False) -> ActionItem:
    row = await one_row(
        t.ActionItem,
        t.ActionItem.id == action_id,
        entity="action_item",
        detail=f"action item {action_id} does not exist",
        for_update=for_update,
    )
    return _action(row)


async def set_action_status(action_id: int, status: ActionStatus, version: int, at: datetime) -> None:
    await t.ActionItem.update(
        {t.ActionItem.status: status.value, t.ActionItem.version: version, t.ActionItem.updated_at: at}
    ).where(t.ActionItem.id == action_id)


async def actions_of_visits(visit_ids: Collection[int]) -> list[ActionItem]:
    if not visit_ids:
        return []
    rows = await t.ActionItem.select().where(t.ActionItem.visit.is_in(list(visit_ids))).order_by(t.ActionItem.id)
    return [_action(r) for r in rows]


# --- regional search -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchHit:
    setting: SettingRow
    distance_m: float | None


async def search_settings(
    *,
    easting: float | None,
    northing: float | None,
    radius_m: float | None,
    setting_types: Collection[str],
    age: int | None,
    needs: Collection[str],
    grades: Collection[str] | None,
    lot_id: int | None,
    limit: int,
) -> list[SearchHit]:
    """Settings matching the filters, nearest first. The radius is a bounding box on the OS grid
    (served by the (easting, northing) index) refined by the exact circle; the ordering is the
    squared grid distance, so PostgreSQL never takes a square root per row."""
    where: list[str] = []
    order = "s.id"
    distance = "NULL::float8"
    if easting is not None and northing is not None:
        distance = "sqrt((s.easting - {e}::float8) ^ 2 + (s.northing - {n}::float8) ^ 2)"
        order = "(s.easting - {e}::float8) ^ 2 + (s.northing - {n}::float8) ^ 2, s.id"
        where.append("s.easting IS NOT NULL")
        if radius_m is not None:
            where.append(
                "s.easting BETWEEN {e}::float8 - {r}::float8 AND {e}::float8 + {r}::float8"
                " AND s.northing BETWEEN {n}::float8 - {r}::float8 AND {n}::float8 + {r}::float8"
            )
            where.append("(s.easting - {e}::float8) ^ 2 + (s.northing - {n}::float8) ^ 2 <= {r}::float8 ^ 2")
    if setting_types:
        where.append("s.setting_type = ANY({types}::text[])")
    if age is not None:
        where.append("s.min_age <= {age}::int AND s.max_age >= {age}::int")
    if needs:
        where.append("s.needs @> {needs}::varchar[]")
    if grades is not None:
        where.append("s.ofsted_grade = ANY({grades}::text[])")
    if lot_id is not None:
        where.append("EXISTS (SELECT 1 FROM memberships m WHERE m.lot = {lot}::bigint AND m.provider = s.provider)")
    named = {
        "e": easting,
        "n": northing,
        "r": radius_m,
        "types": list(setting_types),
        "age": age,
        "needs": list(needs),
        "grades": list(grades or ()),
        "lot": lot_id,
    }
    # The fragments are constants of this function; every value is bound by `_bind`.
    template = (
        f"SELECT {_SETTING_COLUMNS}, {distance} AS distance_m FROM provider_settings s "  # noqa: S608
        f"{'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY {order} LIMIT {{limit}}::int"
    )
    named["limit"] = limit
    sql, positional = _bind(template, named)
    rows = await replica.reader().run_querystring(QueryString(sql, *positional))  # a replica may serve it
    return [SearchHit(_setting_row(r), r["distance_m"]) for r in rows]


def _bind(template: str, named: dict[str, Any]) -> tuple[str, list[Any]]:
    """Turn `{name}` placeholders into Piccolo's positional `{}` with the values in order."""
    import re

    values: list[Any] = []

    def put(match: re.Match[str]) -> str:
        value = named[match.group(1)]
        values.append(float(value) if isinstance(value, Decimal) else value)
        return "{}"

    return re.sub(r"\{(\w+)\}", put, template), values


# --- lots and arrangements as eligibility sees them ------------------------------------------


@dataclass(frozen=True, slots=True)
class LotContext:
    lot_id: int
    arrangement_id: int
    service_type: str
    lead_authority_id: int
    member_authority_ids: frozenset[int]


async def lot_context(lot_id: int) -> LotContext:
    rows = await DB.run_querystring(
        QueryString(
            """SELECT l.id, l.arrangement, a.service_type, a.lead_authority, a.member_authority_ids
               FROM lots l JOIN arrangements a ON a.id = l.arrangement WHERE l.id = {}""",
            lot_id,
        )
    )
    if not rows:
        raise NotFound(f"lot {lot_id} does not exist", entity="lot")
    r = rows[0]
    return LotContext(
        r["id"], r["arrangement"], r["service_type"], r["lead_authority"], frozenset(r["member_authority_ids"])
    )


# --- who holds an arrangement with a provider ------------------------------------------------


async def councils_with_arrangement(provider_id: int) -> frozenset[int]:
    """The councils that may read the provider's due diligence (one rule, kept with documents)."""
    return await accounts.councils_working_with(provider_id)


# --- the annual refresh of a member's evidence (read by the scheduler through the face) -----------

# The mandatory requirements that take evidence: Ofsted checks are read per setting and take none,
# and a modern slavery statement is owed only above the turnover threshold, so neither is refreshed.
_REFRESH_SQL = """
WITH reqs AS (
    SELECT q.id FROM compliance_requirements q
    WHERE q.arrangement = {} AND q.mandatory AND q.kind NOT IN ('ofsted', 'modern_slavery')
), latest AS (
    SELECT reqs.id, max(e.submitted_at) AS at FROM reqs
    LEFT JOIN compliance_evidence e ON e.requirement = reqs.id AND e.provider = {}
    GROUP BY reqs.id
)
SELECT count(*) AS n, bool_and(at IS NOT NULL) AS complete, min(at) AS oldest FROM latest
"""


@dataclass(frozen=True, slots=True)
class EvidenceRefresh:
    requirements: int  # mandatory requirements of the arrangement that take evidence
    refreshed_at: datetime | None  # the oldest of the latest submissions, once every one has one


async def evidence_refresh(arrangement_id: int, provider_id: int) -> EvidenceRefresh:
    """When the provider's evidence for every mandatory requirement of the arrangement that takes
    evidence was last refreshed (the oldest of the latest submissions), and how many there are."""
    rows = await DB.run_querystring(QueryString(_REFRESH_SQL, arrangement_id, provider_id))
    r = rows[0]
    oldest = r["oldest"]
    return EvidenceRefresh(int(r["n"]), oldest if r["complete"] and oldest is not None else None)
