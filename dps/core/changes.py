"""One explicit listener told of every audited state change, inside the change's transaction.

Packages low in the order (frameworks, tenders, contracts) may not import the ones above them, yet
some of those (transparency: an OCDS release is written in the same transaction as the change it
reports) must react to their changes. `audit.record` is already called by every service inside its
transaction, so it tells the one `ChangeListener` the Context carries, after the event is written.
The app and the CLI put transparency's listener there; tests and tools that set none pay nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from dps.core.context import Context


class ChangeListener(Protocol):
    async def changed(self, ctx: Context, action: str, entity_type: str, entity_id: str, after: Any) -> None:
        """React to one audited change (`after` as the audit event's JSON value), in its transaction."""
        ...
