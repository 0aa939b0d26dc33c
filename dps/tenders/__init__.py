"""dps.tenders: call-offs (placement requests), sealed offers, scoring, award and placements."""
