"""Authorities, providers, their registered settings and users: pure rules, no framework."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from dps.accounts.codes import AccountCode
from dps.core.auth import AUTHORITY_ROLES, PROVIDER_ROLES, OrgKind, Role, org_kind_for
from dps.core.calendar import Nation
from dps.core.errors import InvalidInput, RuleViolation
from dps.core.patches import UNCHANGED, Unchanged

# --- vocabularies ----------------------------------------------------------------------------


class Region(StrEnum):
    NORTH_EAST = "north_east"
    NORTH_WEST = "north_west"
    YORKSHIRE_AND_THE_HUMBER = "yorkshire_and_the_humber"
    EAST_MIDLANDS = "east_midlands"
    WEST_MIDLANDS = "west_midlands"
    EAST_OF_ENGLAND = "east_of_england"
    LONDON = "london"
    SOUTH_EAST = "south_east"
    SOUTH_WEST = "south_west"
    WALES = "wales"


class SettingType(StrEnum):
    FOSTERING_AGENCY_BRANCH = "fostering_agency_branch"
    CHILDRENS_HOME = "childrens_home"
    SUPPORTED_ACCOMMODATION = "supported_accommodation"
    SCHOOL = "school"


class OfstedGrade(StrEnum):
    """Ofsted's overall judgements. Supported accommodation is judged on a 1-3 outcome scale
    (Supported Accommodation (England) Regulations 2023); every other setting on the four-point
    scale of the Social Care Common Inspection Framework and the Education Inspection Framework."""

    OUTSTANDING = "outstanding"
    GOOD = "good"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    INADEQUATE = "inadequate"
    SA_OUTCOME_1 = "sa_outcome_1"
    SA_OUTCOME_2 = "sa_outcome_2"
    SA_OUTCOME_3 = "sa_outcome_3"


FOUR_POINT_GRADES = frozenset(
    {OfstedGrade.OUTSTANDING, OfstedGrade.GOOD, OfstedGrade.REQUIRES_IMPROVEMENT, OfstedGrade.INADEQUATE}
)
SA_OUTCOMES = frozenset({OfstedGrade.SA_OUTCOME_1, OfstedGrade.SA_OUTCOME_2, OfstedGrade.SA_OUTCOME_3})


class Need(StrEnum):
    """Controlled vocabulary of needs a setting serves and a child may have."""

    AUTISM = "autism"
    ADHD = "adhd"
    LEARNING_DISABILITY = "learning_disability"
    PHYSICAL_DISABILITY = "physical_disability"
    SENSORY_IMPAIRMENT = "sensory_impairment"
    SOCIAL_EMOTIONAL_MENTAL_HEALTH = "social_emotional_mental_health"
    SPEECH_LANGUAGE_COMMUNICATION = "speech_language_communication"
    COMPLEX_HEALTH = "complex_health"
    CHILD_SEXUAL_EXPLOITATION = "child_sexual_exploitation"
    CHILD_CRIMINAL_EXPLOITATION = "child_criminal_exploitation"
    SUBSTANCE_MISUSE = "substance_misuse"
    SELF_HARM = "self_harm"
    HARMFUL_SEXUAL_BEHAVIOUR = "harmful_sexual_behaviour"
    UNACCOMPANIED_ASYLUM_SEEKING = "unaccompanied_asylum_seeking"
    PARENT_AND_CHILD = "parent_and_child"
    SIBLING_GROUP = "sibling_group"
    THERAPEUTIC = "therapeutic"
    SHORT_BREAKS = "short_breaks"


class UserStatus(StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    DISABLED = "disabled"


# --- identifiers -----------------------------------------------------------------------------

ONS_CODE = re.compile(r"^[ENSW]\d{8}$")  # GSS codes, e.g. E08000003 Manchester
COMPANY_NUMBER = re.compile(r"^(\d{8}|[A-Z]{2}\d{6})$")  # Companies House: 8 digits or 2 letters + 6
CHARITY_NUMBER = re.compile(r"^\d{6,8}(-\d{1,2})?$")  # Charity Commission registered number
OFSTED_URN = re.compile(r"^(SC|EY)?\d{6,7}$")  # social care URNs 'SC123456', school URNs 6-7 digits
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

MAX_AGE_SERVED = 25  # SEND provision runs to 25 (Children and Families Act 2014, s.46)


def normalise_email(raw: str) -> str:
    """Emails compare case-insensitively; store them lower-cased and trimmed."""
    email = raw.strip().lower()
    if not EMAIL.match(email):
        raise InvalidInput(f"'{raw}' is not an email address", code=AccountCode.INVALID_EMAIL, field="email")
    return email


def check_identifier(pattern: re.Pattern[str], raw: str, field: str, what: str, *, code: str) -> str:
    value = raw.strip().upper().replace(" ", "")
    if not pattern.match(value):
        raise InvalidInput(f"'{raw}' is not a valid {what}", code=code, field=field)
    return value


# --- entities --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Authority:
    id: int
    name: str
    ons_code: str
    region: Region


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    email: str
    phone: str | None = None
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Provider:
    id: int
    legal_name: str
    trading_name: str | None
    company_number: str | None
    charity_number: str | None
    address: str
    postcode: str
    contacts: tuple[Contact, ...]
    version: int
    created_at: datetime


def check_provider_registration(company_number: str | None, charity_number: str | None) -> None:
    """A provider is a legal person: a company, a charity, or both."""
    if not company_number and not charity_number:
        raise RuleViolation(
            "give a Companies House number, a Charity Commission number, or both",
            code=AccountCode.REGISTRATION_NUMBER_REQUIRED,
        )


@dataclass(frozen=True, slots=True)
class AgeRange:
    min_age: int
    max_age: int

    def __post_init__(self) -> None:
        if not 0 <= self.min_age <= self.max_age <= MAX_AGE_SERVED:
            raise RuleViolation(
                f"ages must run from 0 to {MAX_AGE_SERVED} with the lower age first",
                code=AccountCode.INVALID_AGE_RANGE,
            )

    def covers(self, age: int) -> bool:
        return self.min_age <= age <= self.max_age


@dataclass(frozen=True, slots=True)
class Setting:
    """A provider's registered service: a children's home, an agency branch, a school."""

    id: int
    provider_id: int
    name: str
    setting_type: SettingType
    ofsted_urn: str
    ofsted_grade: OfstedGrade | None
    last_inspection_date: date | None
    postcode: str
    local_authority_code: str | None
    easting: float | None
    northing: float | None
    capacity: int
    ages: AgeRange
    needs: frozenset[Need]
    version: int

    def with_changes(self, **changes: object) -> Setting:
        """A copy with `changes` applied, checked again, and the version moved on."""
        updated = replace(self, **changes, version=self.version + 1)  # type: ignore[arg-type]
        check_grade_scale(updated.setting_type, updated.ofsted_grade)
        check_inspection(updated.ofsted_grade, updated.last_inspection_date)
        return updated


def check_grade_scale(setting_type: SettingType, grade: OfstedGrade | None) -> None:
    """Supported accommodation is judged on outcomes 1-3, every other type on the four-point scale."""
    if grade is None:
        return
    allowed = SA_OUTCOMES if setting_type is SettingType.SUPPORTED_ACCOMMODATION else FOUR_POINT_GRADES
    if grade not in allowed:
        raise RuleViolation(
            f"a {setting_type.value} setting cannot be graded '{grade.value}'",
            code=AccountCode.GRADE_NOT_FOR_SETTING_TYPE,
            allowed=sorted(allowed),
        )


def check_inspection(grade: OfstedGrade | None, inspected_on: date | None) -> None:
    """A grade comes from an inspection, so it needs the inspection date."""
    if grade is not None and inspected_on is None:
        raise RuleViolation("a grade needs the date of the inspection", code=AccountCode.INSPECTION_DATE_REQUIRED)


def check_inspection_not_future(inspected_on: date | None, today: date) -> None:
    if inspected_on is not None and inspected_on > today:
        raise RuleViolation("the inspection date cannot be in the future", code=AccountCode.INSPECTION_IN_FUTURE)


# --- users -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class User:
    id: int
    email: str
    full_name: str
    role: Role
    status: UserStatus
    authority_id: int | None
    provider_id: int | None
    failed_logins: int
    locked_until: datetime | None
    created_at: datetime

    @property
    def org_kind(self) -> OrgKind:
        return org_kind_for(self.role)

    @property
    def org_id(self) -> int | None:
        return self.provider_id if self.role in PROVIDER_ROLES else self.authority_id


def check_user_organisation(role: Role, authority_id: int | None, provider_id: int | None) -> None:
    """Provider roles belong to one provider, council roles to one authority, admins to neither."""
    if role in PROVIDER_ROLES:
        ok = provider_id is not None and authority_id is None
        need = "a provider_id and no authority_id"
    elif role in AUTHORITY_ROLES:
        ok = authority_id is not None and provider_id is None
        need = "an authority_id and no provider_id"
    else:
        ok = authority_id is None and provider_id is None
        need = "neither an authority_id nor a provider_id"
    if not ok:
        raise RuleViolation(f"a {role.value} needs {need}", code=AccountCode.ORGANISATION_MISMATCH)


# --- sign-in throttling ----------------------------------------------------------------------


def after_successful_login(user: User) -> User:
    return replace(user, failed_logins=0, locked_until=None)


# --- documents -------------------------------------------------------------------------------


class DocumentType(StrEnum):
    INSURANCE_CERTIFICATE = "insurance_certificate"
    OFSTED_REPORT = "ofsted_report"
    ACCOUNTS = "accounts"
    SAFEGUARDING_POLICY = "safeguarding_policy"
    DBS_POLICY = "dbs_policy"
    DATA_PROTECTION = "data_protection"
    MODERN_SLAVERY_STATEMENT = "modern_slavery_statement"
    POLICY = "policy"
    VISIT_REPORT = "visit_report"
    CONTRACT = "contract"
    SIGNED_CONTRACT = "signed_contract"
    CORRESPONDENCE = "correspondence"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Document:
    """Metadata of one stored blob; the blob sits in the DocumentStore under `storage_key`."""

    id: int
    owner_kind: OrgKind
    provider_id: int | None
    authority_id: int | None
    document_type: DocumentType
    filename: str
    media_type: str
    size_bytes: int
    sha256: str
    storage_key: str
    expires_on: date | None
    uploaded_by: int
    uploaded_at: datetime


def check_expiry_not_past(expires_on: date | None, today: date) -> None:
    """Evidence that has already expired proves nothing; refuse it at upload."""
    if expires_on is not None and expires_on < today:
        raise RuleViolation("this document's expiry date has already passed", code=AccountCode.DOCUMENT_EXPIRED)


def safe_filename(raw: str | None) -> str:
    """Keep the client's file name for display only, stripped of any path and control characters."""
    name = (raw or "upload").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|*?:')
    return name.strip()[:200] or "upload"


def nation_of(region: Region) -> Nation:
    """Whose bank holidays an authority's working days skip: Welsh councils keep Wales's."""
    return Nation.WALES if region is Region.WALES else Nation.ENGLAND


# --- what providers send (the JSON API and the portal build these; services never see a Struct) ---


@dataclass(frozen=True, slots=True)
class ProviderDetails:
    """A provider's record as sent: identifiers and postcode are checked by the service."""

    legal_name: str
    trading_name: str | None
    company_number: str | None
    charity_number: str | None
    address: str
    postcode: str
    contacts: tuple[Contact, ...] = ()


@dataclass(frozen=True, slots=True)
class ProviderRegistration:
    """Self-registration: the provider and its first administrator."""

    provider: ProviderDetails
    admin_full_name: str
    admin_email: str
    admin_password: str


@dataclass(frozen=True, slots=True)
class ProviderChanges:
    """A change to a provider's record; `UNCHANGED` fields stay as they are."""

    legal_name: str | Unchanged = UNCHANGED
    trading_name: str | Unchanged | None = UNCHANGED
    company_number: str | Unchanged | None = UNCHANGED
    charity_number: str | Unchanged | None = UNCHANGED
    address: str | Unchanged = UNCHANGED
    postcode: str | Unchanged = UNCHANGED
    contacts: tuple[Contact, ...] | Unchanged = UNCHANGED


@dataclass(frozen=True, slots=True)
class SettingDetails:
    """A registered service as described by its provider."""

    name: str
    setting_type: SettingType
    ofsted_urn: str
    ofsted_grade: OfstedGrade | None
    last_inspection_date: date | None
    postcode: str
    capacity: int
    min_age: int
    max_age: int
    needs: frozenset[Need] = frozenset()


@dataclass(frozen=True, slots=True)
class SettingChanges:
    """A change to a setting; `UNCHANGED` fields stay (the Ofsted facts are officers' to record)."""

    name: str | Unchanged = UNCHANGED
    ofsted_grade: OfstedGrade | Unchanged | None = UNCHANGED
    last_inspection_date: date | Unchanged | None = UNCHANGED
    postcode: str | Unchanged = UNCHANGED
    capacity: int | Unchanged = UNCHANGED
    min_age: int | Unchanged = UNCHANGED
    max_age: int | Unchanged = UNCHANGED
    needs: frozenset[Need] | Unchanged = UNCHANGED
