"""dps.scheduler: see DESIGN.md (not built yet)."""
