"""Compliance: due-diligence requirements, evidence, checks, Ofsted grades, visits, concerns, eligibility."""
