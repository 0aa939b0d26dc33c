"""Use cases of pricing: each loads, asks the domain, saves and audits in one transaction.

Other packages call `check_offer_fee` and `record_agreed_fee` (see fees.py)."""

from dps.pricing.services.fees import check_offer_fee, end_agreed_fee, record_agreed_fee, vary_agreed_fee

__all__ = ["check_offer_fee", "end_agreed_fee", "record_agreed_fee", "vary_agreed_fee"]
