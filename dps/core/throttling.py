"""Throttling repeated failures (sign-in): growing delays per key instead of a hard lock.

Issue 13 item 7: five wrong passwords used to lock an account for 15 minutes even against the
right password, so anyone could keep a victim out, and only real accounts locked (an existence
oracle). Now failures are counted per key - a client (IP address) across all accounts, and one
account from one client - and from the `limit`-th failure in a row each further attempt on that
key waits longer (1 s, 2 s, 4 s, ... up to `longest_delay`; NCSC password guidance: throttle
rather than lock). An attacker's failures slow only the attacker's keys: the real user, from their
own client, still signs in with the right password. Keys name the typed address, never whether it
has an account, so unknown accounts are throttled identically.

The rule (`ThrottleRule`, `after_failure`) is pure; the store below keeps one row per key in
`login_throttles` and serialises attempts on a key with a transaction-scoped advisory lock.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from piccolo.querystring import QueryString

from dps.core.db import DB

# Arbitrary constant: the namespace of the advisory locks that serialise attempts on one key.
THROTTLE_LOCKS = 7_310_004


@dataclass(frozen=True, slots=True)
class ThrottleRule:
    """From the `limit`-th failure in a row, wait `first_delay`, doubling per failure up to
    `longest_delay`; failures older than `forget_after` no longer count."""

    limit: int
    first_delay: timedelta
    longest_delay: timedelta
    forget_after: timedelta

    def delay_after(self, failures: int) -> timedelta:
        """How long the key waits after its `failures`-th failure in a row."""
        if failures < self.limit:
            return timedelta(0)
        return min(self.first_delay * 2 ** min(failures - self.limit, 32), self.longest_delay)


@dataclass(frozen=True, slots=True)
class ThrottleState:
    key: str
    failures: int = 0
    last_failure_at: datetime | None = None
    blocked_until: datetime | None = None

    def waits(self, at: datetime) -> timedelta | None:
        """How long an attempt at `at` must still wait, or None when it may go ahead."""
        if self.blocked_until is None or self.blocked_until <= at:
            return None
        return self.blocked_until - at


def after_failure(state: ThrottleState, at: datetime, rule: ThrottleRule) -> ThrottleState:
    """Count one failure at `at` (a failure after a quiet `forget_after` starts a new run)."""
    recent = state.last_failure_at is not None and at - state.last_failure_at < rule.forget_after
    failures = (state.failures if recent else 0) + 1
    delay = rule.delay_after(failures)
    return replace(state, failures=failures, last_failure_at=at, blocked_until=at + delay if delay else None)


def retry_after_seconds(wait: timedelta) -> int:
    """A Retry-After value (RFC 9110 section 10.2.3): whole seconds, at least 1."""
    return max(1, math.ceil(wait.total_seconds()))


def sign_in_keys(email: str, client: str | None) -> tuple[str, str]:
    """The sign-in's keys: (this account from this client, this client). The address is hashed:
    the table holds no typed emails (which are sometimes passwords typed in the wrong box)."""
    where = client or "unknown"
    account = hashlib.sha256(email.encode()).hexdigest()[:32]
    return f"account:{account}@{where}", f"client:{where}"


# --- the store -------------------------------------------------------------------------------


async def load(keys: tuple[str, ...]) -> dict[str, ThrottleState]:
    """Lock `keys` for this transaction (one attempt at a time per key) and read their state."""
    for key in sorted(keys):
        await DB.run_querystring(QueryString("SELECT pg_advisory_xact_lock({}, hashtext({}))", THROTTLE_LOCKS, key))
    rows = await DB.run_querystring(
        QueryString(
            "SELECT key, failures, last_failure_at, blocked_until FROM login_throttles WHERE key = ANY({}::text[])",
            list(keys),
        )
    )
    found = {r["key"]: ThrottleState(**r) for r in rows}
    return {key: found.get(key, ThrottleState(key)) for key in keys}


async def save(state: ThrottleState) -> None:
    await DB.run_querystring(
        QueryString(
            "INSERT INTO login_throttles (key, failures, last_failure_at, blocked_until) VALUES ({}, {}, {}, {})"
            " ON CONFLICT (key) DO UPDATE SET failures = EXCLUDED.failures,"
            " last_failure_at = EXCLUDED.last_failure_at, blocked_until = EXCLUDED.blocked_until",
            state.key,
            state.failures,
            state.last_failure_at,
            state.blocked_until,
        )
    )


async def clear(key: str) -> None:
    await DB.run_querystring(QueryString("DELETE FROM login_throttles WHERE key = {}", key))
