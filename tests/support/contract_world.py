"""A world for the contract services on real PostgreSQL (the `world` fixture is in
tests/integration/conftest.py): an authority, a provider and the facts of a placement and its variations."""

from __future__ import annotations

from dataclasses import dataclass, replace

from dps.contracts.domain import facts as f
from dps.contracts.domain.samples import fee_variation_facts, placement_facts
from dps.core.context import Context


@dataclass
class World:
    ctx: Context
    authority_id: int
    provider_id: int


def _placement(w: World, placement_id: int = 101) -> f.PlacementFacts:
    return replace(placement_facts(), placement_id=placement_id, authority_id=w.authority_id, provider_id=w.provider_id)


def _variation(w: World, placement_id: int, old: int = 608_456, new: int = 631_577) -> f.FeeVariationFacts:
    return replace(
        fee_variation_facts(),
        placement_id=placement_id,
        authority_id=w.authority_id,
        provider_id=w.provider_id,
        previous_weekly_pence=old,
        new_weekly_pence=new,
        contract_reference="",
    )
