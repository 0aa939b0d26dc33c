"""Row mechanics every repository shares, written once.

- `one_row`: one row matching a condition, optionally locked for the transaction, or a 404;
- `update_versioned`: optimistic concurrency (DESIGN.md "Concurrency"): the update lands only if
  the row is still at the version the caller read; otherwise 412 with the current version;
- `unique_conflict`: a unique-constraint violation as a 409 with the stable code its constraint
  maps to;
- `json_text` / `json_value`: a value into a jsonb column, and a jsonb column's value back (asyncpg
  hands raw SQL's jsonb over as text, Piccolo's queries as decoded values).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import msgspec
from asyncpg.exceptions import UniqueViolationError
from piccolo.columns.combination import Combinable
from piccolo.table import Table

from dps.core.errors import Conflict, NotFound, StaleVersion

Lock = Literal["UPDATE", "SHARE"]


async def one_row(
    table: type[Table],
    where: Combinable,
    *,
    entity: str,
    detail: str,
    for_update: bool = False,
    lock: Lock | None = None,
    columns: Sequence[Any] = (),
) -> dict[str, Any]:
    """The one row of `table` matching `where`, or NotFound(detail). `for_update` locks it for the
    transaction (`SELECT ... FOR UPDATE`); `lock` names another strength ("SHARE"); `columns`
    selects only those (all when empty)."""
    query = table.select(*columns).where(where)
    if for_update:
        lock = "UPDATE"
    if lock is not None:
        query = query.lock_rows(lock)
    row = await query.first()
    if row is None:
        raise NotFound(detail, entity=entity)
    return row


async def update_versioned(table: type[Table], row_id: int, read_version: int, values: Mapping[Any, Any]) -> None:
    """Write `values` to row `row_id` only if it is still at `read_version` (no lost update)."""
    id_column: Any = table._meta.primary_key
    version: Any = table._meta.get_column_by_name("version")
    updated = (
        await table.update(dict(values)).where((id_column == row_id) & (version == read_version)).returning(id_column)
    )
    if updated:
        return
    current = await table.select(version).where(id_column == row_id).first()
    if current is None:
        raise NotFound(f"{table._meta.tablename} row {row_id} no longer exists", entity=table._meta.tablename)
    raise StaleVersion(read_version, current["version"])


def unique_conflict(error: UniqueViolationError, codes: Mapping[str, tuple[str, str]]) -> Conflict:
    """A 409 for a unique-constraint violation: `codes` maps constraint names to (code, detail)."""
    name = getattr(error, "constraint_name", "") or ""
    code, detail = codes.get(name, ("duplicate", "this record already exists"))
    return Conflict(detail, code=code)


def json_text(value: Any) -> str:
    """`value` (Structs, dataclasses, enums, Decimals, dates inside) as JSON text for a jsonb column."""
    return msgspec.json.encode(msgspec.to_builtins(value)).decode()


def json_value(raw: Any) -> Any:
    """A jsonb column's value as plain Python, whether the driver handed it over as text or decoded."""
    return msgspec.json.decode(raw) if isinstance(raw, str | bytes) else raw
