"""Pure rules of the tenders package: call-offs, offers and their scoring, placements."""
