"""Compliance use cases: each owns its transaction, checks role and organisation, and audits."""
