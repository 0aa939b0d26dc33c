"""Rows <-> domain objects for contracts; the only module here that queries.

It also gathers the facts generation needs from the tables of earlier packages (frameworks,
accounts) in a few joined reads, so services never query directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import msgspec
from asyncpg.exceptions import UniqueViolationError
from piccolo.querystring import QueryString

from dps.accounts import tables as accounts
from dps.contracts import tables as t
from dps.contracts.domain.contexts import TemplateKind
from dps.contracts.domain.contracts import (
    Contract,
    ContractKind,
    ContractStatus,
    PdfStatus,
    Signature,
    SignatureMethod,
    StoredFile,
)
from dps.contracts.domain.facts import (
    DecisionFacts,
    FeeLineFacts,
    LotDecisionFacts,
    MembershipFacts,
    PartyFacts,
    PlacementFacts,
)
from dps.contracts.domain.templates import TemplateStatus, TemplateVersion
from dps.contracts.domain.variations import PricedPlacement, child_reference
from dps.core.db import DB
from dps.core.errors import Conflict, NotFound, StaleVersion
from dps.core.pagination import Page, page_of
from dps.core.rows import json_value, one_row
from dps.frameworks import tables as fw
from dps.frameworks.public import get_profile
from dps.pricing import public as pricing
from dps.pricing.domain.bands import BandKey
from dps.pricing.domain.rate_cards import RateCard
from dps.pricing.domain.uplifts import Uplift
from dps.tenders import public as tenders

UNIQUE_CODES = {
    "contracts_subject_key_key": ("already_generated", "a document has already been generated for this"),
    "contract_template_versions_kind_version_key": ("version_taken", "this template version number is taken"),
    "contract_template_versions_one_approved": ("already_approved", "another version of this kind was just approved"),
}


INSERT_CHUNK = 200


def conflict_from_unique(error: UniqueViolationError) -> Conflict:
    name = getattr(error, "constraint_name", "") or ""
    code, detail = UNIQUE_CODES.get(name, ("duplicate", "this record already exists"))
    return Conflict(detail, code=code)


# --- template versions -----------------------------------------------------------------------


def _template(row: dict[str, Any]) -> TemplateVersion:
    return TemplateVersion(
        id=row["id"],
        kind=TemplateKind(row["kind"]),
        version=row["version"],
        status=TemplateStatus(row["status"]),
        filename=row["filename"],
        note=row["note"],
        storage_key=row["storage_key"],
        sha256=row["sha256"],
        size_bytes=row["size_bytes"],
        uploaded_by=row["uploaded_by"],
        uploaded_at=row["uploaded_at"],
        approved_by=row["approved_by"],
        approved_at=row["approved_at"],
        retired_at=row["retired_at"],
        owner_authority_id=row["owner_authority"],
    )


def _owned_by(owner: int | None) -> Any:
    column = t.ContractTemplateVersion.owner_authority
    return column.is_null() if owner is None else column == owner


async def lock_template_kind(kind: TemplateKind, owner: int | None) -> None:
    """Serialise uploads and approvals of one kind by one owner (version numbers, the single
    approved version)."""
    await DB.run_querystring(
        QueryString("SELECT pg_advisory_xact_lock(hashtext({}))", f"contract_template:{kind}:{owner or 0}")
    )


async def next_template_version(kind: TemplateKind, owner: int | None) -> int:
    rows = await DB.run_querystring(
        QueryString(
            """SELECT COALESCE(MAX(version), 0) + 1 AS n FROM contract_template_versions
               WHERE kind = {} AND COALESCE(owner_authority, 0) = {}""",
            kind.value,
            owner or 0,
        )
    )
    return int(rows[0]["n"])


async def insert_template_version(v: TemplateVersion) -> TemplateVersion:
    try:
        rows = await t.ContractTemplateVersion.insert(
            t.ContractTemplateVersion(
                kind=v.kind.value,
                version=v.version,
                status=v.status.value,
                filename=v.filename,
                note=v.note,
                storage_key=v.storage_key,
                sha256=v.sha256,
                size_bytes=v.size_bytes,
                uploaded_by=v.uploaded_by,
                uploaded_at=v.uploaded_at,
                approved_by=v.approved_by,
                approved_at=v.approved_at,
                owner_authority=v.owner_authority_id,
            )
        ).returning(*t.ContractTemplateVersion.all_columns())
    except UniqueViolationError as error:
        raise conflict_from_unique(error) from error
    return _template(rows[0])


async def get_template_version(version_id: int, *, for_update: bool = False) -> TemplateVersion:
    row = await one_row(
        t.ContractTemplateVersion,
        t.ContractTemplateVersion.id == version_id,
        entity="contract_template_version",
        detail=f"template version {version_id} does not exist",
        for_update=for_update,
    )
    return _template(row)


async def approved_template(kind: TemplateKind, owner: int | None) -> TemplateVersion | None:
    """The approved version of `kind` that `owner` (None: the national default) owns."""
    row = await (
        t.ContractTemplateVersion.select()
        .where(
            (t.ContractTemplateVersion.kind == kind.value)
            & (t.ContractTemplateVersion.status == "approved")
            & _owned_by(owner)
        )
        .first()
    )
    return _template(row) if row else None


async def approved_templates(kind: TemplateKind, owners: Sequence[int]) -> list[TemplateVersion]:
    """The approved versions of `kind` owned by any of `owners` or national (the candidates a
    document of those councils may be made from)."""
    column = t.ContractTemplateVersion.owner_authority
    owned = column.is_null() if not owners else column.is_null() | column.is_in(list(owners))
    rows = await t.ContractTemplateVersion.select().where(
        (t.ContractTemplateVersion.kind == kind.value) & (t.ContractTemplateVersion.status == "approved") & owned
    )
    return [_template(r) for r in rows]


async def consortium_leads(authority_id: int) -> list[int]:
    """The lead authorities of the arrangements `authority_id` leads or is a member of (its
    consortia's leads), itself excluded."""
    rows = await DB.run_querystring(
        QueryString(
            """SELECT DISTINCT lead_authority FROM arrangements
               WHERE {} = ANY(member_authority_ids) AND lead_authority <> {} ORDER BY lead_authority""",
            authority_id,
            authority_id,
        )
    )
    return [int(r["lead_authority"]) for r in rows]


async def four_eyes_required(authority_id: int) -> bool:
    """Whether a council's templates need a second legal officer to approve them (yes unless the
    council's policy says otherwise)."""
    row = await (
        t.ContractTemplatePolicy.select(t.ContractTemplatePolicy.four_eyes)
        .where(t.ContractTemplatePolicy.authority == authority_id)
        .first()
    )
    return True if row is None else bool(row["four_eyes"])


async def set_four_eyes(authority_id: int, four_eyes: bool, by: int | None, at: datetime) -> None:
    await DB.run_querystring(
        QueryString(
            """INSERT INTO contract_template_policies (authority, four_eyes, updated_at, updated_by)
               VALUES ({}, {}, {}, {})
               ON CONFLICT (authority) DO UPDATE
               SET four_eyes = EXCLUDED.four_eyes, updated_at = EXCLUDED.updated_at,
                   updated_by = EXCLUDED.updated_by""",
            authority_id,
            four_eyes,
            at,
            by,
        )
    )


async def save_template_version(v: TemplateVersion) -> None:
    try:
        await t.ContractTemplateVersion.update(
            {
                t.ContractTemplateVersion.status: v.status.value,
                t.ContractTemplateVersion.approved_by: v.approved_by,
                t.ContractTemplateVersion.approved_at: v.approved_at,
                t.ContractTemplateVersion.retired_at: v.retired_at,
            }
        ).where(t.ContractTemplateVersion.id == v.id)
    except UniqueViolationError as error:
        raise conflict_from_unique(error) from error


async def list_template_versions(
    kind: TemplateKind | None, limit: int, after_id: int, owners: Sequence[int] | None
) -> Page[TemplateVersion]:
    """Versions oldest first; `owners` limits them to those councils' and the national defaults
    (None: every owner's)."""
    query = t.ContractTemplateVersion.select().where(t.ContractTemplateVersion.id > after_id)
    if owners is not None:
        column = t.ContractTemplateVersion.owner_authority
        query = query.where(column.is_null() | column.is_in(list(owners)) if owners else column.is_null())
    if kind is not None:
        query = query.where(t.ContractTemplateVersion.kind == kind.value)
    rows = await query.order_by(t.ContractTemplateVersion.id).limit(limit + 1)
    return page_of([_template(r) for r in rows], limit)


async def template_kinds_present() -> set[TemplateKind]:
    """Kinds that have a national default version (in any state)."""
    rows = (
        await t.ContractTemplateVersion.select(t.ContractTemplateVersion.kind)
        .where(t.ContractTemplateVersion.owner_authority.is_null())
        .distinct()
    )
    return {TemplateKind(r["kind"]) for r in rows}


# --- contracts -------------------------------------------------------------------------------


def _file(key: str | None, sha256: str | None, size: int | None) -> StoredFile | None:
    if key is None or sha256 is None or size is None:
        return None
    return StoredFile(key=key, sha256=sha256, size_bytes=size)


def _contract(row: dict[str, Any]) -> Contract:
    signature = None
    if row["signature_method"] is not None:
        signature = Signature(
            method=SignatureMethod(row["signature_method"]),
            user_id=row["signed_by"],
            at=row["signed_at"],
            sha256=row["signed_sha256"],
            document_id=row["signed_copy"],
        )
    document = _file(row["document_key"], row["document_sha256"], row["document_size"])
    assert document is not None  # the columns are NOT NULL
    return Contract(
        id=row["id"],
        reference=row["reference"],
        kind=ContractKind(row["kind"]),
        status=ContractStatus(row["status"]),
        template_kind=TemplateKind(row["template_kind"]),
        template_version_id=row["template_version"],
        template_sha256=row["template_sha256"],
        provider_id=row["provider"],
        authority_ids=frozenset(row["authority_ids"]),
        subject_key=row["subject_key"],
        parent_id=row["parent"],
        title=row["title"],
        document=document,
        pdf_status=PdfStatus(row["pdf_status"]),
        pdf=_file(row["pdf_key"], row["pdf_sha256"], row["pdf_size"]),
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        created_at=row["created_at"],
        created_by=row["created_by"],
        issued_at=row["issued_at"],
        issued_by=row["issued_by"],
        signature=signature,
        activated_at=row["activated_at"],
        ended_at=row["ended_at"],
        terminated_at=row["terminated_at"],
        termination_reason=row["termination_reason"],
        version=row["version"],
    )


def _mutable_values(c: Contract) -> dict[Any, Any]:
    s = c.signature
    return {
        t.Contract.status: c.status.value,
        t.Contract.pdf_status: c.pdf_status.value,
        t.Contract.pdf_key: c.pdf.key if c.pdf else None,
        t.Contract.pdf_sha256: c.pdf.sha256 if c.pdf else None,
        t.Contract.pdf_size: c.pdf.size_bytes if c.pdf else None,
        t.Contract.issued_at: c.issued_at,
        t.Contract.issued_by: c.issued_by,
        t.Contract.signature_method: s.method.value if s else None,
        t.Contract.signed_by: s.user_id if s else None,
        t.Contract.signed_at: s.at if s else None,
        t.Contract.signed_sha256: s.sha256 if s else None,
        t.Contract.signed_copy: s.document_id if s else None,
        t.Contract.activated_at: c.activated_at,
        t.Contract.ended_at: c.ended_at,
        t.Contract.terminated_at: c.terminated_at,
        t.Contract.termination_reason: c.termination_reason,
        t.Contract.version: c.version,
    }


async def next_contract_ids(count: int) -> list[int]:
    """Reserve ids first: the reference printed in each document is made from its id."""
    rows = await DB.run_querystring(
        QueryString(
            "SELECT nextval(pg_get_serial_sequence('contracts', 'id')) AS id FROM generate_series(1, {})", count
        )
    )
    return [int(r["id"]) for r in rows]


async def insert_contracts(contracts: Sequence[Contract], data: Sequence[Any]) -> None:
    """Insert generated contracts with the contexts they were rendered from (a few statements)."""
    if not contracts:
        return
    rows = []
    for c, context in zip(contracts, data, strict=True):
        values = {column._meta.name: value for column, value in _mutable_values(c).items()}
        rows.append(
            t.Contract(
                id=c.id,
                reference=c.reference,
                kind=c.kind.value,
                template_kind=c.template_kind.value,
                template_version=c.template_version_id,
                template_sha256=c.template_sha256,
                provider=c.provider_id,
                authority_ids=sorted(c.authority_ids),
                subject_key=c.subject_key,
                parent=c.parent_id,
                title=c.title,
                data=msgspec.json.encode(msgspec.to_builtins(context)).decode(),
                document_key=c.document.key,
                document_sha256=c.document.sha256,
                document_size=c.document.size_bytes,
                starts_on=c.starts_on,
                ends_on=c.ends_on,
                created_at=c.created_at,
                created_by=c.created_by,
                **values,
            )
        )
    try:
        # PostgreSQL takes at most 32,767 parameters per statement; ~40 columns a row.
        for start in range(0, len(rows), INSERT_CHUNK):
            await t.Contract.insert(*rows[start : start + INSERT_CHUNK])
    except UniqueViolationError as error:
        raise conflict_from_unique(error) from error


async def get_contract(contract_id: int, *, for_update: bool = False) -> Contract:
    """The contract's row (no access check), locked when `for_update`; NotFound when there is none."""
    row = await one_row(
        t.Contract,
        t.Contract.id == contract_id,
        entity="contract",
        detail=f"contract {contract_id} does not exist",
        for_update=for_update,
        columns=_COLUMNS,
    )
    return _contract(row)


async def contract_context(contract_id: int) -> dict[str, Any]:
    """The context a contract's document was rendered from."""
    row = await t.Contract.select(t.Contract.data).where(t.Contract.id == contract_id).first()
    if row is None:
        raise NotFound(f"contract {contract_id} does not exist", entity="contract")
    data = row["data"]
    return dict(json_value(data))


async def existing_subjects(subject_keys: Sequence[str]) -> set[str]:
    if not subject_keys:
        return set()
    rows = await t.Contract.select(t.Contract.subject_key).where(t.Contract.subject_key.is_in(list(subject_keys)))
    return {r["subject_key"] for r in rows}


async def contract_by_subject(subject_key: str) -> Contract | None:
    row = await t.Contract.select(*_COLUMNS).where(t.Contract.subject_key == subject_key).first()
    return _contract(row) if row else None


async def update_contract(before: Contract, after: Contract) -> None:
    """Write `after` if the row is still at `before.version` (the caller holds the row lock)."""
    result = (
        await t.Contract.update(_mutable_values(after))
        .where((t.Contract.id == before.id) & (t.Contract.version == before.version))
        .returning(t.Contract.id)
    )
    if not result:
        current = await get_contract(before.id)
        raise StaleVersion(before.version, current.version)


async def set_pdf(contract_id: int, pdf: StoredFile | None, status: PdfStatus) -> None:
    """Record a PDF copy (a derived file: no version bump, so it never makes a signer's If-Match stale)."""
    await t.Contract.update(
        {
            t.Contract.pdf_status: status.value,
            t.Contract.pdf_key: pdf.key if pdf else None,
            t.Contract.pdf_sha256: pdf.sha256 if pdf else None,
            t.Contract.pdf_size: pdf.size_bytes if pdf else None,
        }
    ).where(t.Contract.id == contract_id)


async def claim_pdfs(
    limit: int, now: datetime, stale_before: datetime, ids: Sequence[int] | None = None
) -> list[Contract]:
    """Claim up to `limit` PDF copies to convert (pending ones, or claims older than
    `stale_before` whose converter died), optionally only among `ids`: they turn `converting`.
    `FOR UPDATE SKIP LOCKED` passes over rows another converter is claiming at this moment, so
    two schedulers never take the same one and neither waits for the other."""
    rows = await DB.run_querystring(
        QueryString(
            """UPDATE contracts SET pdf_status = 'converting', pdf_claimed_at = {}
               WHERE id IN (
                   SELECT id FROM contracts
                   WHERE (pdf_status = 'pending' OR (pdf_status = 'converting' AND pdf_claimed_at < {}))
                     AND ({}::bigint[] IS NULL OR id = ANY({}::bigint[]))
                   ORDER BY id LIMIT {}
                   FOR UPDATE SKIP LOCKED)
               RETURNING id""",
            now,
            stale_before,
            None if ids is None else list(ids),
            None if ids is None else list(ids),
            limit,
        )
    )
    if not rows:
        return []
    claimed = await (
        t.Contract.select(*_COLUMNS).where(t.Contract.id.is_in([r["id"] for r in rows])).order_by(t.Contract.id)
    )
    return [_contract(r) for r in claimed]


async def release_pdf_claims(contract_ids: Sequence[int]) -> None:
    """Put claimed copies back to `pending` (their conversion could not finish)."""
    if contract_ids:
        await t.Contract.update({t.Contract.pdf_status: PdfStatus.PENDING.value}).where(
            t.Contract.id.is_in(list(contract_ids)) & (t.Contract.pdf_status == PdfStatus.CONVERTING.value)
        )


async def count_pending_pdfs() -> int:
    return int(await t.Contract.count().where(t.Contract.pdf_status == PdfStatus.PENDING.value))


async def list_contracts(
    limit: int,
    after_id: int,
    *,
    provider_id: int | None,
    authority_id: int | None,
    hide_drafts: bool,
    kind: ContractKind | None,
    status: ContractStatus | None,
    parent_id: int | None,
    or_created_by: int | None = None,
) -> Page[Contract]:
    """Contracts after `after_id`; `authority_id` limits them to that council's (and, with
    `or_created_by`, to those that user generated too)."""
    query = t.Contract.select(*_COLUMNS).where(t.Contract.id > after_id)
    if provider_id is not None:
        query = query.where(t.Contract.provider == provider_id)
    if authority_id is not None and or_created_by is not None:
        query = query.where(t.Contract.authority_ids.any(authority_id) | (t.Contract.created_by == or_created_by))
    elif authority_id is not None:
        query = query.where(t.Contract.authority_ids.any(authority_id))
    if hide_drafts:
        query = query.where(t.Contract.status != ContractStatus.DRAFT.value)
    if kind is not None:
        query = query.where(t.Contract.kind == kind.value)
    if status is not None:
        query = query.where(t.Contract.status == status.value)
    if parent_id is not None:
        query = query.where(t.Contract.parent == parent_id)
    rows = await query.order_by(t.Contract.id).limit(limit + 1)
    return page_of([_contract(r) for r in rows], limit)


# Every column but the rendered context (`data`), which lists and lifecycle steps never need.
_COLUMNS = [c for c in t.Contract.all_columns() if c._meta.name != "data"]


# --- facts from earlier packages -------------------------------------------------------------


def _provider_party(row: dict[str, Any]) -> PartyFacts:
    return PartyFacts(
        name=row["legal_name"], address=row["address"], postcode=row["postcode"], company_number=row["company_number"]
    )


async def _provider(provider_id: int) -> dict[str, Any]:
    row = await accounts.Provider.select().where(accounts.Provider.id == provider_id).first()
    if row is None:
        raise NotFound(f"provider {provider_id} does not exist", entity="provider")
    return row


async def _authority_names(ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await accounts.Authority.select(accounts.Authority.id, accounts.Authority.name).where(
        accounts.Authority.id.is_in(list(ids))
    )
    return {r["id"]: r["name"] for r in rows}


async def membership_facts(membership_id: int) -> MembershipFacts:
    """What a membership agreement states, from the membership, its lot, arrangement and provider."""
    membership = await fw.Membership.select().where(fw.Membership.id == membership_id).first()
    if membership is None:
        raise NotFound(f"membership {membership_id} does not exist", entity="membership")
    arrangement = await fw.Arrangement.select().where(fw.Arrangement.id == membership["arrangement"]).first()
    lot = await fw.Lot.select().where(fw.Lot.id == membership["lot"]).first()
    assert arrangement is not None and lot is not None  # foreign keys
    provider = await _provider(membership["provider"])
    lead_id = arrangement["lead_authority"]
    member_ids = [lead_id, *sorted(set(arrangement["member_authority_ids"]) - {lead_id})]
    names = await _authority_names(member_ids)
    return MembershipFacts(
        membership_id=membership_id,
        service_type=arrangement["service_type"],
        lead_authority_id=lead_id,
        lead_authority=PartyFacts(name=names[lead_id]),
        member_authorities=tuple(names[i] for i in member_ids if i in names),
        provider_id=provider["id"],
        provider=_provider_party(provider),
        arrangement_reference=arrangement["reference"],
        arrangement_title=arrangement["title"],
        procedure=get_profile(arrangement["profile_code"]).title,
        term_start=arrangement["term_start"],
        term_end=arrangement["term_end"],
        lot_code=lot["code"],
        lot_title=lot["title"],
        started_on=membership["started_on"],
    )


async def decision_facts(application_id: int) -> DecisionFacts:
    """What a decision letter states: the application and its per-lot decisions with reasons."""
    application = await fw.Application.select().where(fw.Application.id == application_id).first()
    if application is None:
        raise NotFound(f"application {application_id} does not exist", entity="application")
    arrangement = await fw.Arrangement.select().where(fw.Arrangement.id == application["arrangement"]).first()
    assert arrangement is not None
    provider = await _provider(application["provider"])
    decisions = (
        await fw.LotDecision.select(
            fw.LotDecision.decision,
            fw.LotDecision.reasons,
            fw.LotDecision.weighted_total,
            fw.LotDecision.decided_at,
            fw.LotDecision.lot.code.as_alias("lot_code"),
            fw.LotDecision.lot.title.as_alias("lot_title"),
        )
        .where(fw.LotDecision.application == application_id)
        .order_by(fw.LotDecision.lot.code)
    )
    lead_id = arrangement["lead_authority"]
    names = await _authority_names([lead_id])
    submitted: datetime | None = application["submitted_at"]
    decided: datetime | None = application["decided_at"] or max((d["decided_at"] for d in decisions), default=None)
    # An application with decisions was submitted; before any decision there is no letter to write
    # (decision_context refuses it), so the fallback date below is never printed.
    decided_on = decided.date() if decided else submitted.date() if submitted else date(1970, 1, 1)
    return DecisionFacts(
        application_id=application_id,
        lead_authority_id=lead_id,
        lead_authority=PartyFacts(name=names[lead_id]),
        provider_id=provider["id"],
        provider=_provider_party(provider),
        arrangement_reference=arrangement["reference"],
        arrangement_title=arrangement["title"],
        decided_on=decided_on,
        submitted_on=submitted.date() if submitted else decided_on,
        decisions=tuple(
            LotDecisionFacts(
                lot_code=d["lot_code"],
                lot_title=d["lot_title"],
                admitted=d["decision"] == "admit",
                weighted_total=d["weighted_total"],
                reasons=d["reasons"],
            )
            for d in decisions
        ),
    )


# --- placements (tenders) and uplifts (pricing) ----------------------------------------------


async def placement_facts(placement_id: int) -> PlacementFacts:
    """What an Individual Placement Agreement states about a placement, from tenders' placement,
    the call-off that placed the child (anonymised profile, awarded offer's services), the lot,
    arrangement, setting and both parties."""
    placement = await tenders.get_placement_row(placement_id)
    origin = placement.call_off_id or (await origin_call_offs([placement_id])).get(placement_id)
    if origin is None:
        raise NotFound(f"placement {placement_id} has no call-off to take the child's profile from", entity="call_off")
    call_off = await tenders.get_call_off_row(origin)
    arrangement = await fw.Arrangement.select().where(fw.Arrangement.id == call_off.arrangement_id).first()
    lot = await fw.Lot.select().where(fw.Lot.id == call_off.lot_id).first()
    setting = await accounts.Setting.select().where(accounts.Setting.id == placement.setting_id).first()
    assert arrangement is not None and lot is not None and setting is not None  # foreign keys
    provider = await _provider(placement.provider_id)
    names = await _authority_names([placement.authority_id])
    lines = [FeeLineFacts("Weekly placement fee", placement.weekly_fee_pence)]
    if placement.call_off_id == call_off.id and call_off.awarded_offer_id is not None:
        # The additional services the provider offered and the council awarded, each a weekly line.
        offer = await tenders.get_offer_row(call_off.id, call_off.awarded_offer_id)
        if offer.content.setting_id == placement.setting_id:
            lines += [FeeLineFacts(s.description, s.weekly_fee_pence) for s in offer.content.additional_services]
    return PlacementFacts(
        placement_id=placement.id,
        service_type=arrangement["service_type"],
        authority_id=placement.authority_id,
        authority=PartyFacts(name=names[placement.authority_id]),
        provider_id=provider["id"],
        provider=_provider_party(provider),
        arrangement_reference=arrangement["reference"],
        arrangement_title=arrangement["title"],
        lot_code=lot["code"],
        lot_title=lot["title"],
        child_reference=child_reference(call_off.id),
        child_age=call_off.child.age,
        child_needs=tuple(sorted(n.value for n in call_off.child.needs)),
        setting_name=setting["name"],
        setting_urn=setting["ofsted_urn"],
        setting_postcode=setting["postcode"],
        start_date=placement.start_date,
        end_date=placement.ended_on,
        fee_lines=tuple(lines),
        lead_authority_id=arrangement["lead_authority"],
    )


async def get_uplift(uplift_id: int) -> Uplift:
    return await pricing.get_uplift_row(uplift_id)


async def lead_authority_of(arrangement_id: int) -> int:
    row = await fw.Arrangement.select(fw.Arrangement.lead_authority).where(fw.Arrangement.id == arrangement_id).first()
    if row is None:
        raise NotFound(f"arrangement {arrangement_id} does not exist", entity="arrangement")
    return int(row["lead_authority"])


# Every placement of a provider whose card in the placement's lot the uplift continued, with the
# band its fee was agreed against (pricing's agreed fee, recorded by tenders when it started) and
# the call-off that placed the child. Placements are matched by provider + lot + band because they
# do not record a rate card (see dps/contracts/domain/variations.py).
_UPLIFT_PLACEMENTS = """
SELECT p.id, p.authority, p.provider, p.call_off, p.weekly_fee_pence, p.start_date, p.ended_on,
       af.age_band, af.need_level, af.area, COALESCE(af.lot, co.lot) AS lot,
       nc.id AS new_card, nc.previous AS old_card
FROM placements p
LEFT JOIN LATERAL (
    SELECT a.lot, a.age_band, a.need_level, a.area FROM agreed_fees a
    WHERE a.source = 'placement' AND a.source_id = p.id ORDER BY a.id LIMIT 1
) af ON TRUE
LEFT JOIN call_offs co ON co.id = p.call_off
JOIN rate_cards nc ON nc.uplift = {} AND nc.previous IS NOT NULL
     AND nc.provider = p.provider AND nc.lot = COALESCE(af.lot, co.lot)
WHERE p.start_date < {} AND (p.ended_on IS NULL OR p.ended_on > {})
ORDER BY p.id
"""


async def placements_priced_on_uplifted_cards(uplift: Uplift) -> list[PricedPlacement]:
    """Placements live across the uplift's day whose provider's card in their lot it continued."""
    rows = await DB.run_querystring(
        QueryString(_UPLIFT_PLACEMENTS, uplift.id, uplift.effective_on, uplift.effective_on)
    )
    return [
        PricedPlacement(
            placement_id=r["id"],
            authority_id=r["authority"],
            provider_id=r["provider"],
            lot_id=r["lot"],
            call_off_id=r["call_off"],
            band=BandKey(r["age_band"], r["need_level"], r["area"] or None) if r["age_band"] is not None else None,
            weekly_fee_pence=r["weekly_fee_pence"],
            start_date=r["start_date"],
            ended_on=r["ended_on"],
            old_card_id=r["old_card"],
            new_card_id=r["new_card"],
        )
        for r in rows
    ]


async def origin_call_offs(placement_ids: Sequence[int]) -> dict[int, int]:
    """The call-off that placed each child: a moved placement has none of its own, so follow
    `previous_placement_id` back to the child's first placement (bounded, against a corrupt cycle)."""
    if not placement_ids:
        return {}
    rows = await DB.run_querystring(
        QueryString(
            """WITH RECURSIVE chain AS (
                   SELECT id AS start, id, call_off, previous_placement_id, 0 AS depth
                   FROM placements WHERE id = ANY({}::bigint[])
                   UNION ALL
                   SELECT c.start, p.id, p.call_off, p.previous_placement_id, c.depth + 1
                   FROM placements p JOIN chain c ON p.id = c.previous_placement_id WHERE c.depth < 1000
               )
               SELECT DISTINCT ON (start) start, call_off FROM chain
               WHERE call_off IS NOT NULL ORDER BY start, depth""",
            list(placement_ids),
        )
    )
    return {int(r["start"]): int(r["call_off"]) for r in rows}


async def lead_authorities_of_placements(placement_ids: Sequence[int]) -> dict[int, int]:
    """The lead authority of the arrangement each placement was called off under (a moved
    placement: its first placement's)."""
    origins = await origin_call_offs(placement_ids)
    if not origins:
        return {}
    rows = await DB.run_querystring(
        QueryString(
            """SELECT co.id, a.lead_authority FROM call_offs co JOIN arrangements a ON a.id = co.arrangement
               WHERE co.id = ANY({}::bigint[])""",
            sorted(set(origins.values())),
        )
    )
    leads = {int(r["id"]): int(r["lead_authority"]) for r in rows}
    return {placement: leads[call_off] for placement, call_off in origins.items() if call_off in leads}


async def rate_cards_by_id(arrangement_id: int, card_ids: set[int]) -> dict[int, RateCard]:
    """The arrangement's rate cards among `card_ids` (pricing reads them with lines and services)."""
    found: dict[int, RateCard] = {}
    after = 0
    while True:
        page = await pricing.list_rate_card_rows(1000, after, arrangement_id=arrangement_id)
        found.update((c.id, c) for c in page.items if c.id in card_ids)
        if page.next_cursor is None or not page.items:
            return found
        after = page.items[-1].id


async def parties(
    authority_ids: Sequence[int], provider_ids: Sequence[int]
) -> tuple[dict[int, PartyFacts], dict[int, PartyFacts]]:
    """Authorities and providers as parties to a document, each read once."""
    names = await _authority_names(sorted(set(authority_ids)))
    providers: dict[int, PartyFacts] = {}
    if provider_ids:
        rows = await accounts.Provider.select().where(accounts.Provider.id.is_in(sorted(set(provider_ids))))
        providers = {r["id"]: _provider_party(r) for r in rows}
    return {i: PartyFacts(name=n) for i, n in names.items()}, providers
