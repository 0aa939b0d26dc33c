"""Pure rules of pricing: price bands, rate cards, fees, uplifts and the analysis of agreed fees."""

from dps.pricing.domain.fees import ChosenService, Fee, weekly_fee

__all__ = ["ChosenService", "Fee", "weekly_fee"]
