"""Keyset pagination: lists return at most `limit` items and an opaque cursor for the next page."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from dps.core.codes import CommonCode
from dps.core.errors import InvalidInput


class HasId(Protocol):
    @property
    def id(self) -> int: ...


T = TypeVar("T", bound=HasId)

MAX_LIMIT = 100
DEFAULT_LIMIT = 50


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_after_id: int | None

    @property
    def next_cursor(self) -> str | None:
        return encode_cursor(self.next_after_id) if self.next_after_id is not None else None


def page_of(items: Sequence[T], limit: int) -> Page[T]:
    """Cut a `limit + 1` fetch down to `limit` and note where the next page starts (items have `id`)."""
    more = len(items) > limit
    kept = list(items[:limit])
    next_after = kept[-1].id if more and kept else None
    return Page(items=kept, next_after_id=next_after)


def encode_cursor(after_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{after_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The id to continue after; 0 for the first page."""
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, value = raw.split(":", 1)
        if prefix != "id":
            raise ValueError(prefix)
        return int(value)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidInput(
            "the cursor is not one this API gave out", code=CommonCode.INVALID_CURSOR, field="cursor"
        ) from error
