"""Every shipped template renders with realistic data, read back with python-docx; characters that
break XML come out exactly; unsafe or broken templates are refused with every reason."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from dps.contracts.domain import facts as f
from dps.contracts.domain.contexts import TemplateKind
from dps.contracts.domain.samples import (
    decision_facts,
    fee_variation_facts,
    membership_facts,
    placement_facts,
    sample_context,
)
from dps.contracts.rendering import RenderFailed, check_docx, render_docx
from tests.support.contracts import docx_text, table_rows

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "contracts"
ISSUED = date(2026, 11, 23)
PROVIDER = 'Ysgol y Bryn & "Gofal" <Cymru> Ltd'
ADDRESS = "Tŷ Gwyn, Llanfair\u00adpwll, Ynys Môn LL61 5UJ"


def shipped(kind: TemplateKind) -> bytes:
    return (TEMPLATES / f"{kind.value}.docx").read_bytes()


def template_with(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("kind", list(TemplateKind))
def test_every_shipped_template_passes_the_upload_check_and_is_a4(kind: TemplateKind) -> None:
    assert check_docx(shipped(kind), sample_context(kind)) == []
    section = Document(io.BytesIO(shipped(kind))).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4


@pytest.mark.parametrize("service", ["fostering", "residential", "supported_accommodation", "send"])
def test_placement_agreement_states_parties_child_dates_fees_and_notice(service: str) -> None:
    facts = replace(
        placement_facts(service),
        end_date=date(2027, 7, 31),
        notice_days=35,
        fee_lines=(f.FeeLineFacts("Core placement fee", 123_456), f.FeeLineFacts("Therapy & <extra> support", 5)),
    )
    kind = TemplateKind(f"placement_{service}")
    data = render_docx(shipped(kind), f.placement_context(facts, "IPA-000101", ISSUED))
    rows = table_rows(data)
    text = docx_text(data)

    assert ["The Authority", "Cyngor Sir Ynys Môn & Gwynedd", "Swyddfa'r Cyngor, Llangefni LL77 7TW", ""] in rows
    assert ["The Provider", PROVIDER, ADDRESS, "04561234"] in rows
    assert ["Child reference", "CH-2026-0042"] in rows
    assert ["Setting", "Ysgol y Bryn"] in rows
    assert ["Start date", "1 December 2026"] in rows
    assert ["Planned end date", "31 July 2027"] in rows
    assert ["Notice to end the placement", "35 days"] in rows
    assert ["Core placement fee", "£1,234.56"] in rows
    assert ["Therapy & <extra> support", "£0.05"] in rows
    assert ["Total weekly fee", "£1,234.61"] in rows
    assert "by giving at least 35 days' written notice" in text
    assert "IPA-000101" in text
    assert "{{" not in text and "{%" not in text


def test_an_open_ended_placement_says_so_and_defaults_to_28_days_notice() -> None:
    data = render_docx(
        shipped(TemplateKind.PLACEMENT_RESIDENTIAL), f.placement_context(placement_facts(), "IPA-000101", ISSUED)
    )
    rows = table_rows(data)
    assert ["Planned end date", "open-ended"] in rows
    assert ["Notice to end the placement", "28 days"] in rows


def test_fee_variation_states_old_and_new_fees_and_the_agreement_varied() -> None:
    data = render_docx(
        shipped(TemplateKind.FEE_VARIATION), f.fee_variation_context(fee_variation_facts(), "VAR-000202", ISSUED)
    )
    rows = table_rows(data)
    assert ["Before the variation", "£6,084.56"] in rows
    assert ["From 1 April 2027", "£6,315.77"] in rows
    assert ["Change", "£231.21 (3.8%)"] in rows
    assert ["Agreement varied", "NWD-IPA-000101"] in rows
    assert ["The Provider", PROVIDER, ADDRESS, "04561234"] in rows
    assert "Reason: Annual uplift 2027/28 (3.8% from 1 April) <agreed>." in docx_text(data)


def test_membership_agreement_lists_every_council_and_the_term() -> None:
    data = render_docx(
        shipped(TemplateKind.MEMBERSHIP_AGREEMENT), f.membership_context(membership_facts(), "MEM-000007", ISSUED)
    )
    paragraphs = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert ["Bolton Council", "Manchester City Council", "Cyngor Sir Ynys Môn & Gwynedd"] == [
        p for p in paragraphs if p in {"Bolton Council", "Manchester City Council", "Cyngor Sir Ynys Môn & Gwynedd"}
    ]
    text = docx_text(data)
    assert "Its term runs from 1 April 2026 to 23 February 2029." in text
    assert "run as a Dynamic purchasing system (PCR 2015)." in text
    assert ["Admitted on", "23 November 2026"] in table_rows(data)


def test_decision_letter_has_a_row_per_lot() -> None:
    data = render_docx(
        shipped(TemplateKind.DECISION_LETTER), f.decision_context(decision_facts(), "DEC-000055", ISSUED)
    )
    rows = table_rows(data)
    assert ["LOT-2: Parent & child", "Not admitted", "48%", 'Scored below the 60% threshold on "safeguarding".'] in rows
    assert len([r for r in rows if r[1] in {"Admitted", "Not admitted"}]) == 2


def test_the_document_xml_is_escaped_not_injected() -> None:
    # A value that looks like WordprocessingML must stay text, not become markup.
    hostile = replace(placement_facts(), child_reference='</w:t></w:r><w:r><w:t>INJECTED & "x"')
    data = render_docx(shipped(TemplateKind.PLACEMENT_SEND), f.placement_context(hostile, "IPA-000001", ISSUED))
    assert ["Child reference", '</w:t></w:r><w:r><w:t>INJECTED & "x"'] in table_rows(data)


def test_unknown_variables_and_python_internals_are_all_reported() -> None:
    template = template_with(
        "{{ provider.name }}",
        "{{ child.reference }}",
        "{{ provider.nmae }}",
        "{{ ''.__class__.__mro__ }}",
        "{{ provider.__class__ }}",
    )
    problems = check_docx(template, sample_context(TemplateKind.FEE_VARIATION))
    kinds = sorted(p.kind for p in problems)
    assert kinds == ["sandbox_violation", "sandbox_violation", "undefined_variable", "undefined_variable"]
    messages = " | ".join(p.message for p in problems)
    assert "'child' is undefined" in messages
    assert "no attribute 'nmae'" in messages
    assert "'__class__' of a str" in messages


def test_a_syntax_error_is_reported_with_where_it_is() -> None:
    problems = check_docx(template_with("Fine", "{{ provider.name "), sample_context(TemplateKind.FEE_VARIATION))
    assert len(problems) == 1
    assert problems[0].kind == "syntax_error"
    assert "provider.name" in problems[0].message
    assert problems[0].line is not None


def test_calling_into_python_is_refused() -> None:
    problems = check_docx(
        template_with("{{ cycler.__init__.__globals__.os }}"), sample_context(TemplateKind.DECISION_LETTER)
    )
    assert [p.kind for p in problems] == ["sandbox_violation"]


def test_a_file_that_is_not_a_word_document_is_refused() -> None:
    problems = check_docx(b"PK\x03\x04 not really a zip", sample_context(TemplateKind.DECISION_LETTER))
    assert [p.kind for p in problems] == ["not_a_template"]


def test_rendering_with_a_missing_variable_fails_instead_of_printing_nothing() -> None:
    with pytest.raises(RenderFailed):
        render_docx(template_with("{{ nothing_here }}"), sample_context(TemplateKind.FEE_VARIATION))
