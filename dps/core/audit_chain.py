"""Sealing the audit trail: committed events chained in order by a keyed hash, signed checkpoints.

Appends (dps.core.audit.record) take no lock, so concurrent transactions never wait on each other
(issue 18). Each event notes the transaction that wrote it (`writer_xid`). The sealer runs shortly
after commit (a background task of every app process; one at a time by a try-lock, never waited
on) and chains, in id order, every event whose transaction id lies below the oldest transaction
still running (`pg_snapshot_xmin`): every such transaction has committed or rolled back, so each
committed event among them is visible, and every event that is not yet visible has a transaction
id at or above that point and is taken by a later round. Nothing committed is ever skipped:
ids allocated by rolled-back transactions are simply never seen, and an event whose transaction
commits after a later one is chained in the round after it commits (chain order is the order of
sealing, kept in `audit_chain.position`).

Each chain entry is HMAC-SHA256, with a key the database does not hold (`DPS_AUDIT_KEY`, or
`<DPS_VAR_DIR>/audit.key` generated on first use), over the previous entry and the event's
content, so nobody with only database access can rewrite an event and recompute what follows
(issue 13 item 8). After each round a signed checkpoint of the head (count and hash) is written
to the document store; `verify()` checks the chain against it, which catches a truncated tail or
an emptied table, and the sealer refuses to extend a chain that no longer agrees with it.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import msgspec

from dps.core.db import DB
from dps.core.errors import NotFound
from dps.core.rows import json_value
from dps.core.settings import Settings
from dps.core.storage import DocumentStore, StorageUnavailable

log = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
# Arbitrary constant naming the lock that lets one sealer work at a time (tried, never waited on).
SEALER_LOCK = 7_310_002
CHECKPOINT_KEY = "audit/checkpoints/latest.json"
KEY_FILE = "audit.key"
SEAL_BATCH = 1000


# --- the key ---------------------------------------------------------------------------------


def load_key(settings: Settings) -> bytes:
    """`DPS_AUDIT_KEY`, else the key in `<var dir>/audit.key`, generated (mode 0600) when missing."""
    if settings.audit_key:
        return settings.audit_key.encode()
    path = settings.var_dir / KEY_FILE
    if not path.exists():
        _create_key_file(path)
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: restore the audit key or set DPS_AUDIT_KEY")
    return key.encode()


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(32) + "\n")
    try:
        os.link(draft, path)  # atomic: a process starting at the same time keeps the first key
    except FileExistsError:
        pass
    finally:
        draft.unlink()


@dataclass(frozen=True, slots=True)
class Sealer:
    """What sealing and verifying need: the key, and where checkpoints go (None: nowhere)."""

    key: bytes
    store: DocumentStore | None


_configured: Sealer | None = None


def configure(settings: Settings, store: DocumentStore | None) -> Sealer:
    """Set this process's key and checkpoint store (the app and the CLI call it on start)."""
    global _configured
    _configured = Sealer(load_key(settings), store)
    return _configured


def configured() -> Sealer:
    """This process's sealer; from the environment's settings (no checkpoints) when never set."""
    return _configured or Sealer(load_key(Settings.from_env()), None)


# --- hashing ---------------------------------------------------------------------------------


def hashed_fields(row: dict[str, Any]) -> dict[str, Any]:
    """The event's content covered by its chain entry, as canonical JSON values."""
    occurred: datetime = row["occurred_at"]
    sealed_until: datetime | None = row.get("sealed_until")
    return {
        "id": row["id"],
        "occurred_at": occurred.astimezone(UTC).isoformat(),
        "actor_user_id": row["actor_user_id"],
        "actor_role": row["actor_role"],
        "actor_org_kind": row["actor_org_kind"],
        "actor_org_id": row["actor_org_id"],
        "action": row["action"],
        "entity_type": row["entity_type"],
        "entity_id": row["entity_id"],
        "before": json_value(row["before"]),
        "after": json_value(row["after"]),
        "sealed_until": sealed_until.astimezone(UTC).isoformat() if sealed_until else None,
        "owner_kind": row.get("owner_kind"),
        "owner_id": row.get("owner_id"),
    }


def chain_hash(key: bytes, prev_hash: str, position: int, row: dict[str, Any]) -> str:
    """HMAC-SHA256 over the previous entry's hash, the position and the event's canonical JSON."""
    body = msgspec.json.encode(hashed_fields(row), order="sorted")
    return hmac.new(key, f"{prev_hash}\n{position}\n".encode() + body, hashlib.sha256).hexdigest()


# --- checkpoints -----------------------------------------------------------------------------


class Checkpoint(msgspec.Struct, kw_only=True):
    count: int
    hash: str
    signed_at: str
    signature: str


def _signature(key: bytes, count: int, head: str, signed_at: str) -> str:
    message = f"dps-audit-checkpoint\n{count}\n{head}\n{signed_at}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


async def read_checkpoint(store: DocumentStore | None) -> Checkpoint | None:
    if store is None:
        return None
    try:
        return msgspec.json.decode(await store.get(CHECKPOINT_KEY), type=Checkpoint)
    except NotFound:
        return None


async def write_checkpoint(sealer: Sealer, count: int, head: str, at: datetime) -> None:
    """Sign the head and store it, unless a checkpoint at least as far along is there already."""
    if sealer.store is None:
        return
    current = await read_checkpoint(sealer.store)
    if current is not None and current.count >= count:
        return
    signed_at = at.astimezone(UTC).isoformat()
    checkpoint = Checkpoint(count=count, hash=head, signed_at=signed_at,
                            signature=_signature(sealer.key, count, head, signed_at))  # fmt: skip
    await sealer.store.put(CHECKPOINT_KEY, msgspec.json.encode(checkpoint), "application/json")


# --- sealing ---------------------------------------------------------------------------------

_EVENT_COLUMNS = (
    "e.id, e.occurred_at, e.actor_user_id, e.actor_role, e.actor_org_kind, e.actor_org_id, e.action,"
    " e.entity_type, e.entity_id, e.before::text AS before, e.after::text AS after, e.sealed_until,"
    " e.owner_kind, e.owner_id"
)


@asynccontextmanager
async def _connection() -> AsyncIterator[asyncpg.Connection]:
    pool = getattr(DB, "pool", None)
    if pool is not None:
        async with pool.acquire() as connection:
            yield connection
        return
    connection = await asyncpg.connect(DB.config["dsn"])
    try:
        yield connection
    finally:
        await connection.close()


class ChainDisagrees(Exception):
    """The chain no longer contains the last signed checkpoint (rewritten, truncated or emptied)."""


async def seal_pending(sealer: Sealer | None = None, batch: int = SEAL_BATCH) -> int:
    """One sealing round: chain the committed events not chained yet; returns how many. Returns 0
    at once when another process is sealing, and seals nothing when the chain disagrees with
    its last checkpoint (`verify` then says why)."""
    sealer = sealer or configured()
    async with _connection() as conn:
        try:
            async with conn.transaction(isolation="repeatable_read"):
                if not await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", SEALER_LOCK):
                    return 0
                sealed, position, head = await _seal_round(conn, sealer, batch)
        except asyncpg.UniqueViolationError:
            return 0  # a sealer that started at the same moment chained these first
        except ChainDisagrees as problem:
            log.error("audit sealer stopped: %s; run `dps audit verify`", problem)
            return 0
    if sealed:
        await write_checkpoint(sealer, position, head, datetime.now(UTC))
    return sealed


async def _seal_round(conn: asyncpg.Connection, sealer: Sealer, batch: int) -> tuple[int, int, str]:
    # Every transaction below this id has finished, and any event not yet visible is at or above it.
    horizon = await conn.fetchval("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")
    floor = await conn.fetchval("SELECT sealed_below::text FROM audit_seals ORDER BY id DESC LIMIT 1") or "0"
    last = await conn.fetchrow("SELECT position, hash FROM audit_chain ORDER BY position DESC LIMIT 1")
    position, head = (last["position"], last["hash"]) if last else (0, GENESIS_HASH)
    rows = await conn.fetch(
        f"SELECT {_EVENT_COLUMNS} FROM audit_events AS e"  # noqa: S608 (a constant)
        " WHERE e.writer_xid >= $1::text::xid8 AND e.writer_xid < $2::text::xid8"
        " AND NOT EXISTS (SELECT 1 FROM audit_chain AS c WHERE c.event_id = e.id)"
        " ORDER BY e.id LIMIT $3",
        floor,
        horizon,
        batch,
    )
    if not rows:
        return 0, position, head
    entries = []
    for row in rows:
        position += 1
        digest = chain_hash(sealer.key, head, position, dict(row))
        entries.append((position, row["id"], head, digest))
        head = digest
    await conn.executemany(
        "INSERT INTO audit_chain (position, event_id, prev_hash, hash) VALUES ($1, $2, $3, $4)", entries
    )
    # A full batch may have left events below the horizon: the next round starts from the same floor.
    await conn.execute(
        "INSERT INTO audit_seals (sealed_below, head_position, head_hash) VALUES ($1::text::xid8, $2, $3)",
        horizon if len(rows) < batch else floor,
        position,
        head,
    )
    checkpoint = await read_checkpoint(sealer.store)
    if checkpoint is not None:
        signed = await conn.fetchval("SELECT hash FROM audit_chain WHERE position = $1", checkpoint.count)
        if signed != checkpoint.hash:
            raise ChainDisagrees(f"the chain no longer holds checkpoint {checkpoint.count} of {checkpoint.signed_at}")
    return len(rows), position, head


async def seal_all(sealer: Sealer | None = None) -> int:
    """Seal until nothing committed is left unchained; returns how many were chained."""
    total = 0
    while (sealed := await seal_pending(sealer)) > 0:
        total += sealed
    return total


async def keep_sealing(interval_seconds: float = 1.0, sealer: Sealer | None = None) -> None:
    """The app's background task: a sealing round every `interval_seconds` (until cancelled)."""
    while True:
        try:
            await seal_all(sealer)
        except (OSError, StorageUnavailable, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            # The database or the store is away for a moment; the next round catches up.
            log.warning("audit sealing round failed: %s", error)
        await asyncio.sleep(interval_seconds)


# --- verifying -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VerifyResult:
    checked: int
    ok: bool
    first_bad_id: int | None = None
    problem: str | None = None


async def verify(batch_size: int = 5000, sealer: Sealer | None = None) -> VerifyResult:
    """Seal what is pending, then walk the whole chain in order and check it against the signed
    checkpoint; report the first event whose entry, link or content is wrong."""
    sealer = sealer or configured()
    await seal_all(sealer)
    checkpoint = await read_checkpoint(sealer.store)
    if checkpoint is not None and not hmac.compare_digest(
        checkpoint.signature, _signature(sealer.key, checkpoint.count, checkpoint.hash, checkpoint.signed_at)
    ):
        return VerifyResult(0, False, None, "the checkpoint's signature is wrong (forged, or another key)")
    prev_hash, checked, signed_head = GENESIS_HASH, 0, None
    async with _connection() as conn:
        while True:
            rows = await conn.fetch(
                f"SELECT c.position, c.event_id, c.prev_hash, c.hash, e.id IS NOT NULL AS present, {_EVENT_COLUMNS}"  # noqa: S608
                " FROM audit_chain AS c LEFT JOIN audit_events AS e ON e.id = c.event_id"
                " WHERE c.position > $1 ORDER BY c.position LIMIT $2",
                checked,
                batch_size,
            )
            if not rows:
                break
            for row in rows:
                bad = _check_entry(sealer.key, row, checked + 1, prev_hash)
                if bad is not None:
                    return VerifyResult(checked, False, row["event_id"], bad)
                prev_hash = row["hash"]
                checked += 1
                if checkpoint is not None and checked == checkpoint.count:
                    signed_head = prev_hash
        # Every event below the last complete round's horizon must be chained (one missing was
        # slipped in behind the sealer's back); later ones may be committing right now.
        unchained = await conn.fetchval(
            "SELECT min(e.id) FROM audit_events AS e"
            " WHERE e.writer_xid < (SELECT s.sealed_below FROM audit_seals AS s ORDER BY s.id DESC LIMIT 1)"
            " AND NOT EXISTS (SELECT 1 FROM audit_chain AS c WHERE c.event_id = e.id)"
        )
    if checkpoint is not None and checked < checkpoint.count:
        return VerifyResult(
            checked, False, None,
            f"the trail ends after {checked} events but {checkpoint.count} were signed at {checkpoint.signed_at}:"
            " the newest events were removed",
        )  # fmt: skip
    if checkpoint is not None and signed_head != checkpoint.hash:
        return VerifyResult(checked, False, None, f"the chain differs from its checkpoint of {checkpoint.signed_at}")
    if unchained is not None:
        return VerifyResult(checked, False, unchained, "this committed event was never chained")
    return VerifyResult(checked, True)


def _check_entry(key: bytes, row: asyncpg.Record, position: int, prev_hash: str) -> str | None:
    if row["position"] != position:
        return f"chain entries from position {position} are missing"
    if row["prev_hash"] != prev_hash:
        return "the event before this one is missing or was altered"
    if not row["present"]:
        return "this event was deleted"
    if not hmac.compare_digest(chain_hash(key, prev_hash, position, dict(row)), row["hash"]):
        return "this event's content was altered"
    return None
