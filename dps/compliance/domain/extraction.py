"""Reading proposed values out of the text of an insurance certificate or an Ofsted report.

Pure text work: the PDF adapter (`dps.compliance.pdf`) turns pages into text, this module finds
the values. Everything found is a proposal for a person to confirm, never a decision, and each
value carries the page and line it was read from so they can check it. Where the text does not
say a value clearly, nothing is proposed: a wrong value is worse than none (issue 12).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from dps.accounts.domain import OfstedGrade
from dps.compliance.domain.requirements import InsuranceKind


class ExtractionKind(StrEnum):
    INSURANCE_CERTIFICATE = "insurance_certificate"
    OFSTED_REPORT = "ofsted_report"


@dataclass(frozen=True, slots=True)
class SourceLine:
    """Where a value was read: the page (from 1) and the text of the line."""

    page: int
    text: str


@dataclass(frozen=True, slots=True)
class ProposedCover:
    insurance_kind: InsuranceKind
    limit_pence: int | None
    source: SourceLine | None = field(default=None, compare=False)  # the line naming the class
    limit_source: SourceLine | None = field(default=None, compare=False)  # the line the limit was read from


@dataclass(frozen=True, slots=True)
class InsuranceProposal:
    covers: tuple[ProposedCover, ...]
    starts_on: date | None
    expires_on: date | None
    insurer: str | None
    sources: dict[str, SourceLine] = field(default_factory=dict, compare=False)

    @property
    def found_anything(self) -> bool:
        return bool(self.covers) or self.expires_on is not None


@dataclass(frozen=True, slots=True)
class OfstedProposal:
    urn: str | None
    inspection_date: date | None
    overall_effectiveness: OfstedGrade | None
    interim_inspection: bool = False
    sources: dict[str, SourceLine] = field(default_factory=dict, compare=False)

    @property
    def found_anything(self) -> bool:
        return self.urn is not None or self.inspection_date is not None or self.overall_effectiveness is not None


Pages = str | Sequence[str]  # the text of one page, or of each page in order

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
# A bare figure with thousands separators counts as money only where a limit label names it.
_BARE_AMOUNT = re.compile(r"(?<![\d/.])(\d{1,3}(?:,\d{3}){2,})(?![\d/])")

# --- insurance ----------------------------------------------------------------------------------

# Insurers word the classes differently; each pattern names one class (UK market usage).
_KIND_PATTERNS: tuple[tuple[InsuranceKind, re.Pattern[str]], ...] = (
    (InsuranceKind.EMPLOYERS_LIABILITY, re.compile(r"employer['’]?s['’]?\s+liability", re.IGNORECASE)),
    (InsuranceKind.PUBLIC_LIABILITY, re.compile(r"public(?:\s+(?:and|&)\s+products)?\s+liability", re.IGNORECASE)),
    (InsuranceKind.PROFESSIONAL_INDEMNITY, re.compile(r"professional\s+indemnity", re.IGNORECASE)),
    (
        InsuranceKind.HISTORICAL_ABUSE,
        re.compile(r"(?:historic(?:al)?\s+)?abuse(?:\s+(?:and|&)\s+molestation)?", re.IGNORECASE),
    ),
)
# "Employers' Liability (Compulsory Insurance) Regulations 1998" names the law, not a cover.
_NAMES_THE_LAW = re.compile(r"^\s*\(compulsory\s+insurance\)|^\s*(?:act|regulations)\b", re.IGNORECASE)
# Wording that says a class is not covered; the class is then proposed as nothing at all.
_NEGATION = re.compile(
    r"\b(?:not\s+(?:insured|covered|included|operative|in\s+force|applicable)|no\s+cover|uninsured"
    r"|excluded|exclusion\s+applies|declined|nil|none|n/a)\b",
    re.IGNORECASE,
)
_NIL_EXCESS = re.compile(r"(?:excess|deductible)\s*[:\-]?\s*(?:nil|none|n/a)\b", re.IGNORECASE)
# "£500 excess" (the amount is the excess), not "£5,000,000 Excess: nil" (a label for what follows).
_EXCESS_AFTER = re.compile(
    r"\s*(?:each\s+and\s+every\s+claim\s+)?(?:excess|deductible)\b(?!\s*[:\-–]|\s*(?:£|GBP|nil|none))",
    re.IGNORECASE,
)
_EXCLUSIONS_HEADING = re.compile(r"\bexclu(?:sions?|ded)\b", re.IGNORECASE)
_LIMIT_LABEL = re.compile(
    r"limit\s+of\s+(?:indemnity|liability)|indemnity\s+limit|sum\s+insured|\blimit\b|any\s+one\s+(?:occurrence|claim)"
    r"|in\s+the\s+aggregate",
    re.IGNORECASE,
)
# Amounts that are not the cover: what the insured pays first or pays for the policy.
_NOT_A_LIMIT = re.compile(r"excess|deductible|premium|wage\s?roll|turnover|fee\b|tax\b|\bipt\b", re.IGNORECASE)
_INSURER = re.compile(r"^\s*(?:insurers?|underwritten\s+by|insurance\s+company)\s*[:\-]?\s*(.*?)\s*$", re.IGNORECASE)
# Other sections of a combined policy: a limit below one of these is not the class above's.
_OTHER_SECTION = re.compile(
    r"\b(?:buildings|contents|stock|motor|business\s+interruption|money|goods\s+in\s+transit|cyber|terrorism"
    r"|material\s+damage|legal\s+expenses|personal\s+accident|directors['’]?\s+(?:and|&)\s+officers|fidelity"
    r"|engineering|section\s+\d+)\b",
    re.IGNORECASE,
)
# How far below a class its limit may be written (a statutory certificate puts it ~10 lines down).
_SECTION_LINES = 15
# No UK insurer writes these classes for less; a smaller figure is an excess or a sub-limit.
MIN_PLAUSIBLE_LIMIT_PENCE = 100_000_00
# Beyond this a period is not one policy's (most run 12 months; long-term agreements 3 years).
MAX_PERIOD_DAYS = 5 * 366

_PERIOD_LABEL = re.compile(
    r"period\s+of\s+(?:insurance|cover)|(?:policy|insurance|cover)\s+period|\bperiod\b|\bcover\s+dates\b",
    re.IGNORECASE,
)
_START_LABEL = re.compile(
    r"inception(?:\s+date)?|start\s+date|commencement\s+date|date\s+of\s+commencement|effective\s+(?:date|from)|valid\s+from|^from\b",
    re.IGNORECASE,
)
_END_LABEL = re.compile(
    r"expiry(?:\s+date)?|date\s+of\s+expiry|expiration\s+date|expires(?:\s+on)?|end\s+date|valid\s+(?:until|to)|^to\b",
    re.IGNORECASE,
)
_RANGE_FILLER = re.compile(
    r"\b(?:from|on|at|hours?|hrs|midnight|noon|am|pm|gmt|bst|local|standard|time|both|days|inclusive|"
    r"\d{1,2}[:.]\d{2})\b|[(),.:]",
    re.IGNORECASE,
)
_RANGE_WORDS = frozenset({"to", "until", "till", "through", "-", "–", "—", "and"})

# --- Ofsted -------------------------------------------------------------------------------------

_URN = re.compile(
    r"(?:unique\s+reference\s+number|\bURN\b)\s*[:\-]?\s*((?:SC|EY)?\s?\d{6,7})\b",
    re.IGNORECASE,
)
_INSPECTION_LABEL = re.compile(r"(?:dates?\s+of\s+inspection|inspection\s+dates?|inspected\s+on)", re.IGNORECASE)
_OVERALL_LABEL = re.compile(
    r"(?:overall\s+effectiveness|overall\s+experiences\s+and\s+progress\s+of\s+(?:children|young\s+people)"
    r"(?:\s+and\s+young\s+people)?|overall\s+judgement|overall\s+outcome|summary\s+outcome|inspection\s+outcome)",
    re.IGNORECASE,
)
# A grade labelled as the previous inspection's is history, not this report's judgement.
_PREVIOUS = re.compile(r"\b(?:at\s+(?:the\s+)?(?:last|previous)|last|previous|prior)\s+inspection", re.IGNORECASE)
# An interim inspection of a children's home judges only progress since the last full
# inspection (improved, sustained or declined effectiveness); it awards no overall grade
# (Ofsted, Social care common inspection framework: children's homes, "interim inspections").
_INTERIM = re.compile(
    r"^\s*interim\s+inspection\b|type\s+of\s+inspection\s*:?\s*interim|this\s+(?:was|is)\s+an\s+interim\s+inspection"
    r"|(?:improved|sustained|declined\s+in)\s+effectiveness",
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
_SA_GRADES = frozenset({OfstedGrade.SA_OUTCOME_1, OfstedGrade.SA_OUTCOME_2, OfstedGrade.SA_OUTCOME_3})
# Supported accommodation is judged on three summary outcomes, each a sentence (Ofsted, Social
# care common inspection framework: supported accommodation, 2024): 1 "Consistently strong service
# delivery leads to typically positive experiences ...", 2 "Inconsistent quality of service
# delivery adversely affects some children's experiences ...", 3 "Serious or widespread weaknesses
# lead to significant concerns ...".
_SA_OUTCOMES: tuple[tuple[re.Pattern[str], OfstedGrade], ...] = (
    (re.compile(r"\bconsistently\s+strong\s+service\s+delivery", re.IGNORECASE), OfstedGrade.SA_OUTCOME_1),
    (re.compile(r"\binconsistent\s+quality\s+of\s+service\s+delivery", re.IGNORECASE), OfstedGrade.SA_OUTCOME_2),
    (re.compile(r"\bserious\s+or\s+widespread\s+weaknesses", re.IGNORECASE), OfstedGrade.SA_OUTCOME_3),
)


# --- shared -------------------------------------------------------------------------------------


def find_dates(text: str) -> list[tuple[int, date]]:
    """Every date in `text` as (position, date), in order; UK day-first numeric dates."""
    return [(start, d) for start, _, d in _dates_with_ends(text)]


def _dates_with_ends(text: str) -> list[tuple[int, int, date]]:
    found: list[tuple[int, int, date]] = []
    for match in _NUMERIC_DATE.finditer(text):
        _add_date(found, match, int(match.group(3)), int(match.group(2)), int(match.group(1)))
    for match in _ISO_DATE.finditer(text):
        _add_date(found, match, int(match.group(1)), int(match.group(2)), int(match.group(3)))
    for match in _WORD_DATE.finditer(text):
        month = MONTHS.get(match.group(2).lower())
        if month is not None:
            _add_date(found, match, int(match.group(3)), month, int(match.group(1)))
    return sorted(found, key=lambda item: item[0])


def _add_date(found: list[tuple[int, int, date]], match: re.Match[str], year: int, month: int, day: int) -> None:
    try:
        found.append((match.start(), match.end(), date(year, month, day)))
    except ValueError:
        return


def parse_money_pence(text: str) -> int | None:
    """The first sterling amount in `text` in pence: "£10,000,000", "GBP 5m", "£2.5 million"."""
    match = _MONEY.search(text)
    return _pence(match) if match else None


def _pence(match: re.Match[str]) -> int | None:
    try:
        whole = Decimal(match.group(1).replace(",", ""))
        if match.group(2):
            whole += Decimal(match.group(2).ljust(2, "0")) / 100
    except InvalidOperation:
        return None
    suffix = match.group(3) or ""
    multiplier = {"m": 1_000_000, "million": 1_000_000, "mn": 1_000_000, "k": 1_000}.get(suffix.lower(), 1)
    return int(whole * multiplier * 100)


def _source_lines(pages: Pages) -> list[SourceLine]:
    texts = [pages] if isinstance(pages, str) else list(pages)
    return [
        SourceLine(page=number, text=" ".join(line.split()))
        for number, text in enumerate(texts, start=1)
        for line in text.splitlines()
        if line.strip()
    ]


# --- insurance ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Mention:
    kind: InsuranceKind
    start: int
    end: int


def _mentions(text: str) -> list[_Mention]:
    found: list[_Mention] = []
    for kind, pattern in _KIND_PATTERNS:
        for match in pattern.finditer(text):
            if _NAMES_THE_LAW.search(text[match.end() :]):
                continue
            if any(m.start < match.end() and match.start() < m.end for m in found):
                continue
            found.append(_Mention(kind, match.start(), match.end()))
    return sorted(found, key=lambda m: m.start)


def _limit_amounts(text: str, *, labelled: bool) -> list[int]:
    """Plausible limits in `text` (an excess, premium or small figure is not a limit), in order."""
    amounts: list[int] = []
    spans = [(m.start(), m.end(), _pence(m)) for m in _MONEY.finditer(text)]
    if labelled or _LIMIT_LABEL.search(text):
        taken = [(s, e) for s, e, _ in spans]
        for m in _BARE_AMOUNT.finditer(text):
            if not any(s <= m.start() < e for s, e in taken):
                spans.append((m.start(), m.end(), int(m.group(1).replace(",", "")) * 100))
    previous_end = 0
    for start, end, pence in sorted(spans, key=lambda item: item[0]):
        before = text[previous_end:start]
        after = text[end : end + 25]
        previous_end = end
        # The nearest words around the amount say what it is: "Excess: £500", "£500 excess".
        last_label = max((m.end() for m in _LIMIT_LABEL.finditer(before)), default=-1)
        last_other = max((m.end() for m in _NOT_A_LIMIT.finditer(before)), default=-1)
        if last_other > last_label or _EXCESS_AFTER.match(after):
            continue
        if pence is not None and pence >= MIN_PLAUSIBLE_LIMIT_PENCE:
            amounts.append(pence)
    return amounts


def _value_only(text: str) -> bool:
    """A line that is just a value (a figure and its basis), as in the right-hand column."""
    rest = _MONEY.sub(" ", text)
    rest = re.sub(
        r"any\s+one\s+(?:occurrence|claim|event)|in\s+the\s+aggregate|including\s+costs|per\s+(?:claim|occurrence)|"
        r"each\s+and\s+every\s+(?:occurrence|claim)|[\s:;,.\-–()]",
        "",
        rest,
        flags=re.IGNORECASE,
    )
    return not rest


def extract_insurance(pages: Pages) -> InsuranceProposal:
    """Classes of cover with their limits, the period of insurance and the insurer."""
    lines = _source_lines(pages)
    covers: dict[InsuranceKind, ProposedCover] = {}
    distance: dict[InsuranceKind, int] = {}  # lines between a cover's class and its limit
    negated: set[InsuranceKind] = set()
    for index, line in enumerate(lines):
        mentions = _mentions(line.text)
        if not mentions:
            continue
        following = lines[index + 1 : index + 1 + _SECTION_LINES]
        paired = _paired_limits(mentions, following[0] if following else None)
        for position, mention in enumerate(mentions):
            end = mentions[position + 1].start if position + 1 < len(mentions) else len(line.text)
            segment = line.text[mention.end : end]
            before = line.text[mentions[position - 1].end if position else 0 : mention.start]
            if _says_not_covered(before, segment, following[0] if following else None):
                negated.add(mention.kind)
                continue
            limit, limit_source, lines_away = _limit_for(segment, line, following, paired, position)
            # A class named in passing ("the employers' liability certificate is attached") and
            # again in the schedule: the limit read closest to its class wins.
            if mention.kind not in covers or (limit is not None and lines_away < distance[mention.kind]):
                covers[mention.kind] = ProposedCover(mention.kind, limit, line, limit_source)
                distance[mention.kind] = lines_away
    starts_on, expires_on, period_sources = _period(lines)
    insurer, insurer_source = _insurer(lines)
    sources = dict(period_sources)
    if insurer_source is not None:
        sources["insurer"] = insurer_source
    return InsuranceProposal(
        covers=tuple(cover for kind, cover in covers.items() if kind not in negated),
        starts_on=starts_on,
        expires_on=expires_on,
        insurer=insurer,
        sources=sources,
    )


def _says_not_covered(before: str, segment: str, next_line: SourceLine | None) -> bool:
    """ "Employers' liability: not insured under this policy", "Abuse and molestation: excluded",
    "Exclusions: abuse", or the class alone with "Not covered" beside it on the next line. An
    excess of nil is not a negation."""
    if _EXCLUSIONS_HEADING.search(before):
        return True
    if _NEGATION.search(_NIL_EXCESS.sub(" ", segment)):
        return True
    if segment.strip(" :-–") or next_line is None or _mentions(next_line.text):
        return False
    return bool(_NEGATION.match(_NIL_EXCESS.sub(" ", next_line.text)))


def _paired_limits(mentions: list[_Mention], next_line: SourceLine | None) -> list[int] | None:
    """Two classes side by side with their limits side by side on the next line, in the same order."""
    if len(mentions) < 2 or next_line is None or _mentions(next_line.text):
        return None
    amounts = _limit_amounts(next_line.text, labelled=False)
    return amounts if len(amounts) == len(mentions) else None


_NOT_FOUND = _SECTION_LINES + 1


def _limit_for(
    segment: str, line: SourceLine, following: list[SourceLine], paired: list[int] | None, position: int
) -> tuple[int | None, SourceLine | None, int]:
    """The limit of the class named at `segment`, where it was read, and how many lines below."""
    on_line = _limit_amounts(segment, labelled=False)
    if on_line:
        return on_line[0], line, 0
    if paired is not None:
        return paired[position], following[0], 1
    # Below the class, until another class or section is named: "Limit of indemnity ...: GBP
    # 10,000,000" on its own line, or a bare figure under the class or under a "Limit of indemnity" label.
    after_label = not segment.strip(" :-–.") or bool(_LIMIT_LABEL.fullmatch(segment.strip(" :-–.")))
    for lines_away, follower in enumerate(following, start=1):
        if _mentions(follower.text) or _OTHER_SECTION.search(follower.text):
            break
        labelled = bool(_LIMIT_LABEL.search(follower.text))
        amounts = _limit_amounts(follower.text, labelled=labelled)
        if amounts and (labelled or (after_label and _value_only(follower.text))):
            return amounts[0], follower, lines_away
        if _MONEY.search(follower.text) and not amounts:
            after_label = False  # an excess or premium line: what follows is not under the class
            continue
        after_label = labelled and not amounts
    return None, None, _NOT_FOUND


def _insurer(lines: list[SourceLine]) -> tuple[str | None, SourceLine | None]:
    for index, line in enumerate(lines):
        match = _INSURER.match(line.text)
        if match is None:
            continue
        name = match.group(1)
        if name:
            return name, line
        if index + 1 < len(lines) and not _INSURER.match(lines[index + 1].text):
            return lines[index + 1].text, lines[index + 1]
    return None, None


def _range(text: str) -> tuple[date, date] | None:
    """The first "D1 to D2" in `text`, with any joining word or dash between the two dates."""
    dates = _dates_with_ends(text)
    for (_, first_end, first), (second_start, _, second) in itertools.pairwise(dates):
        between = _RANGE_FILLER.sub(" ", text[first_end:second_start]).split()
        if len(between) == 1 and between[0].lower() in _RANGE_WORDS:
            return first, second
    return None


def _period(lines: list[SourceLine]) -> tuple[date | None, date | None, dict[str, SourceLine]]:
    starts_on: date | None = None
    expires_on: date | None = None
    sources: dict[str, SourceLine] = {}
    for index, line in enumerate(lines):
        text = line.text
        nxt = lines[index + 1] if index + 1 < len(lines) else None
        own = _dates_with_ends(text)
        # The value is on the label's line, or alone on the next line (two-column layouts).
        value_line = line if own else (nxt if nxt is not None and not _PERIOD_LABEL.search(nxt.text) else None)
        labelled = _PERIOD_LABEL.search(text) or _START_LABEL.search(text)
        if starts_on is None and expires_on is None and labelled and value_line is not None:
            found = _range(value_line.text)
            if found is not None:
                starts_on, expires_on = found
                sources["starts_on"] = sources["expires_on"] = value_line
                continue
        if value_line is None:
            continue
        value_dates = _dates_with_ends(value_line.text)
        if not value_dates or (value_line is not line and len(value_dates) != 1):
            continue
        if starts_on is None and _START_LABEL.search(text) and not _END_LABEL.search(text):
            starts_on = value_dates[0][2]
            sources["starts_on"] = value_line
        elif expires_on is None and _END_LABEL.search(text) and not _START_LABEL.search(text):
            expires_on = value_dates[-1][2]
            sources["expires_on"] = value_line
    if starts_on is not None and expires_on is not None:
        if not 0 < (expires_on - starts_on).days <= MAX_PERIOD_DAYS:
            return None, None, {}  # not one policy's period: propose neither rather than a wrong one
    return starts_on, expires_on, sources


# --- Ofsted -------------------------------------------------------------------------------------


def extract_ofsted(pages: Pages) -> OfstedProposal:
    """The setting's URN, the (last) inspection date and the overall judgement, when the report
    gives one (an interim inspection does not)."""
    lines = _source_lines(pages)
    sources: dict[str, SourceLine] = {}
    urn: str | None = None
    for line in lines:
        match = _URN.search(line.text)
        if match:
            urn = match.group(1).replace(" ", "").upper()
            sources["urn"] = line
            break
    inspection_date, date_source = _inspection_date(lines)
    if date_source is not None:
        sources["inspection_date"] = date_source
    interim = any(_INTERIM.search(line.text) for line in lines)
    grade: OfstedGrade | None = None
    if not interim:
        grade, grade_source = _overall_grade(lines)
        if grade_source is not None:
            sources["overall_effectiveness"] = grade_source
    return OfstedProposal(
        urn=urn,
        inspection_date=inspection_date,
        overall_effectiveness=grade,
        interim_inspection=interim,
        sources=sources,
    )


def _inspection_date(lines: list[SourceLine]) -> tuple[date | None, SourceLine | None]:
    for index, line in enumerate(lines):
        label = _INSPECTION_LABEL.search(line.text)
        if label is None or _PREVIOUS.search(line.text):
            continue
        candidates = [(line, line.text[label.end() :])]
        if index + 1 < len(lines):
            candidates.append((lines[index + 1], lines[index + 1].text))
        for source, text in candidates:
            # "Inspection dates: 11 to 12 March 2026" names the year once; the last day counts.
            dates = find_dates(text)
            if dates:
                return dates[-1][1], source
            span = re.search(r"(\d{1,2})\s*(?:to|-|–|and)\s*(\d{1,2})\s+([A-Za-z]{3,9})\s+(\d{4})", text)
            if span:
                month = MONTHS.get(span.group(3).lower())
                if month:
                    try:
                        return date(int(span.group(4)), month, int(span.group(2))), source
                    except ValueError:
                        return None, None
    return None, None


def _grade_in(text: str) -> OfstedGrade | None:
    best: tuple[int, OfstedGrade] | None = None
    for pattern, grade in (*_SA_OUTCOMES, *_GRADE_WORDS):
        match = pattern.search(text)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), grade)
    return best[1] if best else None


def _grade_at_start(text: str) -> OfstedGrade | None:
    """The judgement when `text` is just a judgement ("Good", "Outcome 2", an outcome sentence)."""
    for pattern, grade in _SA_OUTCOMES:
        if pattern.match(text):
            return grade
    for pattern, grade in _GRADE_WORDS:
        match = pattern.match(text)
        if match and len(text[match.end() :].split()) <= 2:
            return grade
    return None


def _overall_grade(lines: list[SourceLine]) -> tuple[OfstedGrade | None, SourceLine | None]:
    for index, line in enumerate(lines):
        label = _OVERALL_LABEL.search(line.text)
        if label is None or _PREVIOUS.search(line.text):
            continue
        grade = _grade_in(line.text[label.end() :])
        if grade is not None:
            return grade, line
        # A two-column table: the judgement alone on the next line (not a narrative sentence that
        # happens to contain "good").
        if index + 1 < len(lines):
            nxt = lines[index + 1]
            grade = _grade_at_start(nxt.text)
            if grade is not None and not _PREVIOUS.search(nxt.text):
                return grade, nxt
    # Supported accommodation reports state the outcome as its sentence; when exactly one of the
    # three sentences appears (not a list of all three), it is the judgement.
    found: dict[OfstedGrade, SourceLine] = {}
    outcomes = (*_SA_OUTCOMES, *((p, g) for p, g in _GRADE_WORDS if g in _SA_GRADES))
    for line in lines:
        for pattern, grade in outcomes:
            if pattern.search(line.text) and not _PREVIOUS.search(line.text):
                found.setdefault(grade, line)
    if len(found) == 1:
        ((grade, source),) = found.items()
        return grade, source
    return None, None
