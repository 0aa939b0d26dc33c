"""Request and response bodies of the accounts API (msgspec Structs; unknown fields refused)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from dps.accounts import domain as d
from dps.core.auth import Role
from dps.core.requests import Input, OnsCode, given, given_as

Name = Annotated[str, Meta(min_length=1, max_length=200)]
Text500 = Annotated[str, Meta(min_length=1, max_length=500)]
PostcodeText = Annotated[str, Meta(min_length=2, max_length=10, examples=["M1 1AE"])]
Email = Annotated[str, Meta(min_length=3, max_length=254, examples=["officer@council.gov.uk"])]
Password = Annotated[str, Meta(min_length=12, max_length=200)]
Age = Annotated[int, Meta(ge=0, le=d.MAX_AGE_SERVED)]
Capacity = Annotated[int, Meta(ge=1, le=10_000)]


# --- auth ------------------------------------------------------------------------------------


class LoginIn(Input, kw_only=True):
    email: Email
    password: Annotated[str, Meta(min_length=1, max_length=200)]


class TokenOut(Struct, kw_only=True):
    token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme name
    expires_at: datetime
    user_id: int
    role: Role


class AcceptInvitationIn(Input, kw_only=True):
    invitation_token: Annotated[str, Meta(min_length=10, max_length=200)]
    password: Password


class MeOut(Struct, kw_only=True):
    user_id: int
    email: str
    role: Role
    organisation_kind: str
    organisation_id: int | None


# --- authorities -----------------------------------------------------------------------------


class AuthorityIn(Input, kw_only=True):
    name: Name
    ons_code: OnsCode
    region: d.Region


class AuthorityOut(Struct, kw_only=True):
    id: int
    name: str
    ons_code: str
    region: d.Region

    @classmethod
    def of(cls, a: d.Authority) -> AuthorityOut:
        return cls(id=a.id, name=a.name, ons_code=a.ons_code, region=a.region)


class AuthorityPage(Struct, kw_only=True):
    items: list[AuthorityOut]
    next_cursor: str | None


# --- providers -------------------------------------------------------------------------------


class ContactIn(Input, kw_only=True):
    name: Name
    email: Email
    phone: Annotated[str, Meta(max_length=40)] | None = None
    role: Annotated[str, Meta(max_length=100)] | None = None

    def to_domain(self) -> d.Contact:
        return d.Contact(name=self.name, email=self.email, phone=self.phone, role=self.role)


class ProviderIn(Input, kw_only=True):
    legal_name: Name
    trading_name: Name | None = None
    company_number: Annotated[str, Meta(max_length=12)] | None = None
    charity_number: Annotated[str, Meta(max_length=12)] | None = None
    address: Text500
    postcode: PostcodeText
    contacts: Annotated[list[ContactIn], Meta(max_length=20)] = msgspec.field(default_factory=list)

    def to_domain(self) -> d.ProviderDetails:
        return d.ProviderDetails(
            legal_name=self.legal_name,
            trading_name=self.trading_name,
            company_number=self.company_number,
            charity_number=self.charity_number,
            address=self.address,
            postcode=self.postcode,
            contacts=_contacts(self.contacts),
        )


def _contacts(items: list[ContactIn]) -> tuple[d.Contact, ...]:
    return tuple(c.to_domain() for c in items)


class RegisterProviderIn(Input, kw_only=True):
    provider: ProviderIn
    admin_full_name: Name
    admin_email: Email
    admin_password: Password

    def to_domain(self) -> d.ProviderRegistration:
        return d.ProviderRegistration(
            self.provider.to_domain(), self.admin_full_name, self.admin_email, self.admin_password
        )


class ProviderPatch(Input, kw_only=True):
    legal_name: Name | UnsetType = UNSET
    trading_name: Name | UnsetType | None = UNSET
    company_number: Annotated[str, Meta(max_length=12)] | UnsetType | None = UNSET
    charity_number: Annotated[str, Meta(max_length=12)] | UnsetType | None = UNSET
    address: Text500 | UnsetType = UNSET
    postcode: PostcodeText | UnsetType = UNSET
    contacts: Annotated[list[ContactIn], Meta(max_length=20)] | UnsetType = UNSET

    def to_domain(self) -> d.ProviderChanges:
        return d.ProviderChanges(
            legal_name=given(self.legal_name),
            trading_name=given(self.trading_name),
            company_number=given(self.company_number),
            charity_number=given(self.charity_number),
            address=given(self.address),
            postcode=given(self.postcode),
            contacts=given_as(self.contacts, _contacts),
        )


class ContactOut(Struct, kw_only=True):
    name: str
    email: str
    phone: str | None
    role: str | None


class ProviderOut(Struct, kw_only=True):
    id: int
    legal_name: str
    trading_name: str | None
    company_number: str | None
    charity_number: str | None
    address: str
    postcode: str
    contacts: list[ContactOut]
    version: int
    created_at: datetime

    @classmethod
    def of(cls, p: d.Provider) -> ProviderOut:
        return cls(
            id=p.id,
            legal_name=p.legal_name,
            trading_name=p.trading_name,
            company_number=p.company_number,
            charity_number=p.charity_number,
            address=p.address,
            postcode=p.postcode,
            contacts=[ContactOut(name=c.name, email=c.email, phone=c.phone, role=c.role) for c in p.contacts],
            version=p.version,
            created_at=p.created_at,
        )


class ProviderPage(Struct, kw_only=True):
    items: list[ProviderOut]
    next_cursor: str | None


class UserOut(Struct, kw_only=True):
    id: int
    email: str
    full_name: str
    role: Role
    status: d.UserStatus
    authority_id: int | None
    provider_id: int | None
    created_at: datetime

    @classmethod
    def of(cls, u: d.User) -> UserOut:
        return cls(
            id=u.id,
            email=u.email,
            full_name=u.full_name,
            role=u.role,
            status=u.status,
            authority_id=u.authority_id,
            provider_id=u.provider_id,
            created_at=u.created_at,
        )


class RegistrationOut(Struct, kw_only=True):
    provider: ProviderOut
    admin: UserOut


# --- settings --------------------------------------------------------------------------------


class SettingIn(Input, kw_only=True):
    name: Name
    setting_type: d.SettingType
    ofsted_urn: Annotated[str, Meta(min_length=6, max_length=12, examples=["SC123456"])]
    ofsted_grade: d.OfstedGrade | None = None
    last_inspection_date: date | None = None
    postcode: PostcodeText
    capacity: Capacity
    min_age: Age
    max_age: Age
    needs: Annotated[list[d.Need], Meta(max_length=40)] = msgspec.field(default_factory=list)

    def to_domain(self) -> d.SettingDetails:
        return d.SettingDetails(
            name=self.name,
            setting_type=self.setting_type,
            ofsted_urn=self.ofsted_urn,
            ofsted_grade=self.ofsted_grade,
            last_inspection_date=self.last_inspection_date,
            postcode=self.postcode,
            capacity=self.capacity,
            min_age=self.min_age,
            max_age=self.max_age,
            needs=frozenset(self.needs),
        )


class SettingPatch(Input, kw_only=True):
    name: Name | UnsetType = UNSET
    # Read-only to providers (403 `ofsted_facts_read_only`): council officers record the grade and
    # inspection date as an Ofsted judgement; only admins correct an imported value here.
    ofsted_grade: d.OfstedGrade | UnsetType | None = UNSET
    last_inspection_date: date | UnsetType | None = UNSET
    postcode: PostcodeText | UnsetType = UNSET
    capacity: Capacity | UnsetType = UNSET
    min_age: Age | UnsetType = UNSET
    max_age: Age | UnsetType = UNSET
    needs: Annotated[list[d.Need], Meta(max_length=40)] | UnsetType = UNSET

    def to_domain(self) -> d.SettingChanges:
        return d.SettingChanges(
            name=given(self.name),
            ofsted_grade=given(self.ofsted_grade),
            last_inspection_date=given(self.last_inspection_date),
            postcode=given(self.postcode),
            capacity=given(self.capacity),
            min_age=given(self.min_age),
            max_age=given(self.max_age),
            needs=given_as(self.needs, frozenset),
        )


class SettingOut(Struct, kw_only=True):
    id: int
    provider_id: int
    name: str
    setting_type: d.SettingType
    ofsted_urn: str
    ofsted_grade: d.OfstedGrade | None
    last_inspection_date: date | None
    postcode: str
    local_authority_code: str | None
    capacity: int
    min_age: int
    max_age: int
    needs: list[d.Need]
    version: int

    @classmethod
    def of(cls, s: d.Setting) -> SettingOut:
        return cls(
            id=s.id,
            provider_id=s.provider_id,
            name=s.name,
            setting_type=s.setting_type,
            ofsted_urn=s.ofsted_urn,
            ofsted_grade=s.ofsted_grade,
            last_inspection_date=s.last_inspection_date,
            postcode=s.postcode,
            local_authority_code=s.local_authority_code,
            capacity=s.capacity,
            min_age=s.ages.min_age,
            max_age=s.ages.max_age,
            needs=sorted(s.needs),
            version=s.version,
        )


class SettingPage(Struct, kw_only=True):
    items: list[SettingOut]
    next_cursor: str | None


# --- users -----------------------------------------------------------------------------------


class InviteUserIn(Input, kw_only=True):
    email: Email
    full_name: Name
    role: Role
    authority_id: int | None = None
    provider_id: int | None = None


class InvitationOut(Struct, kw_only=True):
    user: UserOut
    invitation_token: str
    invitation_expires_at: datetime


class UserPage(Struct, kw_only=True):
    items: list[UserOut]
    next_cursor: str | None


# --- documents -------------------------------------------------------------------------------


class DocumentOut(Struct, kw_only=True):
    id: int
    owner_kind: str
    provider_id: int | None
    authority_id: int | None
    document_type: d.DocumentType
    filename: str
    media_type: str
    size_bytes: int
    sha256: str
    expires_on: date | None
    uploaded_by: int
    uploaded_at: datetime

    @classmethod
    def of(cls, doc: d.Document) -> DocumentOut:
        return cls(
            id=doc.id,
            owner_kind=doc.owner_kind.value,
            provider_id=doc.provider_id,
            authority_id=doc.authority_id,
            document_type=doc.document_type,
            filename=doc.filename,
            media_type=doc.media_type,
            size_bytes=doc.size_bytes,
            sha256=doc.sha256,
            expires_on=doc.expires_on,
            uploaded_by=doc.uploaded_by,
            uploaded_at=doc.uploaded_at,
        )


class DocumentPage(Struct, kw_only=True):
    items: list[DocumentOut]
    next_cursor: str | None
