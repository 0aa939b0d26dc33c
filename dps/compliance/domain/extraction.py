"""Reading proposed values out of the text of an insurance certificate or an Ofsted report.

Pure text work: the PDF adapter (`dps.compliance.pdf`) turns pages into text, this module finds
the values. Everything found is a proposal for an officer to confirm, never a decision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from dps.accounts.domain import OfstedGrade
from dps.compliance.domain.requirements import InsuranceKind


class ExtractionKind(StrEnum):
    INSURANCE_CERTIFICATE = "insurance_certificate"
    OFSTED_REPORT = "ofsted_report"


@dataclass(frozen=True, slots=True)
class ProposedCover:
    insurance_kind: InsuranceKind
    limit_pence: int | None


@dataclass(frozen=True, slots=True)
class InsuranceProposal:
    covers: tuple[ProposedCover, ...]
    starts_on: date | None
    expires_on: date | None
    insurer: str | None

    @property
    def found_anything(self) -> bool:
        return bool(self.covers) or self.expires_on is not None


@dataclass(frozen=True, slots=True)
class OfstedProposal:
    urn: str | None
    inspection_date: date | None
    overall_effectiveness: OfstedGrade | None

    @property
    def found_anything(self) -> bool:
        return self.urn is not None or self.inspection_date is not None or self.overall_effectiveness is not None


MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}

_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WORD_DATE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_MONEY = re.compile(
    r"(?:£|GBP\s?)\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*(m\b|million\b|mn\b|k\b)?",
    re.IGNORECASE,
)

# Insurers word the classes differently; each pattern names one class (UK market usage).
_KIND_PATTERNS: tuple[tuple[InsuranceKind, re.Pattern[str]], ...] = (
    (InsuranceKind.EMPLOYERS_LIABILITY, re.compile(r"employer['’]?s['’]?\s+liability", re.IGNORECASE)),
    (InsuranceKind.PUBLIC_LIABILITY, re.compile(r"public(?:\s+and\s+products)?\s+liability", re.IGNORECASE)),
    (InsuranceKind.PROFESSIONAL_INDEMNITY, re.compile(r"professional\s+indemnity", re.IGNORECASE)),
    (
        InsuranceKind.HISTORICAL_ABUSE,
        re.compile(r"(?:historic(?:al)?\s+)?abuse(?:\s+and\s+molestation)?", re.IGNORECASE),
    ),
)
_INSURER = re.compile(r"^\s*(?:insurer|underwritten\s+by|insurance\s+company)\s*[:\-]?\s*(.+?)\s*$", re.IGNORECASE)
_LIMIT_LABEL = re.compile(r"limit\s+of\s+indemnity|indemnity\s+limit|sum\s+insured|limit", re.IGNORECASE)

_URN = re.compile(
    r"(?:unique\s+reference\s+number|\bURN\b)\s*[:\-]?\s*((?:SC|EY)?\s?\d{6,7})\b",
    re.IGNORECASE,
)
_INSPECTION_LABEL = re.compile(r"(?:date\s+of\s+inspection|inspection\s+dates?|inspected\s+on)", re.IGNORECASE)
_OVERALL_LABEL = re.compile(
    r"(?:overall\s+effectiveness|overall\s+experiences\s+and\s+progress\s+of\s+children(?:\s+and\s+young\s+people)?"
    r"|overall\s+judgement|overall\s+outcome)",
    re.IGNORECASE,
)
# Longest first, so "requires improvement to be good" is not read as "good".
_GRADE_WORDS: tuple[tuple[re.Pattern[str], OfstedGrade], ...] = (
    (re.compile(r"requires\s+improvement(?:\s+to\s+be\s+good)?", re.IGNORECASE), OfstedGrade.REQUIRES_IMPROVEMENT),
    (re.compile(r"\binadequate\b", re.IGNORECASE), OfstedGrade.INADEQUATE),
    (re.compile(r"\boutstanding\b", re.IGNORECASE), OfstedGrade.OUTSTANDING),
    (re.compile(r"\bgood\b", re.IGNORECASE), OfstedGrade.GOOD),
    (re.compile(r"\boutcome\s*1\b", re.IGNORECASE), OfstedGrade.SA_OUTCOME_1),
    (re.compile(r"\boutcome\s*2\b", re.IGNORECASE), OfstedGrade.SA_OUTCOME_2),
    (re.compile(r"\boutcome\s*3\b", re.IGNORECASE), OfstedGrade.SA_OUTCOME_3),
)


def find_dates(text: str) -> list[tuple[int, date]]:
    """Every date in `text` as (position, date), in order; UK day-first numeric dates."""
    found: list[tuple[int, date]] = []
    for match in _NUMERIC_DATE.finditer(text):
        _add_date(found, match.start(), int(match.group(3)), int(match.group(2)), int(match.group(1)))
    for match in _ISO_DATE.finditer(text):
        _add_date(found, match.start(), int(match.group(1)), int(match.group(2)), int(match.group(3)))
    for match in _WORD_DATE.finditer(text):
        month = MONTHS.get(match.group(2).lower())
        if month is not None:
            _add_date(found, match.start(), int(match.group(3)), month, int(match.group(1)))
    return sorted(found, key=lambda item: item[0])


def _add_date(found: list[tuple[int, date]], position: int, year: int, month: int, day: int) -> None:
    try:
        found.append((position, date(year, month, day)))
    except ValueError:
        return


def parse_money_pence(text: str) -> int | None:
    """The first sterling amount in `text` in pence: "£10,000,000", "GBP 5m", "£2.5 million"."""
    match = _MONEY.search(text)
    if match is None:
        return None
    try:
        whole = Decimal(match.group(1).replace(",", ""))
        if match.group(2):
            whole += Decimal(match.group(2).ljust(2, "0")) / 100
    except InvalidOperation:
        return None
    multiplier = {"m": 1_000_000, "million": 1_000_000, "mn": 1_000_000, "k": 1_000}.get(
        (match.group(3) or "").lower(), 1
    )
    return int(whole * multiplier * 100)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def extract_insurance(text: str) -> InsuranceProposal:
    """Classes of cover with their limits, the period of insurance and the insurer."""
    lines = _lines(text)
    covers: dict[InsuranceKind, int | None] = {}
    for index, line in enumerate(lines):
        for kind, pattern in _KIND_PATTERNS:
            if not pattern.search(line) or (kind in covers and covers[kind] is not None):
                continue
            if kind is InsuranceKind.HISTORICAL_ABUSE and "abuse" not in line.lower():
                continue
            limit = parse_money_pence(line)
            # A layout with the limit on the next line(s): "Limit of indemnity" then the amount.
            for follower in lines[index + 1 : index + 3]:
                if limit is not None or any(p.search(follower) for _, p in _KIND_PATTERNS):
                    break
                if _LIMIT_LABEL.search(follower) or _MONEY.search(follower):
                    limit = parse_money_pence(follower)
            covers[kind] = limit
    insurer = next((m.group(1) for line in lines if (m := _INSURER.match(line))), None)
    starts_on, expires_on = _period(lines)
    return InsuranceProposal(
        covers=tuple(ProposedCover(k, v) for k, v in covers.items()),
        starts_on=starts_on,
        expires_on=expires_on,
        insurer=insurer,
    )


def _period(lines: list[str]) -> tuple[date | None, date | None]:
    starts_on: date | None = None
    expires_on: date | None = None
    for index, line in enumerate(lines):
        window = " ".join(lines[index : index + 2])
        dates = find_dates(window)
        if not dates:
            continue
        lowered = line.lower()
        own = find_dates(line)
        if "period of" in lowered and len(dates) >= 2:
            starts_on = starts_on or dates[0][1]
            expires_on = expires_on or dates[1][1]
        elif re.search(r"expir|renewal|valid until|end date", lowered):
            expires_on = expires_on or (own[-1][1] if own else dates[0][1])
        elif re.search(r"inception|start date|effective date|valid from", lowered):
            starts_on = starts_on or (own[0][1] if own else dates[0][1])
    return starts_on, expires_on


def extract_ofsted(text: str) -> OfstedProposal:
    """The setting's URN, the (last) inspection date and the overall judgement."""
    urn_match = _URN.search(text)
    urn = urn_match.group(1).replace(" ", "").upper() if urn_match else None
    inspection_date: date | None = None
    label = _INSPECTION_LABEL.search(text)
    if label is not None:
        # "Inspection dates: 11 to 12 March 2026" names the last day once; take the last date
        # in the label's line (or the next one).
        tail = text[label.end() : label.end() + 120].split("\n")
        segment = " ".join(tail[:2])
        dates = find_dates(segment)
        if not dates:
            span = re.search(r"(\d{1,2})\s*(?:to|-|–|and)\s*(\d{1,2})\s+([A-Za-z]{3,9})\s+(\d{4})", segment)
            if span:
                month = MONTHS.get(span.group(3).lower())
                if month:
                    inspection_date = date(int(span.group(4)), month, int(span.group(2)))
        else:
            inspection_date = dates[-1][1]
    grade: OfstedGrade | None = None
    overall = _OVERALL_LABEL.search(text)
    if overall is not None:
        after = text[overall.end() : overall.end() + 200]
        grade = _first_grade(after)
    return OfstedProposal(urn=urn, inspection_date=inspection_date, overall_effectiveness=grade)


def _first_grade(text: str) -> OfstedGrade | None:
    best: tuple[int, OfstedGrade] | None = None
    for pattern, grade in _GRADE_WORDS:
        match = pattern.search(text)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), grade)
    return best[1] if best else None
