"""dps.compliance: see DESIGN.md (not built yet)."""
