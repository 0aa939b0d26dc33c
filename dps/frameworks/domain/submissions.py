"""What officers send to set up an arrangement, as domain values: the arrangement, its lots and
questions, and changes to each. The JSON API and the portal build these; the services never see a
request Struct. Rules (overlapping windows, thresholds, terms) are checked by the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dps.accounts.domain import DocumentType
from dps.core.patches import UNCHANGED, Unchanged
from dps.frameworks.domain.arrangements import AgeBand, ReopeningWindow, ServiceType
from dps.frameworks.domain.questionnaires import Descriptor, QuestionKind
from dps.frameworks.profiles import ProfileCode


@dataclass(frozen=True, slots=True)
class ArrangementDraft:
    """A new arrangement: its profile, lead and member councils, term, pass mark and windows."""

    reference: str
    title: str
    service_type: ServiceType
    profile_code: ProfileCode
    lead_authority_id: int | None
    member_authority_ids: tuple[int, ...]
    term_start: date
    term_end: date
    quality_threshold: Decimal
    min_evaluators: int
    decision_period_days: int | None
    windows: tuple[ReopeningWindow, ...]
    window_reminder_days: int


@dataclass(frozen=True, slots=True)
class ArrangementChanges:
    """A change to an arrangement; `UNCHANGED` fields stay as they are."""

    title: str | Unchanged = UNCHANGED
    term_end: date | Unchanged = UNCHANGED
    extension_reason: str | Unchanged = UNCHANGED
    windows: tuple[ReopeningWindow, ...] | Unchanged = UNCHANGED
    quality_threshold: Decimal | Unchanged = UNCHANGED
    min_evaluators: int | Unchanged = UNCHANGED
    member_authority_ids: tuple[int, ...] | Unchanged = UNCHANGED
    window_reminder_days: int | Unchanged = UNCHANGED


@dataclass(frozen=True, slots=True)
class LotDraft:
    """A new lot: its code, bands of age and need, areas and its own pass mark (None: the arrangement's)."""

    code: str
    title: str
    description: str = ""
    age_bands: tuple[AgeBand, ...] = ()
    need_levels: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    quality_threshold: Decimal | None = None


@dataclass(frozen=True, slots=True)
class LotChanges:
    """A change to a lot; `UNCHANGED` fields stay (a None threshold falls back to the arrangement's)."""

    title: str | Unchanged = UNCHANGED
    description: str | Unchanged = UNCHANGED
    age_bands: tuple[AgeBand, ...] | Unchanged = UNCHANGED
    need_levels: tuple[str, ...] | Unchanged = UNCHANGED
    areas: tuple[str, ...] | Unchanged = UNCHANGED
    quality_threshold: Decimal | Unchanged | None = UNCHANGED


@dataclass(frozen=True, slots=True)
class QuestionDraft:
    """A new question of the questionnaire (no lot ids: every lot)."""

    section: str
    position: int
    text: str
    kind: QuestionKind
    mandatory: bool = True
    max_score: int = 0
    weight: Decimal = Decimal(0)
    descriptors: tuple[Descriptor, ...] = ()
    choices: tuple[str, ...] = ()
    evidence_type: DocumentType | None = None
    lot_ids: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class QuestionChanges:
    """A change to a question; `UNCHANGED` fields stay as they are."""

    section: str | Unchanged = UNCHANGED
    position: int | Unchanged = UNCHANGED
    text: str | Unchanged = UNCHANGED
    mandatory: bool | Unchanged = UNCHANGED
    max_score: int | Unchanged = UNCHANGED
    weight: Decimal | Unchanged = UNCHANGED
    descriptors: tuple[Descriptor, ...] | Unchanged = UNCHANGED
    choices: tuple[str, ...] | Unchanged = UNCHANGED
    lot_ids: frozenset[int] | Unchanged = UNCHANGED
