"""Request and response bodies of the pricing API (msgspec Structs; unknown fields refused)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from dps.core.requests import BandFeePence, Input, OnsCode, given
from dps.pricing.domain import submissions as sub
from dps.pricing.domain.analysis import BandUse, ProviderSpread
from dps.pricing.domain.bands import BandKey, Position, PriceBand
from dps.pricing.domain.rate_cards import AdditionalService, ExceptionStatus, RateCard, RateCardStatus, ServiceUnit
from dps.pricing.domain.spend import CouncilSpend
from dps.pricing.domain.uplifts import IndexComponent, Uplift, UpliftMethod, UpliftPlan, UpliftStatus

# Weekly fees are whole pence; GBP 100,000 a week is far above any placement.
Label = Annotated[str, Meta(min_length=1, max_length=40)]
Text = Annotated[str, Meta(min_length=1, max_length=2000)]
ServiceCode = Annotated[str, Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,19}$", examples=["ONE-TO-ONE"])]
# msgspec cannot bound a Decimal; the domain checks ranges (`check_uplift`).
Percentage = Annotated[Decimal, Meta(examples=["3.8"])]


class BandKeyOut(Struct, kw_only=True):
    age_band: str
    need_level: str
    area: str | None

    @classmethod
    def of(cls, key: BandKey) -> BandKeyOut:
        return cls(age_band=key.age_band, need_level=key.need_level, area=key.area)


# --- price bands -----------------------------------------------------------------------------


class BandIn(Input, kw_only=True):
    lot_id: int
    age_band: Label
    need_level: Label
    area: OnsCode | None = None
    floor_pence: BandFeePence
    ceiling_pence: BandFeePence
    effective_from: date
    effective_to: date | None = None

    def to_domain(self) -> sub.BandDraft:
        return sub.BandDraft(**{f: getattr(self, f) for f in self.__struct_fields__})


class WithdrawIn(Input, kw_only=True):
    reason: Text


class BandPatch(Input, kw_only=True):
    floor_pence: BandFeePence | UnsetType = UNSET
    ceiling_pence: BandFeePence | UnsetType = UNSET
    effective_to: date | UnsetType | None = UNSET

    def to_domain(self) -> sub.BandChanges:
        return sub.BandChanges(given(self.floor_pence), given(self.ceiling_pence), given(self.effective_to))


class BandOut(Struct, kw_only=True):
    id: int
    arrangement_id: int
    lot_id: int
    age_band: str
    need_level: str
    area: str | None
    min_age: int
    max_age: int
    floor_pence: int
    ceiling_pence: int
    effective_from: date
    effective_to: date | None
    uplift_id: int | None
    version: int

    @classmethod
    def of(cls, b: PriceBand) -> BandOut:
        return cls(
            id=b.id,
            arrangement_id=b.arrangement_id,
            lot_id=b.lot_id,
            age_band=b.key.age_band,
            need_level=b.key.need_level,
            area=b.key.area,
            min_age=b.min_age,
            max_age=b.max_age,
            floor_pence=b.floor_pence,
            ceiling_pence=b.ceiling_pence,
            effective_from=b.period.starts_on,
            effective_to=b.period.ends_on,
            uplift_id=b.uplift_id,
            version=b.version,
        )


class BandPage(Struct, kw_only=True):
    items: list[BandOut]
    next_cursor: str | None


# --- additional services ---------------------------------------------------------------------


class ServiceIn(Input, kw_only=True):
    code: ServiceCode
    name: Annotated[str, Meta(min_length=1, max_length=200)]
    unit: ServiceUnit
    description: Annotated[str, Meta(max_length=2000)] = ""

    def to_domain(self) -> sub.ServiceDraft:
        return sub.ServiceDraft(self.code, self.name, self.unit, self.description)


class ServiceOut(Struct, kw_only=True):
    id: int
    arrangement_id: int
    code: str
    name: str
    unit: ServiceUnit
    description: str

    @classmethod
    def of(cls, s: AdditionalService) -> ServiceOut:
        return cls(
            id=s.id, arrangement_id=s.arrangement_id, code=s.code, name=s.name, unit=s.unit, description=s.description
        )


class ServiceList(Struct, kw_only=True):
    items: list[ServiceOut]


# --- rate cards ------------------------------------------------------------------------------


class LineIn(Input, kw_only=True):
    age_band: Label
    need_level: Label
    area: OnsCode | None = None
    weekly_price_pence: BandFeePence
    exception_justification: Text | None = None  # required when the price is above the ceiling


class ServicePriceIn(Input, kw_only=True):
    service_id: int
    unit_price_pence: BandFeePence


class RateCardIn(Input, kw_only=True):
    lot_id: int
    effective_from: date
    effective_to: date | None = None
    lines: Annotated[list[LineIn], Meta(min_length=1, max_length=200)]
    services: Annotated[list[ServicePriceIn], Meta(max_length=100)] = msgspec.field(default_factory=list)

    def to_domain(self) -> sub.RateCardProposal:
        return sub.RateCardProposal(
            lot_id=self.lot_id,
            effective_from=self.effective_from,
            effective_to=self.effective_to,
            lines=tuple(
                sub.LineProposal(x.age_band, x.need_level, x.area, x.weekly_price_pence, x.exception_justification)
                for x in self.lines
            ),
            services=tuple((x.service_id, x.unit_price_pence) for x in self.services),
        )


class ExceptionDecisionIn(Input, kw_only=True):
    approve: bool
    reason: Text

    def to_domain(self) -> sub.ExceptionDecision:
        return sub.ExceptionDecision(self.approve, self.reason)


class ApproveIn(Input, kw_only=True):
    note: Text | None = None
    abnormally_low_review: Text | None = None  # required when a price is below the floor

    def to_domain(self) -> sub.Approval:
        return sub.Approval(self.note, self.abnormally_low_review)


class RejectIn(Input, kw_only=True):
    reason: Text


class LineOut(Struct, kw_only=True):
    id: int
    age_band: str
    need_level: str
    area: str | None
    weekly_price_pence: int
    position: Position
    abnormally_low: bool
    exception_justification: str | None
    exception_status: ExceptionStatus | None
    exception_reason: str | None


class ServicePriceOut(Struct, kw_only=True):
    service_id: int
    unit: ServiceUnit
    unit_price_pence: int


class RateCardOut(Struct, kw_only=True):
    id: int
    provider_id: int
    arrangement_id: int
    lot_id: int
    status: RateCardStatus
    effective_from: date
    effective_to: date | None
    lines: list[LineOut]
    services: list[ServicePriceOut]
    submitted_at: datetime
    decided_at: datetime | None
    decision_note: str | None
    previous_id: int | None
    uplift_id: int | None
    version: int

    @classmethod
    def of(cls, c: RateCard) -> RateCardOut:
        return cls(
            id=c.id,
            provider_id=c.provider_id,
            arrangement_id=c.arrangement_id,
            lot_id=c.lot_id,
            status=c.status,
            effective_from=c.period.starts_on,
            effective_to=c.period.ends_on,
            lines=[
                LineOut(
                    id=x.id,
                    age_band=x.key.age_band,
                    need_level=x.key.need_level,
                    area=x.key.area,
                    weekly_price_pence=x.weekly_price_pence,
                    position=x.position,
                    abnormally_low=x.abnormally_low,
                    exception_justification=x.exception_justification,
                    exception_status=x.exception_status,
                    exception_reason=x.exception_reason,
                )
                for x in c.lines
            ],
            services=[
                ServicePriceOut(service_id=s.service_id, unit=s.unit, unit_price_pence=s.unit_price_pence)
                for s in c.services
            ],
            submitted_at=c.submitted_at,
            decided_at=c.decided_at,
            decision_note=c.decision_note,
            previous_id=c.previous_id,
            uplift_id=c.uplift_id,
            version=c.version,
        )


class RateCardPage(Struct, kw_only=True):
    items: list[RateCardOut]
    next_cursor: str | None


# --- uplifts ---------------------------------------------------------------------------------


class ComponentIn(Input, kw_only=True):
    index: Annotated[str, Meta(min_length=1, max_length=60, examples=["CPI"])]
    weight: Percentage  # % of the blend; the weights add up to 100
    rate: Percentage  # the index's % change


class UpliftIn(Input, kw_only=True):
    arrangement_id: int
    description: Text
    effective_on: date
    method: UpliftMethod
    flat_percentage: Percentage | None = None
    components: Annotated[list[ComponentIn], Meta(max_length=10)] = msgspec.field(default_factory=list)

    def to_domain(self) -> sub.UpliftDraft:
        return sub.UpliftDraft(
            arrangement_id=self.arrangement_id,
            description=self.description,
            effective_on=self.effective_on,
            method=self.method,
            flat_percentage=self.flat_percentage,
            components=tuple(
                IndexComponent(index=c.index.strip(), weight=c.weight, rate=c.rate) for c in self.components
            ),
        )


class ComponentOut(Struct, kw_only=True):
    index: str
    weight: Decimal
    rate: Decimal


class UpliftOut(Struct, kw_only=True):
    id: int
    arrangement_id: int
    description: str
    effective_on: date
    method: UpliftMethod
    flat_percentage: Decimal | None
    components: list[ComponentOut]
    percentage: Decimal
    status: UpliftStatus
    applied_at: datetime | None
    version: int

    @classmethod
    def of(cls, u: Uplift) -> UpliftOut:
        return cls(
            id=u.id,
            arrangement_id=u.arrangement_id,
            description=u.description,
            effective_on=u.effective_on,
            method=u.method,
            flat_percentage=u.flat_percentage,
            components=[ComponentOut(index=c.index, weight=c.weight, rate=c.rate) for c in u.components],
            percentage=u.percentage,
            status=u.status,
            applied_at=u.applied_at,
            version=u.version,
        )


class UpliftPage(Struct, kw_only=True):
    items: list[UpliftOut]
    next_cursor: str | None


class BandChangeOut(Struct, kw_only=True):
    band_id: int
    lot_id: int
    band: BandKeyOut
    floor_before_pence: int
    floor_after_pence: int
    ceiling_before_pence: int
    ceiling_after_pence: int


class PriceChangeOut(Struct, kw_only=True):
    band: BandKeyOut
    before_pence: int
    after_pence: int


class ServiceChangeOut(Struct, kw_only=True):
    service_id: int
    before_pence: int
    after_pence: int


class CardChangeOut(Struct, kw_only=True):
    rate_card_id: int
    new_rate_card_id: int | None  # set once applied: the card holding the new prices
    provider_id: int
    lot_id: int
    lines: list[PriceChangeOut]
    services: list[ServiceChangeOut]


class UpliftEffectOut(Struct, kw_only=True):
    """A preview (`applied` false) or the result of applying (`applied` true)."""

    uplift: UpliftOut
    applied: bool
    effective_on: date
    percentage: Decimal
    bands: list[BandChangeOut]
    rate_cards: list[CardChangeOut]
    rate_cards_left_alone: list[int]

    @classmethod
    def of(cls, plan: UpliftPlan, uplift: Uplift, new_ids: dict[int, int] | None) -> UpliftEffectOut:
        return cls(
            uplift=UpliftOut.of(uplift),
            applied=new_ids is not None,
            effective_on=plan.uplift.effective_on,
            percentage=plan.percentage,
            bands=[
                BandChangeOut(
                    band_id=c.before.id,
                    lot_id=c.before.lot_id,
                    band=BandKeyOut.of(c.before.key),
                    floor_before_pence=c.before.floor_pence,
                    floor_after_pence=c.after.floor_pence,
                    ceiling_before_pence=c.before.ceiling_pence,
                    ceiling_after_pence=c.after.ceiling_pence,
                )
                for c in plan.bands
            ],
            rate_cards=[
                CardChangeOut(
                    rate_card_id=c.before.id,
                    new_rate_card_id=(new_ids or {}).get(c.before.id),
                    provider_id=c.before.provider_id,
                    lot_id=c.before.lot_id,
                    lines=[
                        PriceChangeOut(
                            band=BandKeyOut.of(x.key),
                            before_pence=x.price.before_pence,
                            after_pence=x.price.after_pence,
                        )
                        for x in c.lines
                    ],
                    services=[
                        ServiceChangeOut(
                            service_id=s.service_id, before_pence=s.price.before_pence, after_pence=s.price.after_pence
                        )
                        for s in c.services
                    ],
                )
                for c in plan.cards
            ],
            rate_cards_left_alone=list(plan.cards_left_alone),
        )


# --- analysis --------------------------------------------------------------------------------


class SpreadOut(Struct, kw_only=True):
    provider_id: int
    provider_name: str
    lot_id: int
    band: BandKeyOut
    placements: int
    authorities: int
    min_pence: int
    median_pence: int
    max_pence: int
    spread_pence: int
    spread_percent: Decimal

    @classmethod
    def of(cls, s: ProviderSpread, names: dict[int, str]) -> SpreadOut:
        return cls(
            provider_id=s.provider_id,
            provider_name=names.get(s.provider_id, ""),
            lot_id=s.lot_id,
            band=BandKeyOut.of(s.key),
            placements=s.placements,
            authorities=s.authorities,
            min_pence=s.min_pence,
            median_pence=s.median_pence,
            max_pence=s.max_pence,
            spread_pence=s.spread_pence,
            spread_percent=s.spread_percent,
        )


class UtilisationOut(Struct, kw_only=True):
    lot_id: int
    band: BandKeyOut
    placements: int
    share_percent: Decimal

    @classmethod
    def of(cls, u: BandUse) -> UtilisationOut:
        return cls(lot_id=u.lot_id, band=BandKeyOut.of(u.key), placements=u.placements, share_percent=u.share_percent)


class AboveCeilingOut(Struct, kw_only=True):
    rate_card_id: int
    provider_id: int
    provider_name: str
    lot_id: int
    band: BandKeyOut
    weekly_price_pence: int
    ceiling_pence: int
    over_pence: int
    exception_status: ExceptionStatus | None


class CouncilSpendOut(Struct, kw_only=True):
    authority_id: int  # 0 for the consortium's total
    authority_name: str
    placements: int
    spend_pence: int

    @classmethod
    def of(cls, c: CouncilSpend, names: dict[int, str]) -> CouncilSpendOut:
        return cls(
            authority_id=c.authority_id,
            authority_name=names.get(c.authority_id, ""),
            placements=c.placements,
            spend_pence=c.spend_pence,
        )


class PricingReportOut(Struct, kw_only=True):
    arrangement_id: int
    on: date
    spreads: list[SpreadOut]
    utilisation: list[UtilisationOut]
    above_ceiling: list[AboveCeilingOut]
    spend_from: date | None = None
    spend_to: date | None = None
    spend: list[CouncilSpendOut] = msgspec.field(default_factory=list)  # per council you may see
    spend_total: CouncilSpendOut | None = None  # the consortium's, for the lead authority's officers
