"""What a scheduler pass did, counted per action, so `dps scheduler run-once` (and the log) says
more than "checked N deadlines" (issue 12, "messages people miss"). Pure: it reads the counts of
the audit events and notifications a pass wrote, by action and kind.

Each transition a pass makes is audited by the package that owns it (memberships suspended,
reinstated or expired; call-offs closed and concluded; documents generated; arrangements and
evidence expired), and every reminder or notice is a notification with a unique key, so those
rows are the record of what the pass did.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

# Audit actions of the transitions a pass makes, by what the report calls them.
ACTION_NAMES: dict[str, str] = {
    "membership.suspended": "suspensions",
    "membership.reinstated": "reinstatements",
    "membership.expired": "expiries",
    "arrangement.expired": "expiries",
    "evidence.expired": "expiries",
    "call_off.closed": "closings",
    "call_off.concluded": "conclusions",
    "contract.generated": "documents",
}


@dataclass(frozen=True, slots=True)
class PassActions:
    reminders: int = 0  # messages (one key each), reminders and notices alike
    recipients: int = 0  # people those messages went to (one notification each)
    suspensions: int = 0
    reinstatements: int = 0
    expiries: int = 0
    closings: int = 0
    conclusions: int = 0
    documents: int = 0
    pdfs: int = 0  # PDF copies made after the sweep

    def __add__(self, other: PassActions) -> PassActions:
        return PassActions(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(PassActions)))

    def describe(self) -> str:
        """E.g. "3 reminders (to 5 people), 1 suspension, 0 reinstatements, ..."."""
        parts = [f"{_count(self.reminders, 'reminder')} (to {_count(self.recipients, 'person', 'people')})"]
        parts += [
            _count(self.suspensions, "suspension"),
            _count(self.reinstatements, "reinstatement"),
            _count(self.expiries, "expiry", "expiries"),
            _count(self.closings, "closing"),
            _count(self.conclusions, "conclusion"),
            _count(self.documents, "document"),
            _count(self.pdfs, "PDF copy", "PDF copies"),
        ]
        return ", ".join(parts)


def tally(audit_actions: Mapping[str, int], messages: int, recipients: int) -> PassActions:
    """Counts per action from the audit actions (action -> events) and notifications a pass wrote."""
    counts = {name: 0 for name in set(ACTION_NAMES.values())}
    for action, n in audit_actions.items():
        if action in ACTION_NAMES:
            counts[ACTION_NAMES[action]] += n
    return PassActions(reminders=messages, recipients=recipients, **counts)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
