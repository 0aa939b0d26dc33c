"""The words people read for the codes the services use."""

from __future__ import annotations

from enum import Enum

from dps.accounts.domain import Need, OfstedGrade, SettingType
from dps.core.auth import Role
from dps.frameworks.domain.applications import ApplicationStatus
from dps.frameworks.domain.arrangements import ArrangementStatus, ServiceType
from dps.frameworks.domain.questionnaires import QuestionKind

# Pairs, not a dict: members of different StrEnums with the same value compare equal
# (SettingType.SUPPORTED_ACCOMMODATION == ServiceType.SUPPORTED_ACCOMMODATION).
_PAIRS: list[tuple[Enum, str]] = [
    (SettingType.FOSTERING_AGENCY_BRANCH, "Fostering agency branch"),
    (SettingType.CHILDRENS_HOME, "Children's home"),
    (SettingType.SUPPORTED_ACCOMMODATION, "Supported accommodation (16 and 17 year olds)"),
    (SettingType.SCHOOL, "Independent or non-maintained special school"),
    (OfstedGrade.OUTSTANDING, "Outstanding"),
    (OfstedGrade.GOOD, "Good"),
    (OfstedGrade.REQUIRES_IMPROVEMENT, "Requires improvement to be good"),
    (OfstedGrade.INADEQUATE, "Inadequate"),
    (OfstedGrade.SA_OUTCOME_1, "Outcome 1 (supported accommodation)"),
    (OfstedGrade.SA_OUTCOME_2, "Outcome 2 (supported accommodation)"),
    (OfstedGrade.SA_OUTCOME_3, "Outcome 3 (supported accommodation)"),
    (Need.AUTISM, "Autism"),
    (Need.ADHD, "ADHD"),
    (Need.LEARNING_DISABILITY, "Learning disability"),
    (Need.PHYSICAL_DISABILITY, "Physical disability"),
    (Need.SENSORY_IMPAIRMENT, "Sensory impairment"),
    (Need.SOCIAL_EMOTIONAL_MENTAL_HEALTH, "Social, emotional and mental health"),
    (Need.SPEECH_LANGUAGE_COMMUNICATION, "Speech, language and communication"),
    (Need.COMPLEX_HEALTH, "Complex health needs"),
    (Need.CHILD_SEXUAL_EXPLOITATION, "Child sexual exploitation"),
    (Need.CHILD_CRIMINAL_EXPLOITATION, "Child criminal exploitation"),
    (Need.SUBSTANCE_MISUSE, "Substance misuse"),
    (Need.SELF_HARM, "Self-harm"),
    (Need.HARMFUL_SEXUAL_BEHAVIOUR, "Harmful sexual behaviour"),
    (Need.UNACCOMPANIED_ASYLUM_SEEKING, "Unaccompanied asylum-seeking children"),
    (Need.PARENT_AND_CHILD, "Parent and child"),
    (Need.SIBLING_GROUP, "Sibling groups"),
    (Need.THERAPEUTIC, "Therapeutic care"),
    (Need.SHORT_BREAKS, "Short breaks"),
    (Role.PROVIDER_ADMIN, "Administrator"),
    (Role.PROVIDER_USER, "Team member"),
    (Role.PROCUREMENT_OFFICER, "Procurement officer"),
    (Role.EVALUATOR, "Evaluator"),
    (Role.LEGAL_OFFICER, "Legal officer"),
    (Role.COMMISSIONER, "Commissioner"),
    (Role.ADMIN, "Platform administrator"),
    (ServiceType.FOSTERING, "Fostering"),
    (ServiceType.RESIDENTIAL, "Children's homes"),
    (ServiceType.SUPPORTED_ACCOMMODATION, "Supported accommodation"),
    (ServiceType.SEND, "Special educational needs schools"),
    (ArrangementStatus.OPEN, "Open"),
    (QuestionKind.PASS_FAIL, "Pass or fail"),
    (QuestionKind.SCORED, "Scored"),
    (QuestionKind.TEXT, "Information only"),
    (QuestionKind.NUMBER, "A number"),
    (QuestionKind.DATE, "A date"),
    (QuestionKind.CHOICE, "Choose one answer"),
    (QuestionKind.EVIDENCE, "A document"),
    (ApplicationStatus.DRAFT, "Draft"),
    (ApplicationStatus.SUBMITTED, "Submitted"),
    (ApplicationStatus.UNDER_EVALUATION, "Being evaluated"),
    (ApplicationStatus.DECIDED, "Decided"),
    (ApplicationStatus.WITHDRAWN, "Withdrawn"),
]
WORDS: dict[tuple[type, str], str] = {(type(member), member.value): words for member, words in _PAIRS}


def label(value: object) -> str:
    """The words for an enum member (its code, sentence-cased, when no words are set)."""
    if isinstance(value, Enum):
        words = WORDS.get((type(value), value.value))
        if words is not None:
            return words
        return str(value.value).replace("_", " ").capitalize()
    return "" if value is None else str(value)
