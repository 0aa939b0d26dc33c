"""Transparency: OCDS releases and records of every arrangement and call-off, and the notices
(Procurement Act 2023 UK1-UK17, PCR 2015 forms) officers file on Find a Tender."""
