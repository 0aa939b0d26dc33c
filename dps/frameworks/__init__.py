"""dps.frameworks: see DESIGN.md (not built yet)."""
