"""Typed refusals of contracts that callers act on (by type, never by comparing `code` strings)."""

from __future__ import annotations

from dps.contracts.codes import ContractCode
from dps.core.errors import Conflict, RuleViolation


class AlreadyGenerated(Conflict):
    """The subject (a placement, a variation, ...) has its document already."""

    code = ContractCode.ALREADY_GENERATED


class OffFrameworkPlacement(Conflict):
    """A spot purchase recorded outside the framework gets no agreement under the DPS."""

    code = ContractCode.OFF_FRAMEWORK_PLACEMENT


class NoApprovedTemplate(RuleViolation):
    """No approved template of the kind: a legal officer must approve one first."""

    code = ContractCode.NO_APPROVED_TEMPLATE
