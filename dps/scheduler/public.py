"""The face of the scheduler for the app, the CLI and the portal: running passes, the one-leader
rule, the deadlines view and its JSON controller. No other module of dps.scheduler is imported
from outside it (import-linter enforces it, see pyproject.toml)."""

from __future__ import annotations

from dps.scheduler.controllers import DeadlineController
from dps.scheduler.leadership import Leadership
from dps.scheduler.runner import PassReport, build_scheduler, run_once
from dps.scheduler.services import Deadline, my_deadlines

__all__ = ["Deadline", "DeadlineController", "Leadership", "PassReport", "build_scheduler", "my_deadlines", "run_once"]
