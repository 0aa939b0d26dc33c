"""Use cases of tenders: call-offs, offers, award, placements."""
