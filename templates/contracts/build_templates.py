"""Build the shipped contract templates (.docx) from this script, so they are reproducible and
their wording can be reviewed as text.

    .venv/bin/python templates/contracts/build_templates.py

Writes one file per template kind next to this script:

- placement_<service type>.docx (fostering, residential, supported_accommodation, send): the
  standard terms of the placement contract for that service type, with the Individual Placement
  Agreement (IPA) as Schedule 1. One document per child placement: the IPA front sheet states the
  parties, child, setting, dates, notice and fees; the terms follow.
- membership_agreement.docx: admission of a provider to a lot of an arrangement.
- fee_variation.docx: a change to a placement's weekly fee from a date.
- decision_letter.docx: the outcome of an application, lot by lot, with reasons.

The wording is our own plain English, structured like the national placement contracts. Jinja
tags use docxtpl syntax (`{{ provider.name }}`, `{%tr for line in fee_lines %}` for table rows,
`{%p ... %}` for paragraphs); the variables are those of `GET /api/v1/contract-templates/variables`.
The zip entries get a fixed timestamp so running the script twice gives identical bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

HERE = Path(__file__).resolve().parent
FIXED_TIME = datetime(2026, 11, 23, tzinfo=UTC)


# --- document helpers ------------------------------------------------------------------------


def new_document(title: str) -> DocumentObject:
    doc = Document()
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)  # A4
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin = section.bottom_margin = Mm(22)
        footer = section.footer.paragraphs[0]
        footer.text = ""
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    normal = doc.styles["Normal"]
    normal.font.name = "Liberation Sans"
    normal.font.size = Pt(10.5)
    props = doc.core_properties
    props.title = title
    props.author = "dps"
    props.created = props.modified = FIXED_TIME.replace(tzinfo=None)
    props.last_modified_by = "dps"
    props.revision = 1
    return doc


def set_footer(doc: DocumentObject, text: str) -> None:
    for section in doc.sections:
        section.footer.paragraphs[0].text = text


def title(doc: DocumentObject, text: str, subtitle: str | None = None) -> None:
    doc.add_heading(text, level=0)
    if subtitle:
        doc.add_paragraph(subtitle)


def heading(doc: DocumentObject, text: str, level: int = 1) -> None:
    doc.add_heading(text, level=level)


def para(doc: DocumentObject, text: str) -> None:
    doc.add_paragraph(text)


def clauses(doc: DocumentObject, number: int, items: Sequence[str]) -> None:
    for i, text in enumerate(items, start=1):
        doc.add_paragraph(f"{number}.{i}\u2003{text}")


def table(doc: DocumentObject, header: Sequence[str] | None, rows: Sequence[Sequence[str]]) -> None:
    columns = len(header) if header else len(rows[0])
    t = doc.add_table(rows=0, cols=columns)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    if header:
        cells = t.add_row().cells
        for cell, text in zip(cells, header, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(text)
            run.bold = True
    for row in rows:
        cells = t.add_row().cells
        for cell, text in zip(cells, row, strict=False):
            cell.text = text
    doc.add_paragraph("")


def key_value_table(doc: DocumentObject, rows: Sequence[tuple[str, str]]) -> None:
    table(doc, None, [list(r) for r in rows])


def parties_table(doc: DocumentObject, parties: Sequence[tuple[str, str]]) -> None:
    """(role, variable prefix) for each party."""
    table(
        doc,
        ["Party", "Name", "Address", "Company number"],
        [
            [
                role,
                f"{{{{ {prefix}.name }}}}",
                f"{{{{ {prefix}.address }}}} {{{{ {prefix}.postcode }}}}",
                f"{{{{ {prefix}.company_number }}}}",
            ]
            for role, prefix in parties
        ],
    )


def signature_block(doc: DocumentObject, parties: Sequence[tuple[str, str]]) -> None:
    heading(doc, "Signed", 2)
    table(
        doc,
        ["For", "Signature", "Name and position", "Date"],
        [[f"{role}: {{{{ {prefix}.name }}}}", "", "", ""] for role, prefix in parties],
    )


def save(doc: DocumentObject, name: str) -> Path:
    raw = io.BytesIO()
    doc.save(raw)
    path = HERE / f"{name}.docx"
    path.write_bytes(_normalised_zip(raw.getvalue()))
    return path


def _normalised_zip(data: bytes) -> bytes:
    """Same content -> same bytes: fixed entry times and order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


# --- placement contracts: standard terms + IPA -------------------------------------------------

# What differs between service types, in our own words.
SERVICE_SPECIFICS = {
    "fostering": {
        "title": "Fostering Placement Contract",
        "regulation": "the Fostering Services (England) Regulations 2011 and the National Minimum Standards for "
        "fostering",
        "carer": "the foster carer approved by the Provider",
        "services": [
            "The Provider will place the Child with a foster carer it has approved, trained and supervises, and will "
            "give the carer 24-hour support.",
            "The Provider will appoint a supervising social worker for the foster carer, who visits at least every "
            "four weeks and records each visit.",
            "The Provider will help the Child keep in touch with family and friends as the care plan sets out, "
            "including supervised contact where required.",
            "The Provider will take part in the Child's statutory reviews and give the independent reviewing officer "
            "a written report before each one.",
        ],
        "schedule": [
            "Carer matching: the Provider explains in writing why the carer suits the Child's assessed needs before "
            "the placement starts.",
            "Respite and short breaks are provided by carers approved by the Provider and known to the Child "
            "wherever possible.",
            "Education: the carer supports the Child's attendance at school and the personal education plan.",
        ],
    },
    "residential": {
        "title": "Residential Placement Contract",
        "regulation": "the Children's Homes (England) Regulations 2015 and the Quality Standards in them",
        "carer": "the registered manager and staff of the Setting",
        "services": [
            "The Provider will care for the Child in the Setting, registered with Ofsted as a children's home, in "
            "line with the Child's care plan and placement plan.",
            "The Provider will keep staffing at the levels stated in its statement of purpose and in the Individual "
            "Placement Agreement, including any additional one-to-one support.",
            "The Provider will send the Authority a written placement report every month and notify it of any "
            "serious incident within 24 hours.",
            "The Provider will take part in the Child's statutory reviews and give the independent reviewing officer "
            "a written report before each one.",
        ],
        "schedule": [
            "Staffing ratios, waking night cover and any one-to-one hours are as stated in the fee lines of Schedule "
            "1.",
            "Regulation 44 independent visitor reports are shared with the Authority within 10 working days of each "
            "visit.",
            "Education: the Provider secures full-time education for the Child and supports the personal education "
            "plan.",
        ],
    },
    "supported_accommodation": {
        "title": "Supported Accommodation Placement Contract",
        "regulation": "the Supported Accommodation (England) Regulations 2023 and their Quality Standards",
        "carer": "the support workers of the Setting",
        "services": [
            "The Provider will give the young person accommodation and support to live more independently, as "
            "registered with Ofsted for 16 and 17 year olds.",
            "The Provider will agree a support plan with the young person within 5 working days of arrival, covering "
            "independence skills, education, training or employment, health and money.",
            "The Provider will keep the young person's key worker hours at the level stated in the fee lines of "
            "Schedule 1.",
            "The Provider will plan with the Authority for the young person's move on, starting no later than six "
            "months before their 18th birthday.",
        ],
        "schedule": [
            "Accommodation type (single occupancy, shared, or with a host) is as stated by the Setting in Schedule 1.",
            "Support hours and on-call arrangements are as stated in the fee lines of Schedule 1.",
            "The Provider supports the young person to claim any benefits and to open a bank account.",
        ],
    },
    "send": {
        "title": "Special School Placement Contract",
        "regulation": "the Children and Families Act 2014, the SEND Code of Practice and the Independent School "
        "Standards",
        "carer": "the head teacher and staff of the school",
        "services": [
            "The Provider will educate the Child at the school named in Schedule 1 and make the special educational "
            "provision in section F of the Child's education, health and care plan.",
            "The Provider will take part in the annual review of the education, health and care plan and send a "
            "written report at least two weeks before the review meeting.",
            "The Provider will tell the Authority at once of any exclusion, and of any absence of more than five "
            "consecutive school days.",
            "Where the placement includes residential care, the Provider will also meet the National Minimum "
            "Standards for residential special schools.",
        ],
        "schedule": [
            "Fees are charged for the school weeks stated in the fee lines of Schedule 1; therapy and transport are "
            "charged only where a fee line says so.",
            "The Provider keeps a record of the therapies delivered against the plan and shares it each term.",
            "The Child's attendance is reported to the Authority every half term.",
        ],
    },
}


def ipa_schedule(doc: DocumentObject) -> None:
    heading(doc, "Schedule 1: Individual Placement Agreement")
    para(
        doc,
        "This Individual Placement Agreement is made under the terms below. It places the Child named "
        "by reference with the Provider from the start date, on the fees and notice stated here.",
    )
    heading(doc, "Parties", 2)
    parties_table(doc, [("The Authority", "authority"), ("The Provider", "provider")])
    heading(doc, "Arrangement", 2)
    key_value_table(
        doc,
        [
            ("Arrangement", "{{ arrangement.title }} ({{ arrangement.reference }})"),
            ("Lot", "{{ lot.code }}: {{ lot.title }}"),
            ("Service", "{{ service.label }}"),
        ],
    )
    heading(doc, "The Child and the Setting", 2)
    key_value_table(
        doc,
        [
            ("Child reference", "{{ child.reference }}"),
            ("Age at start", "{{ child.age }}"),
            ("Assessed needs", "{{ child.needs }}"),
            ("Setting", "{{ setting.name }}"),
            ("Ofsted URN", "{{ setting.ofsted_urn }}"),
            ("Setting postcode", "{{ setting.postcode }}"),
        ],
    )
    heading(doc, "Dates and notice", 2)
    key_value_table(
        doc,
        [
            ("Start date", "{{ placement.start_date }}"),
            ("Planned end date", "{{ placement.end_date }}"),
            ("Notice to end the placement", "{{ placement.notice_days }} days"),
        ],
    )
    heading(doc, "Fees", 2)
    table(
        doc,
        ["Fee line", "Weekly amount"],
        [
            ["{%tr for line in fee_lines %}", ""],
            ["{{ line.description }}", "{{ line.weekly_amount }}"],
            ["{%tr endfor %}", ""],
            ["Total weekly fee", "{{ weekly_total }}"],
        ],
    )


def placement_contract(service_type: str) -> Path:
    spec = SERVICE_SPECIFICS[service_type]
    doc = new_document(spec["title"])
    set_footer(doc, "{{ agreement.reference }} | {{ service.label }} | issued {{ agreement.date }}")
    title(doc, spec["title"], "Standard terms and Individual Placement Agreement")
    key_value_table(
        doc,
        [
            ("Agreement reference", "{{ agreement.reference }}"),
            ("Date", "{{ agreement.date }}"),
            ("Child reference", "{{ child.reference }}"),
            ("Weekly fee", "{{ weekly_total }}"),
        ],
    )
    para(
        doc,
        "This contract is made between {{ authority.name }} (the Authority) and {{ provider.name }} "
        "(the Provider) under {{ arrangement.title }}. It consists of these standard terms and the "
        "schedules. If the Individual Placement Agreement in Schedule 1 and the standard terms disagree, "
        "the Individual Placement Agreement wins for that placement.",
    )

    heading(doc, "1. Definitions and interpretation")
    clauses(
        doc,
        1,
        [
            "Authority means the council named in Schedule 1, which places the Child and pays the fees.",
            "Provider means the organisation named in Schedule 1, which provides the services.",
            "Child means the child or young person identified by reference in Schedule 1. The Child is never named in "
            "this contract; the Authority gives the Provider the Child's details separately and securely.",
            "Setting means the home, agency branch or school named in Schedule 1.",
            f"Regulations means {spec['regulation']}, and any law that replaces them.",
            "Working day means a day other than a Saturday, Sunday or bank holiday in England.",
            "Headings are for convenience only. A reference to a law includes that law as amended.",
        ],
    )
    heading(doc, "2. Term")
    clauses(
        doc,
        2,
        [
            "The placement starts on {{ placement.start_date }} and continues until {{ placement.end_date }}, "
            "unless it ends earlier under clause 5 or clause 9.",
            "An open-ended placement continues until ended under clause 5 or clause 9.",
            "These terms continue to apply after the placement ends to anything that by its nature should survive, "
            "including fees owed, information sharing and records.",
        ],
    )
    heading(doc, "3. The services")
    clauses(doc, 3, [*spec["services"], f"The Provider will comply with {spec['regulation']} at all times."])
    heading(doc, "4. Fees and invoicing")
    clauses(
        doc,
        4,
        [
            "The Authority will pay the weekly fee of {{ weekly_total }}, made up of the fee lines in Schedule 1.",
            "Fees accrue daily from the start date: a part week is charged at one seventh of the weekly fee for each "
            "night.",
            "The Provider invoices the Authority every four weeks in arrears, quoting the agreement reference "
            "{{ agreement.reference }} and the child reference. The Authority pays undisputed invoices within 30 days.",
            "Fees change only by a written fee variation signed by both parties (for example an annual uplift). "
            "No other charge is payable unless agreed in writing in advance.",
            "If the Child is absent for more than 7 consecutive nights (other than agreed leave), the parties will "
            "agree in writing whether a retainer is payable.",
        ],
    )
    heading(doc, "5. Notice to end a placement")
    clauses(
        doc,
        5,
        [
            "Either party may end the placement by giving at least {{ placement.notice_days }} days' written notice "
            "to the other.",
            "Before giving notice the Provider will hold a stability meeting with the Authority and try to keep the "
            "placement going.",
            "The Authority may end the placement at once, paying fees only to the day the Child leaves, if the "
            "Child's safety or welfare requires it.",
            "During the notice period the Provider will work with the Authority so that the Child moves in a "
            "planned way.",
        ],
    )
    heading(doc, "6. Safeguarding")
    clauses(
        doc,
        6,
        [
            "The Provider will keep the Child safe and follow Working Together to Safeguard Children and the "
            "local safeguarding children partnership's procedures.",
            "Every member of staff and carer in contact with the Child has an enhanced DBS check with barred list "
            "check, renewed at least every three years.",
            "The Provider will tell the Authority within 24 hours of any allegation against staff or carers, any "
            "missing episode, any police involvement and any serious incident involving the Child.",
            "The Provider will keep a written safeguarding policy, review it every year and give the Authority a "
            "copy on request.",
        ],
    )
    heading(doc, "7. Information sharing")
    clauses(
        doc,
        7,
        [
            "Each party is a controller of the personal data it processes about the Child under the UK GDPR and "
            "the Data Protection Act 2018, and shares only what is needed for the Child's care.",
            "The Provider will keep records about the Child securely for as long as the Regulations require, and "
            "give copies to the Authority on request.",
            "The councils in the arrangement share information about the Provider's performance and any concern "
            "under the arrangement's information sharing protocol (Schedule 3).",
            "Each party will report a personal data breach about the Child to the other within 24 hours of "
            "becoming aware of it.",
        ],
    )
    heading(doc, "8. Complaints")
    clauses(
        doc,
        8,
        [
            "The Provider will have a complaints procedure that the Child can use easily, and will tell the Child "
            "about advocacy services.",
            "The Provider will tell the Authority of any complaint by or about the Child within 5 working days and "
            "of the outcome.",
            "Disputes between the parties are first discussed by the placement officers, then by senior managers, "
            "and then may be referred to mediation before any court proceedings.",
        ],
    )
    heading(doc, "9. Termination")
    clauses(
        doc,
        9,
        [
            "The Authority may terminate this contract at once by written notice if the Provider's registration "
            "is cancelled or suspended, if the Setting is judged inadequate and the Child's welfare is at risk, or "
            "if the Provider is suspended or removed from the arrangement for a reason that affects the Child.",
            "Either party may terminate this contract if the other commits a material breach and does not put it "
            "right within 10 working days of written notice.",
            "On termination the Provider co-operates fully in moving the Child, and fees are payable only up to the "
            "day the Child leaves.",
        ],
    )
    heading(doc, "10. Schedules")
    clauses(
        doc,
        10,
        [
            "Schedule 1: Individual Placement Agreement (parties, child, setting, dates, notice and fees).",
            "Schedule 2: Service specification for {{ service.label }}.",
            "Schedule 3: Information sharing protocol (summary).",
        ],
    )

    ipa_schedule(doc)
    heading(doc, "Schedule 2: Service specification")
    para(doc, f"The services are provided by {spec['carer']} as follows.")
    for i, text in enumerate(spec["schedule"], start=1):
        para(doc, f"S2.{i}\u2003{text}")
    heading(doc, "Schedule 3: Information sharing protocol (summary)")
    for i, text in enumerate(
        [
            "A council that has a concern about the Provider issues a notice to every council in the arrangement.",
            "The Provider is told of the concern and may respond; the issuing council rescinds it when rectified.",
            "Where the notice says so, the Provider is not invited to new placement requests while it is live.",
        ],
        start=1,
    ):
        para(doc, f"S3.{i}\u2003{text}")
    signature_block(doc, [("The Authority", "authority"), ("The Provider", "provider")])
    return save(doc, f"placement_{service_type}")


# --- membership agreement, fee variation, decision letter -------------------------------------


def membership_agreement() -> Path:
    doc = new_document("Membership Agreement")
    set_footer(doc, "{{ agreement.reference }} | membership agreement | {{ agreement.date }}")
    title(doc, "Membership Agreement", "Admission to {{ arrangement.title }}")
    key_value_table(
        doc,
        [
            ("Agreement reference", "{{ agreement.reference }}"),
            ("Date", "{{ agreement.date }}"),
            ("Arrangement", "{{ arrangement.title }} ({{ arrangement.reference }})"),
            ("Lot", "{{ lot.code }}: {{ lot.title }}"),
            ("Service", "{{ service.label }}"),
            ("Membership number", "{{ membership.number }}"),
            ("Admitted on", "{{ membership.started_on }}"),
        ],
    )
    heading(doc, "Parties")
    parties_table(doc, [("Lead authority", "lead_authority"), ("Provider", "provider")])
    heading(doc, "1. Admission")
    clauses(
        doc,
        1,
        [
            "{{ lead_authority.name }}, for itself and the councils listed in clause 2, admits {{ provider.name }} "
            "to lot {{ lot.code }} of {{ arrangement.title }} from {{ membership.started_on }}.",
            "Admission does not guarantee any placement. Placements are called off by competition among the "
            "eligible members of the lot, and each is made under the placement contract for the service type.",
        ],
    )
    heading(doc, "2. Councils that may call off")
    para(doc, "The following councils may call off placements under the arrangement:")
    para(doc, "{%p for name in member_authorities %}")
    doc.add_paragraph("{{ name }}", style="List Bullet")
    para(doc, "{%p endfor %}")
    heading(doc, "3. Procedure and term")
    clauses(
        doc,
        3,
        [
            "The arrangement is run as a {{ term.procedure }}.",
            "Its term runs from {{ term.start_date }} to {{ term.end_date }}. Membership ends when the term ends, "
            "unless it is ended earlier under clause 5.",
        ],
    )
    heading(doc, "4. Conditions of membership")
    clauses(
        doc,
        4,
        [
            "The Provider keeps its registration, insurance, policies and other evidence current and uploads "
            "renewed evidence before the old evidence expires.",
            "The Provider keeps its rate card within the price bands of the lot unless an exception is approved.",
            "The Provider answers placement requests honestly and holds any offer it makes open until the award.",
        ],
    )
    heading(doc, "5. Suspension and removal")
    clauses(
        doc,
        5,
        [
            "The lead authority may suspend the Provider's membership while a condition in clause 4 is not met, or "
            "while a concern under the information sharing protocol says so, and reinstates it when put right.",
            "The lead authority may remove the Provider from the arrangement for a serious or persistent breach, "
            "giving reasons in writing.",
        ],
    )
    signature_block(doc, [("Lead authority", "lead_authority"), ("Provider", "provider")])
    return save(doc, "membership_agreement")


def fee_variation() -> Path:
    doc = new_document("Fee Variation")
    set_footer(doc, "{{ variation.reference }} | fee variation | {{ variation.date }}")
    title(doc, "Contract Variation: Weekly Fee")
    key_value_table(
        doc,
        [
            ("Variation reference", "{{ variation.reference }}"),
            ("Date", "{{ variation.date }}"),
            ("Agreement varied", "{{ contract_reference }}"),
            ("Child reference", "{{ child_reference }}"),
        ],
    )
    heading(doc, "Parties")
    parties_table(doc, [("The Authority", "authority"), ("The Provider", "provider")])
    heading(doc, "1. The variation")
    clauses(
        doc,
        1,
        [
            "The parties agree to vary the Individual Placement Agreement {{ contract_reference }} for the child "
            "with reference {{ child_reference }} as set out below, under clause 4.4 of the standard terms.",
            "Reason: {{ reason }}.",
        ],
    )
    heading(doc, "2. The new weekly fee")
    table(
        doc,
        ["", "Weekly fee"],
        [
            ["Before the variation", "{{ previous_weekly_fee }}"],
            ["From {{ effective_date }}", "{{ new_weekly_fee }}"],
            ["Change", "{{ weekly_change }} ({{ change_percentage }})"],
        ],
    )
    heading(doc, "3. Everything else stays the same")
    clauses(
        doc,
        3,
        [
            "The new weekly fee applies to nights from {{ effective_date }}. Invoices for earlier nights use the "
            "previous fee.",
            "All other terms of the agreement, including the notice to end the placement, are unchanged.",
        ],
    )
    signature_block(doc, [("The Authority", "authority"), ("The Provider", "provider")])
    return save(doc, "fee_variation")


def decision_letter() -> Path:
    doc = new_document("Decision Letter")
    set_footer(doc, "{{ letter.reference }} | decision letter | {{ letter.date }}")
    para(doc, "{{ lead_authority.name }}")
    para(doc, "{{ lead_authority.address }} {{ lead_authority.postcode }}")
    para(doc, "{{ letter.date }}")
    para(doc, "To: {{ provider.name }}, {{ provider.address }} {{ provider.postcode }}")
    para(doc, "Our reference: {{ letter.reference }}")
    title(doc, "Decision on your application")
    para(
        doc,
        "Thank you for your application number {{ application.number }} to {{ arrangement.title }} "
        "({{ arrangement.reference }}), submitted on {{ application.submitted_on }}. We made our decision on "
        "{{ decided_on }}. Our decision for each lot you applied for, with the reasons, is below.",
    )
    table(
        doc,
        ["Lot", "Decision", "Quality score", "Reasons"],
        [
            ["{%tr for d in decisions %}", "", "", ""],
            ["{{ d.lot_code }}: {{ d.lot_title }}", "{{ d.outcome }}", "{{ d.score }}", "{{ d.reasons }}"],
            ["{%tr endfor %}", "", "", ""],
        ],
    )
    heading(doc, "What happens next")
    para(
        doc,
        "Where you have been admitted, your membership starts on the date of this letter and a membership "
        "agreement follows. Where you have not, you may ask for a debrief within 10 working days and you may "
        "apply again.",
    )
    para(doc, "Yours faithfully,")
    para(doc, "Commissioning team, {{ lead_authority.name }}")
    return save(doc, "decision_letter")


def build_all() -> list[Path]:
    paths = [placement_contract(service) for service in SERVICE_SPECIFICS]
    paths += [membership_agreement(), fee_variation(), decision_letter()]
    return paths


if __name__ == "__main__":
    for path in build_all():
        print(f"wrote {path.relative_to(HERE.parents[1])}")
