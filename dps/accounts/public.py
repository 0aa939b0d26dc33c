"""The face of accounts (authorities, providers, their settings and documents, users and sign-in): the
only module of dps.accounts, besides its `domain/` values, that another package may import (import-
linter enforces it, see pyproject.toml).

Names ending in `_row`/`_rows` read the stored row without any access check (for the services of the
packages above, which check access themselves); the others are the services the portal and the JSON
controllers call, which check the principal. Writes to accounts' rows go through the functions here:
no other package writes them.
"""

from __future__ import annotations

from dps.accounts.controllers import (
    AuthController,
    AuthorityController,
    DocumentController,
    MeController,
    ProviderController,
    UserController,
)
from dps.accounts.repository import (
    councils_working_with,
    get_user,
    recipients_of_authority,
    recipients_of_provider,
)
from dps.accounts.repository import (
    get_authority as get_authority_row,
)
from dps.accounts.repository import (
    get_document as get_document_row,
)
from dps.accounts.repository import (
    get_provider as get_provider_row,
)
from dps.accounts.repository import (
    get_setting as get_setting_row,
)
from dps.accounts.repository import (
    list_users as list_user_rows,
)
from dps.accounts.schemas import (
    ContactIn,
    ProviderIn,
    ProviderPatch,
    RegisterProviderIn,
    SettingIn,
    SettingPatch,
)
from dps.accounts.services.auth import (
    accept_invitation,
    login,
    logout,
    resolve_token,
)
from dps.accounts.services.authorities import (
    create_authority,
    get_authority,
    list_authorities,
)
from dps.accounts.services.documents import (
    download_document,
    get_document,
    upload_document,
)
from dps.accounts.services.inspections import GradeChange, record_ofsted_grade
from dps.accounts.services.providers import (
    create_setting,
    get_provider,
    get_providers,
    get_setting,
    list_settings,
    register_provider,
    update_provider,
    update_setting,
)
from dps.accounts.services.users import (
    create_user_with_password,
    disable_user,
    invite_user,
    list_users,
)

__all__ = [
    "AuthController",
    "AuthorityController",
    "ContactIn",
    "DocumentController",
    "GradeChange",
    "MeController",
    "ProviderController",
    "ProviderIn",
    "ProviderPatch",
    "RegisterProviderIn",
    "SettingIn",
    "SettingPatch",
    "UserController",
    "accept_invitation",
    "councils_working_with",
    "create_authority",
    "create_setting",
    "create_user_with_password",
    "disable_user",
    "download_document",
    "get_authority",
    "get_authority_row",
    "get_document",
    "get_document_row",
    "get_provider",
    "get_provider_row",
    "get_providers",
    "get_setting",
    "get_setting_row",
    "get_user",
    "invite_user",
    "list_authorities",
    "list_settings",
    "list_user_rows",
    "list_users",
    "login",
    "logout",
    "recipients_of_authority",
    "recipients_of_provider",
    "record_ofsted_grade",
    "register_provider",
    "resolve_token",
    "update_provider",
    "update_setting",
    "upload_document",
]
