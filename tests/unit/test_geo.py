"""Postcodes, districts and distances, against the real ONS Postcode Directory data."""

from __future__ import annotations

import math
import threading
from pathlib import Path

import brotli
import msgpack
import pytest

from dps.core.errors import InvalidInput, RuleViolation
from dps.core.geo import (
    Location,
    PostcodeDirectory,
    default_directory,
    distance_miles,
    normalise_district,
    normalise_postcode,
)


@pytest.fixture(scope="module")
def directory() -> PostcodeDirectory:
    # One directory for the module: each letter file is unpacked once, not once per test.
    return default_directory()


def write_letter(data_dir: Path, letter: str, rows: list[tuple[str, object, float, float]]) -> None:
    """Write a letter file in the package's format: column lists under "data"."""
    payload = {
        "columns": ["pcd", "laua", "oseast1m", "osnrth1m"],
        "data": {
            "pcd": [row[0] for row in rows],
            "laua": [row[1] for row in rows],
            "oseast1m": [row[2] for row in rows],
            "osnrth1m": [row[3] for row in rows],
        },
    }
    (data_dir / f"postcodes_{letter}.msgpack.br").write_bytes(
        brotli.compress(msgpack.packb(payload, use_bin_type=True))
    )


# --- normalisation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" m11aa ", "M1 1AA"),
        ("sw1a1aa", "SW1A 1AA"),
        ("SW1A  1AA", "SW1A 1AA"),
        ("ec1a 1bb", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
        ("b33 8th", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("dn55 1pt", "DN55 1PT"),
        ("M1\t1AE", "M1 1AE"),
    ],
)
def test_normalise_postcode_returns_outward_space_inward(raw: str, expected: str) -> None:
    # given a postcode as people type it / when normalised / then it is canonical
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "M1",  # a district, not a postcode
        "M1 1AAA",
        "SW1A 1A",
        "12345",
        "QA1 1AA",  # Q is never a first letter
        "ZZ99 9ZZ",  # Z is never a second letter (an NHS pseudo-postcode, not a place)
        "M1 1CA",  # C is never used in the inward code
        "GIR 0AA",  # Girobank only, refused on purpose
        "M1-1AE",
    ],
)
def test_normalise_postcode_refuses_what_is_not_a_uk_postcode(raw: str) -> None:
    # given text that is not a UK postcode / when normalised / then InvalidInput with a stable code
    with pytest.raises(InvalidInput) as caught:
        normalise_postcode(raw)
    assert caught.value.code == "invalid_postcode"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("m1", "M1"), (" sw1a ", "SW1A"), ("ec1a", "EC1A"), ("b33", "B33"), ("DN55", "DN55"), ("e1w", "E1W")],
)
def test_normalise_district_returns_the_outward_code(raw: str, expected: str) -> None:
    assert normalise_district(raw) == expected


@pytest.mark.parametrize("raw", ["", "M", "1M", "M1 1AE", "SW1A1AA", "ZZ99", "M1A1"])
def test_normalise_district_refuses_anything_but_an_outward_code(raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        normalise_district(raw)
    assert caught.value.code == "invalid_postcode_district"


# --- real postcodes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("postcode", "local_authority_code"),
    [
        ("M1 1AE", "E08000003"),  # Manchester
        ("sw1a 1aa", "E09000033"),  # Westminster
        ("B1 1AA", "E08000025"),  # Birmingham
        ("LS1 1UR", "E08000035"),  # Leeds
        ("CF10 1EP", "W06000015"),  # Cardiff
        ("EH1 1YZ", "S12000036"),  # City of Edinburgh
        ("ZE1 0AA", "S12000027"),  # Shetland Islands
    ],
)
def test_locate_postcode_gives_its_local_authority(
    directory: PostcodeDirectory, postcode: str, local_authority_code: str
) -> None:
    # given a real postcode / when located / then it carries its ONS local authority and grid point
    location = directory.locate_postcode(postcode)
    assert location.postcode_or_district == normalise_postcode(postcode)
    assert location.local_authority_code == local_authority_code
    assert 0 < location.easting < 700_000
    assert 0 < location.northing < 1_300_000


def test_locate_postcode_returns_the_ons_grid_reference(directory: PostcodeDirectory) -> None:
    assert directory.locate_postcode("M1 1AE") == Location("M1 1AE", 384756.0, 398553.0, "E08000003")


def test_manchester_to_london_is_about_160_miles(directory: PostcodeDirectory) -> None:
    # given Manchester city centre and Buckingham Palace / when measured / then about 163 miles apart
    manchester = directory.locate("M1 1AE")
    london = directory.locate("SW1A 1AA")
    assert distance_miles(manchester, london) == pytest.approx(163, abs=3)
    assert distance_miles(london, manchester) == distance_miles(manchester, london)


def test_distance_from_a_place_to_itself_is_zero(directory: PostcodeDirectory) -> None:
    location = directory.locate("B1 1AA")
    assert distance_miles(location, location) == 0


def test_distance_is_straight_line_on_the_grid_in_miles() -> None:
    # given two points 3 km east and 4 km north apart / then 5 km, in statute miles
    a = Location("A", 400_000, 300_000, None)
    b = Location("B", 403_000, 304_000, None)
    assert distance_miles(a, b) == pytest.approx(5000 / 1609.344)


@pytest.mark.parametrize(
    ("district", "local_authority_code"),
    [("M1", "E08000003"), ("sw1a", "E09000033"), ("LS1", "E08000035"), ("EH1", "S12000036")],
)
def test_locate_district_gives_its_centroid_and_main_local_authority(
    directory: PostcodeDirectory, district: str, local_authority_code: str
) -> None:
    location = directory.locate_district(district)
    assert location.postcode_or_district == normalise_district(district)
    assert location.local_authority_code == local_authority_code


def test_district_centroid_is_near_its_postcodes(directory: PostcodeDirectory) -> None:
    # given the M1 district and a postcode in it / then the centroid is within a mile of it
    centroid = directory.locate_district("M1")
    assert distance_miles(centroid, directory.locate_postcode("M1 1AE")) < 1


def test_locate_accepts_a_postcode_or_a_district(directory: PostcodeDirectory) -> None:
    assert directory.locate(" m1 1ae ") == directory.locate_postcode("M1 1AE")
    assert directory.locate("m1") == directory.locate_district("M1")


def test_locate_refuses_text_that_is_neither(directory: PostcodeDirectory) -> None:
    with pytest.raises(InvalidInput) as caught:
        directory.locate("Manchester")
    assert caught.value.code == "invalid_postcode"


@pytest.mark.parametrize(
    "postcode",
    [
        "M1 9ZZ",  # well formed, never issued
        "SW1A 9ZZ",
        "JE1 0BD",  # Jersey: in the directory but with no grid reference
    ],
)
def test_unknown_postcode_is_a_rule_violation(directory: PostcodeDirectory, postcode: str) -> None:
    # given a well-formed postcode with no location / when located / then 422 unknown_postcode
    with pytest.raises(RuleViolation) as caught:
        directory.locate(postcode)
    assert caught.value.code == "unknown_postcode"
    assert normalise_postcode(postcode) in caught.value.detail


@pytest.mark.parametrize("district", ["M70", "JE1"])
def test_unknown_district_is_a_rule_violation(directory: PostcodeDirectory, district: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        directory.locate_district(district)
    assert caught.value.code == "unknown_postcode"
    assert district in caught.value.detail


def test_default_directory_is_shared() -> None:
    assert default_directory() is default_directory()


# --- loading, on a small directory written for the test -----------------------------------------


def test_district_centroid_is_the_mean_of_located_postcodes_and_the_commonest_authority(
    tmp_path: Path,
) -> None:
    # given a district with four located postcodes (one without an authority) and two without
    # coordinates, written out of order
    write_letter(
        tmp_path,
        "M",
        [
            ("M1  1AD", "E08000003", 1000.0, 2000.0),
            ("M1  1AA", "E08000007", 3000.0, 6000.0),
            ("M1  1AB", math.nan, 2000.0, 1000.0),
            ("M1  1AF", "E08000003", 2000.0, 3000.0),
            ("M1  1AE", "E08000007", math.nan, math.nan),
            ("M1  1AG", "E08000007", math.nan, math.nan),
            ("M11 1AA", "E08000003", 9000.0, 9000.0),
        ],
    )
    directory = PostcodeDirectory(tmp_path)

    # when the district is located
    district = directory.locate_district("M1")

    # then only located postcodes count, for the centroid and for the authority (counting the two
    # unlocated ones would make E08000007 the commonest)
    assert district == Location("M1", 2000.0, 3000.0, "E08000003")
    assert directory.locate_postcode("M1 1AA") == Location("M1 1AA", 3000.0, 6000.0, "E08000007")
    assert directory.locate_postcode("M1 1AB").local_authority_code is None
    assert directory.locate_district("M11") == Location("M11", 9000.0, 9000.0, "E08000003")
    with pytest.raises(RuleViolation):
        directory.locate_postcode("M1 1AE")


def test_most_common_authority_wins_the_district(tmp_path: Path) -> None:
    write_letter(
        tmp_path,
        "B",
        [
            ("B1  1AA", "E08000025", 0.0, 0.0),
            ("B1  1AB", "E08000025", 0.0, 0.0),
            ("B1  1AD", "E08000028", 0.0, 0.0),
        ],
    )
    assert PostcodeDirectory(tmp_path).locate_district("B1").local_authority_code == "E08000025"


def test_a_letter_without_a_file_knows_no_postcodes(tmp_path: Path) -> None:
    directory = PostcodeDirectory(tmp_path)
    with pytest.raises(RuleViolation):
        directory.locate("Y1 1AA")
    with pytest.raises(RuleViolation):
        directory.locate("Y1")


def test_a_letter_is_loaded_once_under_concurrent_lookups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a fresh directory and many threads asking for the same letter at once
    write_letter(tmp_path, "L", [("L1  8JQ", "E08000012", 334469.0, 390202.0)])
    directory = PostcodeDirectory(tmp_path)
    loads: list[str] = []
    real_load = PostcodeDirectory._load

    def counting_load(self: PostcodeDirectory, letter: str) -> object:
        loads.append(letter)
        return real_load(self, letter)

    monkeypatch.setattr(PostcodeDirectory, "_load", counting_load)
    start = threading.Barrier(8)
    results: list[Location] = []

    def look_up() -> None:
        start.wait()
        results.append(directory.locate("L1 8JQ"))

    threads = [threading.Thread(target=look_up) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then the file was read once and every thread got the same answer
    assert loads == ["L"]
    assert results == [Location("L1 8JQ", 334469.0, 390202.0, "E08000012")] * 8
