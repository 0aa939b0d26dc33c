"""Partial updates as domain values: a field a patch does not mention is `UNCHANGED` (not None,
which clears a field). Request Structs turn msgspec's UNSET into it (`dps.core.requests.given`)."""

from __future__ import annotations

from dataclasses import fields
from enum import Enum
from typing import Any, Final


class Unchanged(Enum):
    """The one value of a field a patch leaves as it is."""

    UNCHANGED = "unchanged"


UNCHANGED: Final = Unchanged.UNCHANGED


def changed_fields(patch: Any) -> dict[str, Any]:
    """The fields of a patch dataclass that change something, by name."""
    return {f.name: value for f in fields(patch) if (value := getattr(patch, f.name)) is not UNCHANGED}
