"""Stored OCDS releases (`ocds_releases`): the per-process lock, the last release, pages and streams of JSON."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dps.core.rows import json_value
from dps.transparency.repository._rows import _fetch


@dataclass(frozen=True, slots=True)
class StoredRelease:
    id: int
    ocid: str
    released_at: datetime
    data: dict[str, Any]


# Arbitrary constant naming the class of locks that serialise the releases of one process.
RELEASE_LOCK_CLASS = 7_310_017


async def lock_process(ocid: str) -> None:
    """Serialise the releases of one contracting process for the rest of the transaction. Take it
    BEFORE reading the facts: a change committed by another transaction while this one waited is
    then seen (READ COMMITTED reads what committed before each statement), so two changes to one
    process at once write two releases, numbered in turn, the second holding both changes."""
    await _fetch("SELECT pg_advisory_xact_lock({}, hashtext({}))", RELEASE_LOCK_CLASS, ocid)


async def last_release(ocid: str) -> tuple[int, str | None]:
    """How many releases the process has, and the content hash of the latest (under `lock_process`)."""
    rows = await _fetch(
        """SELECT (SELECT count(*) FROM ocds_releases WHERE ocid = {}) AS n,
                  (SELECT content_sha256 FROM ocds_releases WHERE ocid = {} ORDER BY id DESC LIMIT 1) AS sha""",
        ocid,
        ocid,
    )
    return int(rows[0]["n"]), rows[0]["sha"]


async def insert_release(
    ocid: str,
    release: dict[str, Any],
    *,
    arrangement_id: int,
    call_off_id: int | None,
    released_at: datetime,
    content_sha256: str,
) -> None:
    await _fetch(
        """INSERT INTO ocds_releases (ocid, release_id, arrangement_id, call_off_id, released_at, tags, data,
                                      content_sha256)
           VALUES ({}, {}, {}, {}, {}, {}::varchar[], {}::jsonb, {})""",
        ocid,
        release["id"],
        arrangement_id,
        call_off_id,
        released_at,
        list(release["tag"]),
        json.dumps(release),
        content_sha256,
    )


def _stored(row: dict[str, Any]) -> StoredRelease:
    return StoredRelease(row["id"], row["ocid"], row["released_at"], json_value(row["data"]))


async def releases_page(since: datetime | None, after_id: int, limit: int) -> list[StoredRelease]:
    """Releases in the order they were written (id), from `since` on, after the cursor's id."""
    rows = await _fetch(
        """SELECT id, ocid, released_at, data FROM ocds_releases
           WHERE id > {} AND ({}::timestamptz IS NULL OR released_at >= {}::timestamptz)
           ORDER BY id LIMIT {}""",
        after_id,
        since,
        since,
        limit,
    )
    return [_stored(r) for r in rows]


async def releases_of(ocid: str) -> list[StoredRelease]:
    rows = await _fetch("SELECT id, ocid, released_at, data FROM ocds_releases WHERE ocid = {} ORDER BY id", ocid)
    return [_stored(r) for r in rows]


async def stream_release_json(since: datetime | None, batch: int = 500) -> AsyncIterator[list[str]]:
    """Every release's JSON text, in batches of `batch` rows by keyset (memory stays flat)."""
    after = 0
    while True:
        rows = await _fetch(
            """SELECT id, data::text AS text FROM ocds_releases
               WHERE id > {} AND ({}::timestamptz IS NULL OR released_at >= {}::timestamptz)
               ORDER BY id LIMIT {}""",
            after,
            since,
            since,
            batch,
        )
        if not rows:
            return
        after = rows[-1]["id"]
        yield [r["text"] for r in rows]
