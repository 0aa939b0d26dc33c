"""HTTP routes of accounts: parse, call one service function, map the result."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody, QueryParameter
from msgspec import Struct

from dps.accounts import schemas as s
from dps.accounts.domain import DocumentType, Region
from dps.accounts.services import auth, authorities, documents, providers, users
from dps.core.concurrency import etag, parse_if_match
from dps.core.context import Context
from dps.core.http import (
    DEFAULT_PAGE_SIZE,
    PUBLIC,
    Cursor,
    IfMatch,
    Limit,
    after_id,
    content_disposition,
    signed_in,
)
from dps.core.storage import ALLOWED_MEDIA_TYPES


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["Auth"]
    guards = [signed_in]

    @post("/login", operation_id="Login", status_code=200, opt=PUBLIC)
    async def login(
        self, data: JSONBody[s.LoginIn], ctx: NamedDependency[Context], request: Request[Any, Any, Any]
    ) -> s.TokenOut:
        """Sign in with email and password; returns a bearer token. Repeated failures make further
        attempts from the same client wait, longer each time (429 `login_throttled`, Retry-After)."""
        client = request.client.host if request.client else None
        issued = await auth.login(ctx, data.email, data.password, client=client)
        return s.TokenOut(
            token=issued.token, expires_at=issued.expires_at, user_id=issued.user.id, role=issued.user.role
        )

    @post("/logout", operation_id="Logout", status_code=204)
    async def logout(self, ctx: NamedDependency[Context]) -> None:
        """Revoke the bearer token this request carries."""
        await auth.logout(ctx)

    @post("/accept-invitation", operation_id="AcceptInvitation", status_code=200, opt=PUBLIC)
    async def accept_invitation(self, data: JSONBody[s.AcceptInvitationIn], ctx: NamedDependency[Context]) -> s.UserOut:
        """Choose a password with the invitation token you were sent; the account becomes active."""
        return s.UserOut.of(await auth.accept_invitation(ctx, data.invitation_token, data.password))


class MeController(Controller):
    path = "/api/v1/me"
    guards = [signed_in]
    tags = ["Auth"]

    @get("/", operation_id="GetMe")
    async def me(self, ctx: NamedDependency[Context]) -> s.MeOut:
        """Who the bearer token belongs to: user, role and organisation."""
        p = ctx.user
        return s.MeOut(
            user_id=p.user_id,
            email=p.email,
            role=p.role,
            organisation_kind=p.org_kind.value,
            organisation_id=p.org_id,
        )


class AuthorityController(Controller):
    path = "/api/v1/authorities"
    guards = [signed_in]
    tags = ["Authorities"]

    @post("/", operation_id="CreateAuthority")
    async def create(self, data: JSONBody[s.AuthorityIn], ctx: NamedDependency[Context]) -> s.AuthorityOut:
        """Add a council (platform admins only). The ONS code (e.g. E08000003) is unique."""
        return s.AuthorityOut.of(await authorities.create_authority(ctx, data.name, data.ons_code, data.region))

    @get("/", operation_id="ListAuthorities")
    async def list_(
        self,
        ctx: NamedDependency[Context],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        region: FromQuery[Region | None] = None,
    ) -> s.AuthorityPage:
        """List councils, optionally in one region."""
        page = await authorities.list_authorities(ctx, limit, after_id(cursor), region)
        return s.AuthorityPage(items=[s.AuthorityOut.of(a) for a in page.items], next_cursor=page.next_cursor)

    @get("/{authority_id:int}", operation_id="GetAuthority")
    async def get_one(self, authority_id: FromPath[int], ctx: NamedDependency[Context]) -> s.AuthorityOut:
        """One council."""
        return s.AuthorityOut.of(await authorities.get_authority(ctx, authority_id))


class ProviderController(Controller):
    path = "/api/v1/providers"
    guards = [signed_in]
    tags = ["Providers"]

    @post("/register", operation_id="RegisterProvider", opt=PUBLIC)
    async def register(self, data: JSONBody[s.RegisterProviderIn], ctx: NamedDependency[Context]) -> s.RegistrationOut:
        """Self-registration of a care provider: creates the provider and its first administrator."""
        provider, admin = await providers.register_provider(ctx, data.to_domain())
        return s.RegistrationOut(provider=s.ProviderOut.of(provider), admin=s.UserOut.of(admin))

    @get("/", operation_id="ListProviders")
    async def list_(
        self,
        ctx: NamedDependency[Context],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        name: Annotated[str | None, QueryParameter(name="name", max_length=100, required=False)] = None,
    ) -> s.ProviderPage:
        """Providers: council staff see all (filter by part of the name); providers see themselves."""
        page = await providers.list_providers(ctx, limit, after_id(cursor), name)
        return s.ProviderPage(items=[s.ProviderOut.of(p) for p in page.items], next_cursor=page.next_cursor)

    @get("/{provider_id:int}", operation_id="GetProvider")
    async def get_one(self, provider_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[s.ProviderOut]:
        """One provider, with its version as the ETag."""
        provider = await providers.get_provider(ctx, provider_id)
        return Response(s.ProviderOut.of(provider), headers={"ETag": etag(provider.version)})

    @patch("/{provider_id:int}", operation_id="UpdateProvider")
    async def update(
        self,
        provider_id: FromPath[int],
        data: JSONBody[s.ProviderPatch],
        ctx: NamedDependency[Context],
        if_match: IfMatch = None,
    ) -> Response[s.ProviderOut]:
        """Change the provider's record (its administrators). Send If-Match with the ETag you read:
        412 if someone changed it since, 428 without it."""
        provider = await providers.update_provider(ctx, provider_id, parse_if_match(if_match), data.to_domain())
        return Response(s.ProviderOut.of(provider), headers={"ETag": etag(provider.version)})

    @post("/{provider_id:int}/settings", operation_id="CreateSetting")
    async def create_setting(
        self, provider_id: FromPath[int], data: JSONBody[s.SettingIn], ctx: NamedDependency[Context]
    ) -> Response[s.SettingOut]:
        """Describe a registered setting (home, agency branch, school); the postcode must exist."""
        setting = await providers.create_setting(ctx, provider_id, data.to_domain())
        return Response(s.SettingOut.of(setting), status_code=201, headers={"ETag": etag(setting.version)})

    @get("/{provider_id:int}/settings", operation_id="ListSettings")
    async def list_settings(
        self,
        provider_id: FromPath[int],
        ctx: NamedDependency[Context],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
    ) -> s.SettingPage:
        """A provider's settings."""
        page = await providers.list_settings(ctx, provider_id, limit, after_id(cursor))
        return s.SettingPage(items=[s.SettingOut.of(x) for x in page.items], next_cursor=page.next_cursor)

    @get("/{provider_id:int}/settings/{setting_id:int}", operation_id="GetSetting")
    async def get_setting(
        self, provider_id: FromPath[int], setting_id: FromPath[int], ctx: NamedDependency[Context]
    ) -> Response[s.SettingOut]:
        """One setting, with its version as the ETag."""
        setting = await providers.get_setting(ctx, provider_id, setting_id)
        return Response(s.SettingOut.of(setting), headers={"ETag": etag(setting.version)})

    @patch("/{provider_id:int}/settings/{setting_id:int}", operation_id="UpdateSetting")
    async def update_setting(
        self,
        provider_id: FromPath[int],
        setting_id: FromPath[int],
        data: JSONBody[s.SettingPatch],
        ctx: NamedDependency[Context],
        if_match: IfMatch = None,
    ) -> Response[s.SettingOut]:
        """Change a setting (the provider's users). Send If-Match with the ETag you read."""
        setting = await providers.update_setting(
            ctx, provider_id, setting_id, parse_if_match(if_match), data.to_domain()
        )
        return Response(s.SettingOut.of(setting), headers={"ETag": etag(setting.version)})


class UserController(Controller):
    path = "/api/v1/users"
    guards = [signed_in]
    tags = ["Users"]

    @post("/", operation_id="InviteUser")
    async def invite(self, data: JSONBody[s.InviteUserIn], ctx: NamedDependency[Context]) -> s.InvitationOut:
        """Invite a user: admins invite anyone, provider administrators their own people. The
        invitation token is shown once; the invitee accepts it at /api/v1/auth/accept-invitation."""
        invitation = await users.invite_user(
            ctx, data.email, data.full_name, data.role, data.authority_id, data.provider_id
        )
        return s.InvitationOut(
            user=s.UserOut.of(invitation.user),
            invitation_token=invitation.token,
            invitation_expires_at=invitation.expires_at,
        )

    @get("/", operation_id="ListUsers")
    async def list_(
        self, ctx: NamedDependency[Context], cursor: Cursor = None, limit: Limit = DEFAULT_PAGE_SIZE
    ) -> s.UserPage:
        """Users of your own organisation (admins: everyone)."""
        page = await users.list_users(ctx, limit, after_id(cursor))
        return s.UserPage(items=[s.UserOut.of(u) for u in page.items], next_cursor=page.next_cursor)

    @get("/{user_id:int}", operation_id="GetUser")
    async def get_one(self, user_id: FromPath[int], ctx: NamedDependency[Context]) -> s.UserOut:
        """One user of your own organisation."""
        return s.UserOut.of(await users.get_user(ctx, user_id))

    @post("/{user_id:int}/disable", operation_id="DisableUser", status_code=200)
    async def disable(self, user_id: FromPath[int], ctx: NamedDependency[Context]) -> s.UserOut:
        """Stop a user signing in and revoke their tokens."""
        return s.UserOut.of(await users.disable_user(ctx, user_id))


class DocumentUpload(Struct, kw_only=True):
    file: UploadFile
    document_type: DocumentType
    expires_on: date | None = None


class DocumentController(Controller):
    path = "/api/v1/documents"
    guards = [signed_in]
    tags = ["Documents"]

    @post("/", operation_id="UploadDocument")
    async def upload(
        self,
        data: Annotated[DocumentUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
        ctx: NamedDependency[Context],
    ) -> s.DocumentOut:
        """Upload a PDF, DOCX, PNG or JPEG (multipart: file, document_type, optional expires_on).
        The real type is sniffed from the content (415 otherwise); the size limit is 413."""
        content = await data.file.read()
        document = await documents.upload_document(
            ctx, content, data.file.filename, data.document_type, data.expires_on
        )
        return s.DocumentOut.of(document)

    @get("/", operation_id="ListDocuments")
    async def list_(
        self,
        ctx: NamedDependency[Context],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        provider_id: FromQuery[int | None] = None,
        document_type: FromQuery[DocumentType | None] = None,
    ) -> s.DocumentPage:
        """Documents you may see: a provider its own; council staff a provider's (with provider_id)
        or their own council's."""
        page = await documents.list_documents(ctx, limit, after_id(cursor), provider_id, document_type)
        return s.DocumentPage(items=[s.DocumentOut.of(x) for x in page.items], next_cursor=page.next_cursor)

    @get("/{document_id:int}", operation_id="GetDocument")
    async def get_one(self, document_id: FromPath[int], ctx: NamedDependency[Context]) -> s.DocumentOut:
        """A document's metadata (type, size, SHA-256, expiry)."""
        return s.DocumentOut.of(await documents.get_document(ctx, document_id))

    @get(
        "/{document_id:int}/content",
        operation_id="DownloadDocument",
        media_type="application/octet-stream",
        content_types=ALLOWED_MEDIA_TYPES,  # whichever the uploader sent (dps.core.openapi_problems)
    )
    async def download(self, document_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[bytes]:
        """The document's bytes, checked against the SHA-256 recorded at upload."""
        result = await documents.download_document(ctx, document_id)
        doc = result.document
        return Response(
            result.data,
            media_type=doc.media_type,
            headers={
                "Content-Disposition": content_disposition(doc.filename),
                "X-Content-SHA256": doc.sha256,
                "X-Content-Type-Options": "nosniff",
            },
        )
