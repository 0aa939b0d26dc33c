"""Price bands: the agreed floor and ceiling weekly fee per lot and band, effective-dated.

A band is an age band of the lot crossed with one of its need levels, optionally narrowed to an
area (an ONS authority code the lot serves). Consortia publish these as their "standard prices"
so that councils stop paying the same provider different rates for the same child.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from dps.core.codes import CommonCode
from dps.core.errors import Conflict, RuleViolation
from dps.pricing.codes import PricingCode
from dps.pricing.domain.money import check_pence


@dataclass(frozen=True, slots=True, order=True)
class BandKey:
    """Which band: the lot's age band label, a need level and optionally an area."""

    age_band: str
    need_level: str
    area: str | None = None

    def __str__(self) -> str:
        return f"{self.age_band}/{self.need_level}" + (f"/{self.area}" if self.area else "")


@dataclass(frozen=True, slots=True)
class Period:
    """Effective from `starts_on` to `ends_on`, both inclusive; `ends_on` None is open-ended."""

    starts_on: date
    ends_on: date | None = None

    def __post_init__(self) -> None:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise RuleViolation("a period cannot end before it starts", code=CommonCode.INVALID_PERIOD)

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def overlaps(self, other: Period) -> bool:
        self_ends_first = self.ends_on is not None and self.ends_on < other.starts_on
        other_ends_first = other.ends_on is not None and other.ends_on < self.starts_on
        return not (self_ends_first or other_ends_first)


@dataclass(frozen=True, slots=True)
class PriceBand:
    id: int
    arrangement_id: int
    lot_id: int
    key: BandKey
    min_age: int
    max_age: int
    floor_pence: int
    ceiling_pence: int
    period: Period
    uplift_id: int | None  # the uplift that created this row, None when set by hand
    version: int

    def __post_init__(self) -> None:
        check_pence(self.floor_pence, "floor_pence")
        check_pence(self.ceiling_pence, "ceiling_pence")
        if self.floor_pence > self.ceiling_pence:
            raise RuleViolation("the floor cannot be above the ceiling", code=PricingCode.FLOOR_ABOVE_CEILING)

    def covers_age(self, age: int) -> bool:
        return self.min_age <= age <= self.max_age


@dataclass(frozen=True, slots=True)
class LotBands:
    """What a lot offers to price: its age bands (label -> ages), need levels and areas."""

    age_bands: dict[str, tuple[int, int]]
    need_levels: tuple[str, ...]
    areas: tuple[str, ...]

    def ages_of(self, key: BandKey) -> tuple[int, int]:
        """The ages of the key's age band, if the key names a band this lot has."""
        if key.age_band not in self.age_bands:
            raise RuleViolation(f"the lot has no age band {key.age_band!r}", code=PricingCode.UNKNOWN_AGE_BAND)
        if key.need_level not in self.need_levels:
            raise RuleViolation(f"the lot has no need level {key.need_level!r}", code=CommonCode.UNKNOWN_NEED_LEVEL)
        if key.area is not None and key.area not in self.areas:
            raise RuleViolation(f"the lot does not serve area {key.area}", code=PricingCode.UNKNOWN_AREA)
        return self.age_bands[key.age_band]


def check_no_overlap(new: PriceBand, existing: list[PriceBand]) -> None:
    """One floor and ceiling per band on any day: a second band whose period overlaps is refused."""
    for band in existing:
        if band.id != new.id and band.lot_id == new.lot_id and band.key == new.key and band.period.overlaps(new.period):
            raise Conflict(
                f"band {new.key} already has prices from {band.period.starts_on} "
                f"to {band.period.ends_on or 'open-ended'}",
                code=PricingCode.BAND_PERIOD_OVERLAP,
                conflicting_band_id=band.id,
            )


class Position(StrEnum):
    """Where a price sits against its band."""

    WITHIN = "within"
    ABOVE_CEILING = "above_ceiling"
    BELOW_FLOOR = "below_floor"


def position_in_band(price_pence: int, band: PriceBand) -> Position:
    """The ceiling itself is within the band, one penny over is above; likewise the floor."""
    if price_pence > band.ceiling_pence:
        return Position.ABOVE_CEILING
    if price_pence < band.floor_pence:
        return Position.BELOW_FLOOR
    return Position.WITHIN


def band_in_force(bands: list[PriceBand], key: BandKey, day: date) -> PriceBand | None:
    """The band row for `key` in force on `day`, if any."""
    return next((b for b in bands if b.key == key and b.period.covers(day)), None)
