"""Children's details kept out of a call-off's free text.

A call-off goes to every invited provider of the lot, so it carries the anonymised profile only
(age, sex, needs, postcode district, start date). Its free text - title, risks, education needs,
questions, reasons, clarification answers - must not carry what identifies the child: a full
postcode, an NHS number, a date of birth or a name. What is never stored can never leak; so such
text is refused with the field named, never silently cut down (UK GDPR art. 5(1)(c), data
minimisation: personal data adequate, relevant and limited to what is necessary; art. 25, data
protection by design and by default; the information sharing protocol shares no more than needed).

The rules are deliberately simple patterns, tested against ordinary care words for false
positives: a full UK postcode; ten digits passing the NHS number's modulus 11 check; a date
written with "born"/"DOB"/"date of birth", or any full date (day, month and year) in the child's
lifetime up to today (a future date, a hearing or a start, is fine; month and year alone are
fine); an honorific with a name, "named/called/known as" with a name, a common given name, or a
given name followed by a capitalised surname.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from dps.core.errors import RuleViolation
from dps.tenders.codes import TenderCode


class PersonalData(StrEnum):
    POSTCODE = "full_postcode"
    NHS_NUMBER = "nhs_number"
    DATE_OF_BIRTH = "date_of_birth"
    NAME = "name"


ADVICE: dict[PersonalData, str] = {
    PersonalData.POSTCODE: "a full postcode (give the district, e.g. 'BL1', in home_district only)",
    PersonalData.NHS_NUMBER: "an NHS number",
    PersonalData.DATE_OF_BIRTH: "a date of birth or a full past date (give the age, or the month and year)",
    PersonalData.NAME: "what looks like a person's name (say 'the child', 'her mother', 'a sibling')",
}

# --- postcodes and NHS numbers -------------------------------------------------------------------

_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE)
_TEN_DIGITS = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")


def nhs_number_valid(digits: str) -> bool:
    """The NHS number's check digit (modulus 11): the first nine digits weighted 10 down to 2; the
    check digit is 11 minus the remainder of the sum by 11 (11 counts as 0; 10 is never valid)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


# --- dates ---------------------------------------------------------------------------------------

_MONTHS = {
    name: n
    for n, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(\d{4})\b", re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(r"\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.IGNORECASE)
# "born", "DOB", "date of birth" or "birthday", then within a few words of the same clause a number
# or a month followed by a number ("born in March 2014", "DOB: 3/4", "birthday is 3rd April").
_BIRTH_CUE = re.compile(
    r"\b(?:born|d\.?o\.?b\b|date\s+of\s+birth|birthday)\W{0,3}[^.;,\n\d]{0,12}?(?:\d|" + _MONTH + r"\s*\d)",
    re.IGNORECASE,
)
# A child in care is under 18, a care leaver under 25: a full date this far back may be a birth.
LIFETIME_YEARS = 26


def _date(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _full_dates(text: str) -> Iterable[date]:
    for m in _NUMERIC_DATE.finditer(text):
        found = _date(int(m.group(3)), int(m.group(2)), int(m.group(1)))  # UK order: day/month/year
        if found:
            yield found
    for m in _ISO_DATE.finditer(text):
        found = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if found:
            yield found
    for m in _DAY_MONTH_YEAR.finditer(text):
        found = _date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
        if found:
            yield found
    for m in _MONTH_DAY_YEAR.finditer(text):
        found = _date(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))
        if found:
            yield found


def _has_birth_date(text: str, today: date) -> bool:
    if _BIRTH_CUE.search(text):
        return True
    earliest = date(today.year - LIFETIME_YEARS, 1, 1)
    return any(earliest <= d <= today for d in _full_dates(text))


# --- names ---------------------------------------------------------------------------------------

# Common given names of children and young people in England (ONS baby names, recent decades).
# Names that are also ordinary words or care terms ("Amber" is a risk rating, "May" a verb, "Grace",
# "Hope", "Will") count only before a surname or after a cue, never alone.
GIVEN_NAMES = frozenset(
    """Aaron Abigail Adam Aisha Alexander Alfie Ali Alice Amelia Amira Amy Archie Aria Arthur Ava Ayesha Bethany
    Bobby Bradley Caleb Callum Charlie Charlotte Chloe Connor Courtney Daniel David Declan Dylan Edward Elijah
    Ella Ellie Elliot Elsie Emily Emma Ethan Evelyn Evie Ezra Fatima Finley Freddie Freya George Hafsa Hannah
    Harper Harrison Harry Harvey Henry Hugo Ibrahim Isaac Isabella Isla Jacob Jake James Jamie Jane Jasmine
    Jayden Jaxon Jenson Jessica John Joseph Joshua Katie Kai Kieran Kyle Laura Lauren Layla Leah Leo Lewis Liam
    Logan Louie Louis Lucas Lucy Luke Matilda Matthew Maya Megan Mia Michael Millie Mohammed Muhammad Maryam
    Noah Olivia Ollie Omar Oscar Oliver Owen Paige Peter Phoebe Rebecca Reece Reuben Riley Ronnie Rory Ryan
    Samuel Sarah Scarlett Sienna Sophia Sophie Stanley Teddy Theo Theodore Thomas Toby Tommy Tyler William
    Yusuf Zachary Zainab Zara""".split()
)
AMBIGUOUS_GIVEN_NAMES = frozenset(
    """Amber Autumn Bill Brooke Daisy Faith Florence Grace Holly Hope Ivy Jack Jade Jordan Joy Jude Lily Mark Mason
    Max May Poppy Rose Ruby Sky Summer Will Willow""".split()
)
_HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Master|Dr)\.?\s+[A-Z][a-z'’-]+")
_CUED = re.compile(r"\b(?:named|called|known as|name is|name's|goes by|nicknamed)\s+([A-Z][a-z'’-]+)")
# A saint's name is a place (St Thomas' Hospital, St George's Primary), not a person.
_NOT_AFTER_SAINT = r"(?<!\bSt )(?<!\bSt\. )(?<!\bSaint )"
_PAIR = re.compile(_NOT_AFTER_SAINT + r"\b([A-Z][a-z]+)\s+([A-Z][a-z'’]+(?:-[A-Z][a-z]+)?)\b")
_WORD = re.compile(_NOT_AFTER_SAINT + r"\b[A-Z][a-z]+\b")
# Capitalised words of care, school and place that follow a name-like word without being a surname.
NOT_SURNAMES = frozenset(
    """Academy Avenue Centre Church Clinic College Council Court Close Drive Farm Grammar Green Hall Health High
    Home Hospice Hospital House Infant Infants Junior Lane Lodge Manor Park Place Primary Road School Service
    Services Street Surgery Team Terrace Trust Unit Ward Way""".split()
)
# Organisations and services a cue word may name ("she called Childline").
NOT_NAMES = frozenset("""Childline Police CAMHS Social Services NSPCC Ofsted School Barnardo Barnardo's""".split())


def _has_name(text: str) -> bool:
    if _HONORIFIC.search(text):
        return True
    for m in _CUED.finditer(text):
        if m.group(1) not in NOT_NAMES:
            return True
    for m in _PAIR.finditer(text):
        first, second = m.group(1), m.group(2)
        if (first in GIVEN_NAMES or first in AMBIGUOUS_GIVEN_NAMES) and second not in NOT_SURNAMES:
            if second.split("-")[0].lower() not in _MONTHS:
                return True
    return any(w in GIVEN_NAMES for w in _WORD.findall(text))


def find_personal_data(text: str, today: date) -> PersonalData | None:
    """The first kind of identifying detail found in `text`, or None."""
    if _POSTCODE.search(text):
        return PersonalData.POSTCODE
    if any(nhs_number_valid("".join(m.groups())) for m in _TEN_DIGITS.finditer(text)):
        return PersonalData.NHS_NUMBER
    if _has_birth_date(text, today):
        return PersonalData.DATE_OF_BIRTH
    if _has_name(text):
        return PersonalData.NAME
    return None


def check_free_text(fields: Iterable[tuple[str, str | None]], today: date) -> None:
    """Refuse (422 `personal_data_in_free_text`, naming the field and the kind) the first field
    whose text identifies a child."""
    for field, text in fields:
        if not text:
            continue
        kind = find_personal_data(text, today)
        if kind is not None:
            raise RuleViolation(
                f"{field} must not contain {ADVICE[kind]}: a placement request goes to every invited "
                "provider and carries no detail that identifies the child (UK GDPR art. 5(1)(c), data "
                "minimisation)",
                code=TenderCode.PERSONAL_DATA_IN_FREE_TEXT,
                field=field,
                kind=kind.value,
            )
