"""Credentials: argon2 password hashes and bearer tokens (stored as SHA-256 digests)."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# --- passwords -------------------------------------------------------------------------------

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 12  # NCSC password guidance favours length over composition rules.


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A hash of a throwaway password, checked when the email is unknown so that timing does not
# reveal which emails have accounts.
DUMMY_PASSWORD_HASH = hash_password("not-a-real-password-for-timing")


# --- bearer tokens ---------------------------------------------------------------------------


def new_token() -> str:
    """A fresh bearer token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """Tokens are stored as SHA-256 digests: a leaked table grants nobody access."""
    return hashlib.sha256(token.encode()).hexdigest()
