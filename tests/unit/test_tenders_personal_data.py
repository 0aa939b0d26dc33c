"""Children's details in a call-off's free text: what is refused, and ordinary care words that are not."""

from __future__ import annotations

from datetime import date

import pytest

from dps.core.errors import RuleViolation
from dps.tenders.domain.personal_data import PersonalData, check_free_text, find_personal_data, nhs_number_valid

TODAY = date(2026, 12, 5)


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("9434765919", True),  # the NHS's own example number
        ("9434765918", False),  # one off in the check digit
        ("4010232137", True),
        ("4010232138", False),
        ("1000000010", False),  # the check works out at 10: never a valid NHS number
        ("123456789", False),  # nine digits
    ],
)
def test_the_nhs_number_modulus_11_check(digits: str, valid: bool) -> None:
    assert nhs_number_valid(digits) is valid


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("lives at 14 Acacia Avenue, BL1 4QR", PersonalData.POSTCODE),
        ("home postcode m5 4wt", PersonalData.POSTCODE),
        ("family in SW1A1AA", PersonalData.POSTCODE),
        ("NHS no. 943 476 5919", PersonalData.NHS_NUMBER),
        ("nhs 943-476-5919 for the GP", PersonalData.NHS_NUMBER),
        ("ref 9434765919", PersonalData.NHS_NUMBER),
        ("DOB 03/04/2014", PersonalData.DATE_OF_BIRTH),
        ("born in March 2014", PersonalData.DATE_OF_BIRTH),
        ("date of birth: 2014-04-03", PersonalData.DATE_OF_BIRTH),
        ("her birthday is 3rd April", PersonalData.DATE_OF_BIRTH),
        ("12/03/2014", PersonalData.DATE_OF_BIRTH),  # a full date in a child's lifetime
        ("3 April 2014", PersonalData.DATE_OF_BIRTH),
        ("April 3rd, 2014", PersonalData.DATE_OF_BIRTH),
        ("went missing on 5/12/26", PersonalData.DATE_OF_BIRTH),  # today: a full past date
        ("Mr Smith, the stepfather, must not visit", PersonalData.NAME),
        ("Mrs. O'Neill is the grandmother", PersonalData.NAME),
        ("a girl named Tia", PersonalData.NAME),
        ("her brother, known as Kacper, is placed nearby", PersonalData.NAME),
        ("Jane has an EHCP", PersonalData.NAME),
        ("contact with Grace Okafor (mother) monthly", PersonalData.NAME),
        ("Will Jones is her uncle", PersonalData.NAME),
        ("sister Olivia-Mae", PersonalData.NAME),
    ],
)
def test_identifying_details_are_found(text: str, kind: PersonalData) -> None:
    assert find_personal_data(text, TODAY) is kind


@pytest.mark.parametrize(
    "text",
    [
        "Girl, 12, long term",
        "Boy, 15, emergency placement, BL1 area",  # a district is not a postcode
        "EHCP; needs a school place within 30 minutes; attends Greater Manchester Virtual School",
        "Child Protection Plan; Looked After Child; CAMHS involvement; Autism Spectrum Condition",
        "has gone missing twice; Amber risk of CSE; Youth Offending Team involved",
        "May need 2:1 support at night; Will need a ground floor room",
        "Monday to Friday at a Pupil Referral Unit, Year 10, 6th form plans",
        "needs grace, patience and hope from carers",
        "Hope Street Primary School is nearby",  # a place, not a person
        "Court hearing on 14/01/2027; start 14 December 2026",  # future dates
        "moved to care in March 2025; last exclusion Nov 2026",  # month and year only
        "she called Childline twice and called Police once",
        "ADHD, ASD and SEMH needs; DBS checked staff; Ofsted Good or better",
        "phone the duty team on 0161 496 0000",  # eleven digits: not an NHS number
        "budget of 1234567890 pence",  # ten digits failing the check
        "Christmas and Easter with the foster family; North West region",
        "Placement with Parent and Child assessment",
        "UK born, speaks English and 2 other languages",
        "born abroad may need an interpreter",
        "a stubborn 15 year old who loves football",
        "seen at St Thomas' Hospital; St George's Primary has a place",
    ],
)
def test_ordinary_care_words_are_not_refused(text: str) -> None:
    assert find_personal_data(text, TODAY) is None


def test_the_refusal_names_the_field_and_the_kind_and_never_echoes_the_value() -> None:
    with pytest.raises(RuleViolation) as refused:
        check_free_text([("title", "Girl, 12"), ("child.risks", "see Mr Smith"), ("child.education_needs", "BL1 4QR")],
                        TODAY)  # fmt: skip
    error = refused.value
    assert error.code == "personal_data_in_free_text"
    assert (error.extra["field"], error.extra["kind"]) == ("child.risks", "name")
    assert "child.risks" in str(error) and "Smith" not in str(error) and "5(1)(c)" in str(error)


def test_empty_fields_pass() -> None:
    check_free_text([("title", ""), ("urgent_reason", None)], TODAY)
