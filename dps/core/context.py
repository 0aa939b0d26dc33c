"""What every service call receives: who is calling, the clock, settings and the document adapters."""

from __future__ import annotations

from dataclasses import dataclass, replace

from dps.core.auth import Principal, require_principal
from dps.core.changes import ChangeListener
from dps.core.clock import Clock
from dps.core.documents import PdfConverter, TemplateRenderer
from dps.core.settings import Settings
from dps.core.storage import DocumentStore


@dataclass(frozen=True, slots=True)
class Context:
    principal: Principal | None
    clock: Clock
    settings: Settings
    store: DocumentStore
    # Told of every audited change inside its transaction (dps/core/changes.py); None: nobody listens.
    changes: ChangeListener | None = None
    # The contract renderer and PDF converter (dps/core/documents.py); None: the owner's default.
    renderer: TemplateRenderer | None = None
    converter: PdfConverter | None = None

    @property
    def user(self) -> Principal:
        """The authenticated caller, or 401."""
        return require_principal(self.principal)

    def require_signed_in(self) -> Principal:
        """Any authenticated caller may go on; anonymous callers get 401."""
        return self.user

    def as_system(self) -> Context:
        """The same context acting as the system (scheduler sweeps, CLI)."""
        return replace(self, principal=None)
