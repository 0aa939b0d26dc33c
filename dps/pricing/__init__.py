"""dps.pricing: see DESIGN.md (not built yet)."""
