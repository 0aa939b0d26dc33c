"""Typed refusals of contracts that callers act on (by type, never by comparing `code` strings)."""

from __future__ import annotations

from dps.core.errors import Conflict, RuleViolation


class AlreadyGenerated(Conflict):
    """The subject (a placement, a variation, ...) has its document already."""

    code = "already_generated"


class OffFrameworkPlacement(Conflict):
    """A spot purchase recorded outside the framework gets no agreement under the DPS."""

    code = "off_framework_placement"


class NoApprovedTemplate(RuleViolation):
    """No approved template of the kind: a legal officer must approve one first."""

    code = "no_approved_template"
