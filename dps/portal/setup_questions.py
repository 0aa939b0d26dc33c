"""Setting up an arrangement's questionnaire (pass or fail, scored and weighted with descriptors of
each score, information and evidence questions, each for every lot or some) and its compliance
requirements chosen from the catalogue. Part of the officer's set-up task list (`setup`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from dps.accounts.domain import DocumentType
from dps.compliance import public as compliance
from dps.compliance.domain.requirements import InsuranceKind, Requirement, RequirementKind
from dps.compliance.public import RequirementIn
from dps.core.errors import DomainError
from dps.core.pagination import MAX_LIMIT
from dps.frameworks import public as frameworks
from dps.frameworks.domain.arrangements import Arrangement
from dps.frameworks.domain.questionnaires import QuestionKind
from dps.frameworks.public import QuestionIn
from dps.portal.forms import Form, shape_error
from dps.portal.setup import BASE, managed, problem, setup_path, shaped
from dps.portal.templating import pounds
from dps.portal.web import Portal, page, redirect

# The kinds of question the builder offers, in an officer's words.
KINDS: list[tuple[QuestionKind, str, str]] = [
    (QuestionKind.PASS_FAIL, "Pass or fail", "A gateway: a provider that fails it cannot join"),
    (QuestionKind.SCORED, "Scored and weighted", "Evaluators mark it out of a maximum; its weight counts to the total"),
    (QuestionKind.TEXT, "Information only", "Asked for information, not marked"),
    (QuestionKind.NUMBER, "A number", "A figure, such as how many carers it has; not marked"),
    (QuestionKind.EVIDENCE, "A document", "The provider attaches evidence, such as a policy"),
]
# The documents an evidence question may ask for.
EVIDENCE_TYPES: list[tuple[DocumentType, str]] = [
    (DocumentType.INSURANCE_CERTIFICATE, "Insurance certificate"),
    (DocumentType.OFSTED_REPORT, "Ofsted report"),
    (DocumentType.ACCOUNTS, "Accounts"),
    (DocumentType.SAFEGUARDING_POLICY, "Safeguarding policy"),
    (DocumentType.DBS_POLICY, "DBS policy"),
    (DocumentType.DATA_PROTECTION, "Data protection (DSPT) evidence"),
    (DocumentType.MODERN_SLAVERY_STATEMENT, "Modern slavery statement"),
    (DocumentType.POLICY, "Another policy"),
    (DocumentType.OTHER, "Another document"),
]
_DESCRIPTOR = re.compile(r"^(\d{1,3})\s*[:=-]\s*(.+)$")


@dataclass(frozen=True, slots=True)
class CatalogueItem:
    """A due-diligence requirement the consortium commonly asks for (DESIGN.md "Compliance")."""

    key: str
    title: str
    kind: RequirementKind
    hint: str = ""


INSURANCE_WORDS: list[tuple[InsuranceKind, str]] = [
    (InsuranceKind.EMPLOYERS_LIABILITY, "Employer's liability insurance"),
    (InsuranceKind.PUBLIC_LIABILITY, "Public liability insurance"),
    (InsuranceKind.PROFESSIONAL_INDEMNITY, "Professional indemnity insurance"),
    (InsuranceKind.HISTORICAL_ABUSE, "Historical abuse cover"),
]
CATALOGUE: list[CatalogueItem] = [
    CatalogueItem(
        "insurance",
        "Insurance",
        RequirementKind.INSURANCE,
        hint="Employer's liability (at least £5,000,000 by law), public liability, professional indemnity or "
        "historical abuse cover",
    ),
    CatalogueItem(
        "credit_score", "Credit score", RequirementKind.CREDIT_SCORE, hint="Scores in bands: accept, review, reject"
    ),
    CatalogueItem("accounts", "Two years' accounts", RequirementKind.ACCOUNTS, hint="With a minimum current ratio"),
    CatalogueItem(
        "ofsted",
        "Ofsted registration and grade",
        RequirementKind.OFSTED,
        hint="Each setting: registered, not Inadequate",
    ),
    CatalogueItem("safeguarding_policy", "Safeguarding policy", RequirementKind.SAFEGUARDING_POLICY),
    CatalogueItem("dbs_policy", "DBS policy", RequirementKind.DBS_POLICY),
    CatalogueItem("data_protection", "Data protection (DSPT)", RequirementKind.DATA_PROTECTION),
    CatalogueItem(
        "modern_slavery",
        "Modern slavery statement",
        RequirementKind.MODERN_SLAVERY,
        hint="Only from providers with a turnover of £36 million or more",
    ),
]
BY_KEY = {item.key: item for item in CATALOGUE}


def asked(requirement: Requirement) -> str:
    """What a requirement asks of a provider, in words."""
    r = requirement
    if r.kind is RequirementKind.INSURANCE and r.min_cover_pence is not None:
        return f"Cover of at least {pounds(r.min_cover_pence)}"
    if r.kind is RequirementKind.CREDIT_SCORE and r.credit_bands is not None:
        b = r.credit_bands
        return (
            f"Accept {b.accept_from} to 100, review {b.review_from} to {b.accept_from - 1}, "
            f"reject below {b.review_from}"
        )
    if r.kind is RequirementKind.ACCOUNTS and r.min_current_ratio is not None:
        return f"Current ratio of at least {r.min_current_ratio}"
    if r.kind is RequirementKind.OFSTED:
        return "Each setting registered; Inadequate fails"
    if r.kind is RequirementKind.MODERN_SLAVERY:
        return f"From providers with a turnover of {pounds(r.turnover_threshold_pence)} or more"
    return "A current document"


def _decimal(form: Form, name: str, what: str) -> Decimal | None:
    raw = form.get(name)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal(-1)
    if not raw or not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        form.error(name, f"{what} must be a number above 0, like 20")
        return None
    return value


def read_descriptors(form: Form, name: str, max_score: int | None) -> list[dict[str, Any]]:
    """What each score means, one a line as 'score: meaning' (e.g. '3: good, with evidence')."""
    found = []
    for line in (x.strip() for x in form.get(name).splitlines()):
        if not line:
            continue
        match = _DESCRIPTOR.match(line)
        if match is None:
            form.error(
                name, f"Write each descriptor as the score, a colon and what it means, like 3: good (not '{line}')"
            )
            continue
        score = int(match.group(1))
        if max_score is not None and score > max_score:
            form.error(name, f"Descriptors describe scores from 0 to the maximum score, {max_score}")
        found.append({"score": score, "meaning": match.group(2).strip()})
    return found


class QuestionPages(Controller):
    path = BASE

    @get("/{arrangement_id:int}/questions", name="council_setup_questions")
    async def questions(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template:
        arrangement = await managed(portal, arrangement_id)
        return await self._questions_page(portal, arrangement, Form(values={"mandatory": "yes", "lot_ids": []}))

    @staticmethod
    async def _questions_page(portal: Portal, arrangement: Arrangement, form: Form, status: int = 200) -> Template:
        lots = (await frameworks.list_lots(portal.ctx, arrangement.id, MAX_LIMIT, 0)).items
        found = await frameworks.list_questions(portal.ctx, arrangement.id)
        return page(
            portal,
            "council/setup/questions.html",
            status_code=status,
            arrangement=arrangement,
            questions=sorted(found, key=lambda q: (q.position, q.id)),
            lots=lots,
            applies_to={
                q.id: ", ".join(sorted(lot.code for lot in lots if lot.id in q.lot_ids)) or "Every lot" for q in found
            },
            kinds=KINDS,
            kind_words={k.value: words for k, words, _ in KINDS},
            evidence_types=[(t.value, words) for t, words in EVIDENCE_TYPES],
            form=form,
        )

    @post("/{arrangement_id:int}/questions", status_code=303)
    async def add_question(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template | Redirect:
        """Add a question for every lot or the lots chosen."""
        arrangement = await managed(portal, arrangement_id)
        form = Form.of(await portal.request.form(), multi=("lot_ids",))
        section = form.required("section", "Enter the section, like Safeguarding")
        text = form.required("text", "Enter the question")
        kind = next((k for k, _, _ in KINDS if k.value == form.get("kind")), None)
        if kind is None:
            form.error("kind", "Select what kind of question it is")
        max_score, weight, descriptors, evidence_type = 0, Decimal(0), [], None
        if kind is QuestionKind.SCORED:
            max_score = form.whole_number("max_score", "Maximum score", 1, 100) or 0
            weight = _decimal(form, "weight", "The weight") or Decimal(0)
            descriptors = read_descriptors(form, "descriptors", max_score or None)
        if kind is QuestionKind.EVIDENCE:
            evidence_type = form.get("evidence_type")
            if evidence_type not in {t.value for t, _ in EVIDENCE_TYPES}:
                form.error("evidence_type", "Select the document the provider attaches")
        lot_ids = [int(v) for v in form.getall("lot_ids") if v.isdigit()]
        if form.ok and kind is not None:
            existing = await frameworks.list_questions(portal.ctx, arrangement_id)
            try:
                data = shaped(
                    QuestionIn,
                    section=section,
                    position=max((q.position for q in existing), default=0) + 1,
                    text=text,
                    kind=kind.value,
                    mandatory=form.get("mandatory") != "no",
                    max_score=max_score,
                    weight=weight,
                    descriptors=descriptors,
                    evidence_type=evidence_type,
                    lot_ids=lot_ids,
                )
                await frameworks.add_question(portal.ctx, arrangement_id, data.to_domain())
            except msgspec.ValidationError as exc:
                shape_error(form, exc)
            except DomainError as exc:
                problem(form, exc, "text")
            else:
                return redirect(portal, setup_path(arrangement_id, "questions"), banner="question_added")
        return await self._questions_page(portal, arrangement, form, status=400)

    @post("/{arrangement_id:int}/questions/{question_id:int}/remove", status_code=303)
    async def remove_question(
        self, portal: NamedDependency[Portal], arrangement_id: FromPath[int], question_id: FromPath[int]
    ) -> Template | Redirect:
        arrangement = await managed(portal, arrangement_id)
        form = Form(values={"mandatory": "yes", "lot_ids": []})
        try:
            await frameworks.remove_question(portal.ctx, arrangement_id, question_id)
        except DomainError as exc:
            problem(form, exc)
        else:
            return redirect(portal, setup_path(arrangement_id, "questions"), banner="question_removed")
        return await self._questions_page(portal, arrangement, form, status=400)

    # --- compliance requirements -------------------------------------------------------------

    @get("/{arrangement_id:int}/requirements", name="council_setup_requirements")
    async def requirements(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template:
        arrangement = await managed(portal, arrangement_id)
        defaults = {"accept_from": "51", "review_from": "21", "min_current_ratio": "1.0"}
        return await self._requirements_page(portal, arrangement, Form(values=defaults))

    @staticmethod
    async def _requirements_page(portal: Portal, arrangement: Arrangement, form: Form, status: int = 200) -> Template:
        found = await compliance.list_requirements(portal.ctx, arrangement.id)
        return page(
            portal,
            "council/setup/requirements.html",
            status_code=status,
            arrangement=arrangement,
            requirements=[(r, asked(r)) for r in found],
            catalogue=CATALOGUE,
            insurance_kinds=[(k.value, words) for k, words in INSURANCE_WORDS],
            form=form,
        )

    @post("/{arrangement_id:int}/requirements", status_code=303)
    async def add_requirement(
        self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]
    ) -> Template | Redirect:
        """Ask providers for one of the catalogue's due-diligence checks."""
        arrangement = await managed(portal, arrangement_id)
        form = Form.of(await portal.request.form())
        item = BY_KEY.get(form.get("item"))
        if item is None:
            form.error("item", "Select a requirement from the catalogue")
        fields: dict[str, Any] = {}
        title = item.title if item is not None else ""
        if item is not None and item.kind is RequirementKind.INSURANCE:
            insurance = next((k for k, _ in INSURANCE_WORDS if k.value == form.get("insurance_kind")), None)
            if insurance is None:
                form.error("insurance_kind", "Select the kind of insurance")
            fields = {"insurance_kind": insurance, "min_cover_pence": form.pounds("min_cover", "Minimum cover")}
            title = next((words for k, words in INSURANCE_WORDS if k is insurance), item.title)
        elif item is not None and item.kind is RequirementKind.CREDIT_SCORE:
            accept = form.whole_number("accept_from", "Lowest score accepted", 1, 100)
            review = form.whole_number("review_from", "Lowest score reviewed", 1, 100)
            if accept is not None and review is not None and review > accept:
                form.error("review_from", "The lowest score reviewed must not be above the lowest score accepted")
            fields = {"credit_bands": {"accept_from": accept, "review_from": review}}
        elif item is not None and item.kind is RequirementKind.ACCOUNTS:
            fields = {"min_current_ratio": _decimal(form, "min_current_ratio", "The minimum current ratio")}
        if form.ok and item is not None:
            try:
                data = shaped(RequirementIn, kind=item.kind, title=form.get("title") or title, **fields)
                await compliance.add_requirement(portal.ctx, arrangement_id, data.to_domain())
            except msgspec.ValidationError as exc:
                shape_error(form, exc, {"min_cover_pence": "min_cover"})
            except DomainError as exc:
                problem(form, exc, "item")
            else:
                return redirect(portal, setup_path(arrangement_id, "requirements"), banner="requirement_added")
        return await self._requirements_page(portal, arrangement, form, status=400)

    @post("/{arrangement_id:int}/requirements/{requirement_id:int}/remove", status_code=303)
    async def remove_requirement(
        self, portal: NamedDependency[Portal], arrangement_id: FromPath[int], requirement_id: FromPath[int]
    ) -> Template | Redirect:
        arrangement = await managed(portal, arrangement_id)
        form = Form()
        try:
            await compliance.remove_requirement(portal.ctx, arrangement_id, requirement_id)
        except DomainError as exc:
            problem(form, exc)
        else:
            return redirect(portal, setup_path(arrangement_id, "requirements"), banner="requirement_removed")
        return await self._requirements_page(portal, arrangement, form, status=400)


CONTROLLERS: list[Any] = [QuestionPages]
