"""dps.tenders: see DESIGN.md (not built yet)."""
