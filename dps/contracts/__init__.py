"""dps.contracts: see DESIGN.md (not built yet)."""
