"""dps.pricing: price bands, rate cards, additional services, fees, uplifts and rate analysis."""
