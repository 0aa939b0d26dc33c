"""Contracts' pure rules: money and dates as a contract writes them, the lifecycle, signatures
tied to a document hash, template versions, facts checks and the variables catalogue."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from dps.contracts.domain import facts as f
from dps.contracts.domain.contexts import TemplateKind, catalogue, placement_template_kind
from dps.contracts.domain.contracts import (
    Contract,
    ContractKind,
    ContractStatus,
    PdfStatus,
    Signature,
    SignatureMethod,
    StoredFile,
    reference_for,
)
from dps.contracts.domain.formatting import money, percentage, percentage_change
from dps.contracts.domain.samples import fee_variation_facts, placement_facts, sample_context
from dps.contracts.domain.templates import TemplateStatus, TemplateVersion, require_approved
from dps.core.dates import long_date
from dps.core.errors import Conflict, IllegalTransition, RuleViolation

AT = datetime(2026, 11, 23, 10, tzinfo=UTC)
DOC_HASH = "a" * 64


@pytest.mark.parametrize(
    ("pence", "text"),
    [
        (0, "£0.00"),
        (1, "£0.01"),
        (99, "£0.99"),
        (100, "£1.00"),
        (99_999, "£999.99"),
        (100_000, "£1,000.00"),
        (123_456, "£1,234.56"),
        (123_456_789, "£1,234,567.89"),
        (-1_234, "-£12.34"),
    ],
)
def test_money_reads_as_pounds_from_pence(pence: int, text: str) -> None:
    assert money(pence) == text


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2027, 4, 1), "1 April 2027"),
        (date(2026, 11, 23), "23 November 2026"),
        (date(2029, 2, 23), "23 February 2029"),
    ],
)
def test_dates_read_as_in_legal_documents(day: date, text: str) -> None:
    assert long_date(day) == text


@pytest.mark.parametrize(
    ("old", "new", "change", "text"),
    [
        (100_000, 103_800, Decimal("3.80"), "3.8%"),
        (100_000, 100_000, Decimal("0.00"), "0%"),
        (300, 301, Decimal("0.33"), "0.33%"),
        (200, 201, Decimal("0.50"), "0.5%"),  # half up, not to even
        (100_000, 97_500, Decimal("-2.50"), "-2.5%"),
    ],
)
def test_percentage_change_is_two_decimals_half_up(old: int, new: int, change: Decimal, text: str) -> None:
    assert percentage_change(old, new) == change
    assert percentage(change) == text


def _contract(
    status: ContractStatus = ContractStatus.DRAFT, kind: ContractKind = ContractKind.PLACEMENT_AGREEMENT
) -> Contract:
    return Contract(
        id=7,
        reference=reference_for(kind, 7),
        kind=kind,
        status=status,
        template_kind=TemplateKind.PLACEMENT_FOSTERING,
        template_version_id=1,
        template_sha256="b" * 64,
        provider_id=2,
        authority_ids=frozenset({1}),
        subject_key="placement:7",
        parent_id=None,
        title="IPA",
        document=StoredFile(key="contracts/7.docx", sha256=DOC_HASH, size_bytes=10),
        pdf_status=PdfStatus.PENDING,
        pdf=None,
        starts_on=None,
        ends_on=None,
        created_at=AT,
        created_by=None,
    )


def _signature(sha256: str = DOC_HASH) -> Signature:
    return Signature(method=SignatureMethod.ELECTRONIC, user_id=5, at=AT, sha256=sha256)


def test_references_are_prefixed_by_kind_and_zero_padded() -> None:
    assert reference_for(ContractKind.PLACEMENT_AGREEMENT, 123) == "IPA-000123"
    assert reference_for(ContractKind.FEE_VARIATION, 1_234_567) == "VAR-1234567"


def test_a_contract_goes_from_draft_to_ended_each_step_recorded() -> None:
    issued = _contract().issue(by=3, at=AT)
    signed = issued.sign(_signature())
    active = signed.activate(AT)
    ended = active.end(AT)
    assert [c.status for c in (issued, signed, active, ended)] == [
        ContractStatus.ISSUED,
        ContractStatus.SIGNED,
        ContractStatus.ACTIVE,
        ContractStatus.ENDED,
    ]
    assert issued.issued_by == 3
    assert signed.signature == _signature()
    assert ended.version == 5


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (ContractStatus.DRAFT, "sign"),
        (ContractStatus.DRAFT, "activate"),
        (ContractStatus.ISSUED, "issue"),
        (ContractStatus.ISSUED, "activate"),
        (ContractStatus.SIGNED, "end"),
        (ContractStatus.ENDED, "terminate"),
        (ContractStatus.TERMINATED, "issue"),
    ],
)
def test_steps_out_of_order_are_refused(status: ContractStatus, step: str) -> None:
    contract = _contract(status)
    with pytest.raises(IllegalTransition):
        if step == "sign":
            contract.sign(_signature())
        elif step == "terminate":
            contract.terminate("reason", AT)
        elif step == "issue":
            contract.issue(1, AT)
        else:
            getattr(contract, step)(AT)


def test_an_electronic_signature_must_name_the_current_document() -> None:
    issued = _contract(ContractStatus.ISSUED)
    with pytest.raises(Conflict) as refused:
        issued.sign(_signature("c" * 64))
    assert refused.value.code == "document_hash_mismatch"
    assert refused.value.extra["current_sha256"] == DOC_HASH


def test_a_signed_copy_is_recorded_with_its_own_hash() -> None:
    copy = Signature(method=SignatureMethod.SIGNED_COPY, user_id=5, at=AT, sha256="d" * 64, document_id=9)
    signed = _contract(ContractStatus.ISSUED).sign(copy)
    assert signed.signature == copy


def test_a_decision_letter_is_not_signed() -> None:
    letter = _contract(ContractStatus.ISSUED, ContractKind.DECISION_LETTER)
    with pytest.raises(RuleViolation) as refused:
        letter.sign(_signature())
    assert refused.value.code == "not_signable"


@pytest.mark.parametrize(
    "status", [ContractStatus.DRAFT, ContractStatus.ISSUED, ContractStatus.SIGNED, ContractStatus.ACTIVE]
)
def test_termination_needs_a_reason_and_is_possible_until_the_end(status: ContractStatus) -> None:
    with pytest.raises(RuleViolation):
        _contract(status).terminate("  ", AT)
    terminated = _contract(status).terminate(" Provider deregistered ", AT)
    assert terminated.status is ContractStatus.TERMINATED
    assert terminated.termination_reason == "Provider deregistered"


def _version(status: TemplateStatus) -> TemplateVersion:
    return TemplateVersion(
        id=1,
        kind=TemplateKind.FEE_VARIATION,
        version=2,
        status=status,
        filename="fee_variation.docx",
        note="",
        storage_key="k",
        sha256="e" * 64,
        size_bytes=1,
        uploaded_by=3,
        uploaded_at=AT,
    )


def test_template_versions_go_draft_approved_retired() -> None:
    approved = _version(TemplateStatus.DRAFT).approve(by=3, at=AT)
    assert approved.status is TemplateStatus.APPROVED
    require_approved(approved)
    retired = approved.retire(AT)
    assert retired.status is TemplateStatus.RETIRED
    with pytest.raises(RuleViolation):
        require_approved(retired)
    with pytest.raises(IllegalTransition):
        retired.approve(by=3, at=AT)
    with pytest.raises(IllegalTransition):
        approved.approve(by=3, at=AT)
    with pytest.raises(RuleViolation) as draft_refused:
        require_approved(_version(TemplateStatus.DRAFT))
    assert draft_refused.value.code == "template_not_approved"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"fee_lines": ()}, "no_fee_lines"),
        ({"fee_lines": (f.FeeLineFacts("Core", -1),)}, "negative_fee"),
        ({"notice_days": 0}, "invalid_notice_period"),
        ({"start_date": date(2026, 12, 2), "end_date": date(2026, 12, 1)}, "invalid_placement_dates"),
    ],
)
def test_placement_facts_are_checked(change: dict[str, object], code: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        f.check_placement(replace(placement_facts(), **change))  # type: ignore[arg-type]
    assert refused.value.code == code


def test_a_placement_ending_the_day_it_starts_is_allowed_and_notice_defaults_to_28_days() -> None:
    facts = replace(placement_facts(), start_date=date(2026, 12, 1), end_date=date(2026, 12, 1))
    context = f.placement_context(facts, "IPA-000001", date(2026, 11, 23))
    assert context.placement.notice_days == 28
    assert context.placement.end_date == "1 December 2026"
    assert context.weekly_total == "£6,084.56"


def test_a_fee_variation_must_change_the_fee() -> None:
    with pytest.raises(RuleViolation) as refused:
        f.check_fee_variation(replace(fee_variation_facts(), new_weekly_pence=608_456))
    assert refused.value.code == "no_fee_change"
    context = f.fee_variation_context(fee_variation_facts(), "VAR-000001", date(2026, 11, 23))
    assert (context.previous_weekly_fee, context.new_weekly_fee, context.weekly_change) == (
        "£6,084.56",
        "£6,315.77",
        "£231.21",
    )
    assert context.change_percentage == "3.8%"


@pytest.mark.parametrize("service", ["fostering", "residential", "supported_accommodation", "send"])
def test_each_service_type_has_its_placement_template(service: str) -> None:
    assert placement_template_kind(service).value == f"placement_{service}"


def test_the_catalogue_lists_every_variable_with_type_description_and_sample() -> None:
    variables = {
        v.name: v
        for v in catalogue(TemplateKind.PLACEMENT_RESIDENTIAL, sample_context(TemplateKind.PLACEMENT_RESIDENTIAL))
    }
    assert variables["provider.name"].kind == "text"
    assert variables["provider.name"].sample == 'Ysgol y Bryn & "Gofal" <Cymru> Ltd'
    assert variables["placement.notice_days"].kind == "integer"
    assert variables["placement.notice_days"].sample == 28
    assert variables["fee_lines"].kind == "list"
    assert variables["fee_lines[].weekly_amount"].kind == "money"
    assert variables["fee_lines[].weekly_amount"].sample == "£4,850.00"
    assert variables["weekly_total"].sample == "£6,084.56"
    assert all(v.description for v in variables.values())
    members = {
        v.name: v
        for v in catalogue(TemplateKind.MEMBERSHIP_AGREEMENT, sample_context(TemplateKind.MEMBERSHIP_AGREEMENT))
    }
    assert members["member_authorities"].kind == "list of text"
    assert "child.reference" not in members
