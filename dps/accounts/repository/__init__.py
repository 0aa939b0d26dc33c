"""Rows <-> domain objects for accounts; the only modules here that query.

One module per aggregate, named like `services/`: `authorities` (councils), `providers`
(providers and their settings), `users` (users, and the users who receive an organisation's
notifications), `auth` (bearer tokens and the principal behind one), `documents` (stored documents,
storage used, and the councils that may read a provider's due diligence); `_rows` maps unique
constraints to stable codes.
This package re-exports every public name, so `repository.get_provider(...)` keeps working;
new code may import the module directly (`from dps.accounts.repository import users`).
"""

from dps.accounts.repository._rows import UNIQUE_CODES, conflict_from_unique
from dps.accounts.repository.auth import insert_token, principal_for_token, revoke_token, revoke_user_tokens
from dps.accounts.repository.authorities import get_authority, insert_authority, list_authorities
from dps.accounts.repository.documents import (
    councils_working_with,
    get_document,
    insert_document,
    list_documents,
    lock_storage_used,
    storage_used,
)
from dps.accounts.repository.providers import (
    get_provider,
    get_providers,
    get_setting,
    insert_provider,
    insert_setting,
    list_providers,
    list_settings,
    update_provider,
    update_setting,
)
from dps.accounts.repository.users import (
    activate_user,
    find_user_by_invitation,
    find_user_for_login,
    get_user,
    insert_user,
    list_users,
    recipients_of_authority,
    recipients_of_provider,
    save_login_state,
    set_user_status,
)

# Grouped by module (one comment each), not sorted.
__all__ = [  # noqa: RUF022
    # _rows.py: unique constraints -> stable codes
    "UNIQUE_CODES",
    "conflict_from_unique",
    # authorities.py: authorities
    "insert_authority",
    "get_authority",
    "list_authorities",
    # providers.py: providers and their settings
    "insert_provider",
    "get_provider",
    "get_providers",
    "list_providers",
    "update_provider",
    "insert_setting",
    "get_setting",
    "list_settings",
    "update_setting",
    # users.py: users and notification recipients
    "insert_user",
    "get_user",
    "find_user_for_login",
    "find_user_by_invitation",
    "save_login_state",
    "activate_user",
    "set_user_status",
    "list_users",
    "recipients_of_provider",
    "recipients_of_authority",
    # auth.py: tokens
    "insert_token",
    "revoke_token",
    "revoke_user_tokens",
    "principal_for_token",
    # documents.py: documents, storage used, councils working with a provider
    "insert_document",
    "get_document",
    "list_documents",
    "storage_used",
    "lock_storage_used",
    "councils_working_with",
]
