"""dps.scheduler: deadline sweeps (engine), their rules (rules_*), and the deadlines view."""
