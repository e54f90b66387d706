"""The gazetteer: our lists parse, every alias leads to one display name, ambiguous names are
handled as the lists say."""

import pytest

from newsdesk.core.entities import gazetteer
from newsdesk.core.gazetteer import data_rows


def entry(*tokens):
    found = gazetteer().matches(list(tokens))
    assert len(found) == 1 and found[0][:2] == (0, len(tokens)), tokens
    return found[0][2]


@pytest.mark.parametrize(
    "surface, name",
    [
        (("US",), "United States"),
        (("U.S.",), "United States"),
        (("USA",), "United States"),
        (("America",), "United States"),
        (("United", "States", "of", "America"), "United States"),
        (("UK",), "United Kingdom"),
        (("Britain",), "United Kingdom"),
        (("Côte", "d'Ivoire"), "Ivory Coast"),
        (("Russian", "Federation"), "Russia"),
        (("Türkiye",), "Turkey"),
        (("Kiev",), "Kyiv"),
    ],
)
def test_every_spelling_of_a_place_has_one_name(surface, name):
    assert entry(*surface).name == name
    assert entry(*surface).kind == "place"


@pytest.mark.parametrize(
    "surface, name",
    [
        (("ECOWAS",), "ECOWAS"),
        (("Ecowas",), "ECOWAS"),
        (("Economic", "Community", "of", "West", "African", "States"), "ECOWAS"),
        (("AES",), "Alliance of Sahel States"),
        (("UN",), "United Nations"),
        (("U.N.",), "United Nations"),
        (("Nato",), "NATO"),
        (("EU",), "European Union"),
        (("AU",), "African Union"),
        (("BBC",), "BBC"),
    ],
)
def test_organisations_and_their_abbreviations(surface, name):
    assert entry(*surface).name == name
    assert entry(*surface).kind == "organisation"


def test_regions_capitals_and_cities_are_places():
    for tokens in (("West", "Africa"), ("Sahel",), ("Middle", "East"), ("Bamako",), ("Lagos",)):
        assert entry(*tokens).kind == "place"


def test_demonyms_lead_to_their_places():
    assert (entry("Malian").kind, entry("Malian").place) == ("demonym", "Mali")
    assert entry("Malians").place == "Mali"
    assert entry("Nigerien").place == "Niger"
    assert entry("Americans").place == "United States"


def test_every_demonym_in_our_list_names_a_known_place():
    places = {e.name for e in gazetteer().entries.values() if e.kind == "place"}
    missing = [
        (demonym, place) for demonym, place in data_rows("demonyms.tsv") if place not in places
    ]
    assert missing == []


def test_codes_and_words_that_are_not_names_do_not_match():
    # ISO codes that are words ("CAN", "PER"), capitals that are words, lower case, and
    # acronyms written in lower case.
    for tokens in (["CAN"], ["PER"], ["MAR"], ["Male"], ["Stanley"], ["who"], ["us"], ["mali"]):
        assert gazetteer().matches(tokens) == [], tokens


def test_ambiguous_names_are_weak():
    assert entry("Chad").weak and entry("Jordan").weak
    assert not entry("Republic", "of", "Chad").weak
    assert not entry("Mali").weak


def test_longest_name_wins():
    found = gazetteer().matches("Papua New Guinea and Guinea - Bissau and Guinea".split())
    assert [e.name for _, _, e in found] == ["Papua New Guinea", "Guinea-Bissau", "Guinea"]


@pytest.mark.parametrize(
    "filename, columns",
    [
        ("countries.tsv", 3),
        ("regions.tsv", 2),
        ("organisations.tsv", 2),
        ("cities.tsv", 3),
        ("demonyms.tsv", 2),
        ("ambiguous.tsv", 2),
    ],
)
def test_our_lists_are_well_formed(filename, columns):
    rows = list(data_rows(filename))
    assert rows
    for row in rows:
        assert len(row) == columns, (filename, row)
        assert row[0] and row[0] == row[0].strip()
    if filename == "ambiguous.tsv":
        assert {row[1] for row in rows} <= {"weak", "never"}


def test_lookup_by_any_name_ignores_case_and_accents_but_not_in_acronyms():
    lookup = gazetteer().lookup
    assert lookup("guinea-bissau").name == "Guinea-Bissau"
    assert lookup("Bogota").name == "Bogotá"
    assert lookup("U.S.").name == lookup("america").name == "United States"
    assert lookup("WHO").name == "World Health Organization"
    assert lookup("who") is None and lookup("us") is None
