"""Known names: countries, capitals, cities, regions, demonyms and international organisations.

The statistical model reads "Mali" as a person and "Bamako" as an organisation; a list of
names does not. Where a maintained PyPI package has the facts we use it: ``pycountry`` (ISO
3166 names, official names, US states, Canadian provinces ...) and ``countryinfo`` (the
English common name, capital and demonym of each country). Everything else is our own list
in ``newsdesk/core/data/*.tsv`` (general knowledge, each file says what it holds).

Each name maps to one :class:`Entry` whose ``name`` is how its tag is displayed, whatever
the text wrote: "US", "U.S.", "USA" and "America" are all ``United States``.

>>> gazetteer = Gazetteer.build(str.split)
>>> [(m.start, m.end, m.entry.name, m.entry.kind.value) for m in gazetteer.matches(
...     "Niger , Burkina Faso and Mali left ECOWAS ; Malian officials".split())]
... # doctest: +NORMALIZE_WHITESPACE
[(0, 1, 'Niger', 'place'), (2, 4, 'Burkina Faso', 'place'), (5, 6, 'Mali', 'place'),
 (7, 8, 'ECOWAS', 'organisation'), (9, 10, 'Malian', 'demonym')]
>>> gazetteer.matches(["Malian"])[0].entry.place
'Mali'
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from importlib import resources
from typing import NamedTuple


class EntryKind(StrEnum):
    """What a known name is: a place, an organisation, or a demonym of a place ("Malian")."""

    PLACE = "place"
    ORGANISATION = "organisation"
    DEMONYM = "demonym"


# Countries below this population are territories whose capitals ("Flying Fish Cove",
# "Adamstown") would add only noise; their own names are still known.
MIN_POPULATION_FOR_CAPITAL = 100_000

# pycountry subdivisions worth knowing by name: English-named states and provinces that news
# uses without the country ("Texas", "Ontario", "Scotland"). Other countries' subdivisions
# carry local-language names ("Bayern") or collide with common words.
SUBDIVISION_TYPES = {
    "US": {"State", "District"},
    "CA": {"Province", "Territory"},
    "AU": {"State", "Territory"},
    "GB": {"Country", "Province"},
}

# Plural demonyms are derived ("Malian" -> "Malians") except for these endings ("the French").
_NO_PLURAL = ("ese", "sh", "ch", "ss", "s", "x", "z")


@dataclass(frozen=True)
class Entry:
    name: str  # the display name of the tag
    kind: EntryKind
    # A weak entry ("Chad", "Jordan") is also a common given name or word: it yields to a
    # statistical reading of person or organisation instead of overriding it.
    weak: bool = False
    # For a demonym, the display name of its place ("Malian" -> "Mali").
    place: str = ""
    # A country or region: a name no person is mistaken for ("Mali Left" is not a person).
    country: bool = False
    # For a place within one country (the country itself, its cities, capital and states;
    # a demonym's place): that country's ISO 3166 alpha-2 code. "" for regions and seas.
    code: str = ""
    # A country's capital: named for its government as often as for the place ("Beijing says").
    capital: bool = False


class Match(NamedTuple):
    """A known name in a token list: tokens ``start:end`` name ``entry``."""

    start: int
    end: int
    entry: Entry


class Gazetteer:
    """Names as token sequences (tokenised as the model tokenises text), longest match first."""

    def __init__(
        self,
        entries: dict[tuple[str, ...], Entry],
        names: dict[str, tuple[str, Entry]] | None = None,
    ):
        self.entries = entries
        self._first = {key[0] for key in entries}
        self._longest = max((len(key) for key in entries), default=0)
        # Every name as written, folded -> its entry: finds an entry by any of its names.
        self._names = names if names is not None else {}

    def matches(self, tokens: Sequence[str]) -> list[Match]:
        """Non-overlapping known names as token ranges, leftmost-longest."""
        found, i, n = [], 0, len(tokens)
        while i < n:
            if tokens[i] in self._first:
                for length in range(min(self._longest, n - i), 0, -1):
                    entry = self.entries.get(tuple(tokens[i : i + length]))
                    if entry is not None:
                        found.append(Match(i, i + length, entry))
                        i += length
                        break
                else:
                    i += 1
            else:
                i += 1
        return found

    def lookup(self, name: str) -> Entry | None:
        """The entry one of whose names is ``name``, if any. Case and accents are ignored,
        except in acronyms ("WHO" is an organisation, "Who" is not)."""
        alias, entry = self._names.get(_fold(name), ("", None))
        if alias.isupper() and alias != name.strip():
            return None
        return entry

    @classmethod
    def build(cls, tokenize: Callable[[str], list[str]]) -> Gazetteer:
        """Read pycountry, countryinfo and our lists; ``tokenize`` splits a name into tokens."""
        strength = dict(data_rows("ambiguous.tsv"))
        entries: dict[tuple[str, ...], Entry] = {}
        names: dict[str, tuple[str, Entry]] = {}

        def add(alias: str, entry: Entry) -> None:
            for variant in _variants(alias):
                level = strength.get(variant, "")
                if level == "never" or not variant:
                    continue
                key = tuple(tokenize(variant))
                if key and key not in entries:
                    # Only the ambiguous name itself is weak: "Hashemite Kingdom of Jordan" is not.
                    weak = level == "weak"
                    entries[key] = replace(entry, weak=weak)
                    names.setdefault(_fold(variant), (variant, entries[key]))

        demonyms = list(_demonyms())
        # countryinfo lists some demonyms among a country's spellings ("Thai", "Togolese"):
        # they stay demonyms.
        adjectives = {demonym for demonym, _ in demonyms}
        # A country named like a state elsewhere ("Georgia") is not known to be in one country.
        states = {name for name, _ in _subdivisions()}
        for code, display, aliases in _countries():
            within = "" if states & {display, *aliases} else code
            for alias in (display, *aliases):
                if alias not in adjectives:
                    add(alias, Entry(display, EntryKind.PLACE, country=True, code=within))
        for display, *rest in data_rows("regions.tsv"):
            for alias in (display, *split_aliases(rest)):
                add(alias, Entry(display, EntryKind.PLACE, country=True))
        for display, *rest in data_rows("organisations.tsv"):
            for alias in (display, *split_aliases(rest)):
                add(alias, Entry(display, EntryKind.ORGANISATION))
        for display, code, *rest in data_rows("cities.tsv"):
            for alias in (display, *split_aliases(rest)):
                add(alias, Entry(display, EntryKind.PLACE, code=code))
        for capital, code in _capitals():
            add(capital, Entry(capital, EntryKind.PLACE, code=code, capital=True))
        for name, code in _subdivisions():
            add(name, Entry(name, EntryKind.PLACE, code=code))
        places = {e.name: e.code for e in entries.values() if e.kind == EntryKind.PLACE}
        for demonym, place in demonyms:
            if place in places:
                for form in (demonym, *_plural(demonym)):
                    add(form, Entry(demonym, EntryKind.DEMONYM, place=place, code=places[place]))
        return cls(entries, names)


def _fold(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name)
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).casefold().split())


def _variants(alias: str) -> list[str]:
    """The alias, and without accents when it has any ("Bogotá" is also written "Bogota")."""
    alias = " ".join(alias.split())
    plain = "".join(c for c in unicodedata.normalize("NFKD", alias) if not unicodedata.combining(c))
    return [alias] if plain == alias else [alias, unicodedata.normalize("NFC", plain)]


def _plural(demonym: str) -> list[str]:
    return [] if demonym.endswith(_NO_PLURAL) else [demonym + "s"]


def data_rows(filename: str) -> Iterator[list[str]]:
    """The rows of ``newsdesk/core/data/<filename>``, a TSV with ``#`` comments, cells stripped."""
    text = resources.files("newsdesk.core").joinpath("data", filename).read_text("utf-8")
    for row in csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row and row[0] and not row[0].startswith("#"):
            yield [cell.strip() for cell in row]


def split_aliases(rest: list[str]) -> list[str]:
    """The aliases of a data row's remaining cells, each a ``|``-separated list."""
    return [alias for cell in rest for alias in cell.split("|") if alias]


def _usable(name: str | None) -> bool:
    # pycountry's inverted forms ("Korea, Republic of") and bare codes never occur in prose.
    return (
        bool(name) and "," not in name and "(" not in name and not re.fullmatch(r"[A-Z]{2,3}", name)
    )


def _countries() -> Iterator[tuple[str, str, list[str]]]:
    """(ISO alpha-2 code, display name, aliases) of each country."""
    import pycountry

    ours = {row[0]: (row[1], split_aliases(row[2:])) for row in data_rows("countries.tsv")}
    info = _countryinfo()
    codes = [c.alpha_2 for c in pycountry.countries] + [c for c in ours if c == "XK"]
    for code in codes:
        country = pycountry.countries.get(alpha_2=code)
        facts = info.get(code, {})
        display, extra = ours.get(code, ("", []))
        # The English common name first ("Russia", "Vietnam"), the ISO name after it.
        names = [getattr(country, "common_name", None), facts.get("name")]
        names += [getattr(country, a, None) for a in ("name", "official_name")]
        names += facts.get("altSpellings", [])
        aliases = [n for n in names if _usable(n) and not n.isupper()]
        display = display or next(iter(aliases), "")
        if display:
            yield code, display, extra + aliases


@functools.cache
def _countryinfo() -> dict[str, dict]:
    """countryinfo's records by ISO alpha-2 code."""
    from countryinfo import CountryInfo

    by_code: dict[str, dict] = {}
    for facts in CountryInfo.all().values():
        code = (facts.get("ISO") or {}).get("alpha2")
        # countryinfo keeps a second, thinner record for a few countries ("Palestine, State
        # of"); the one with a population is the full one.
        if code and (code not in by_code or facts.get("population")):
            by_code[code] = facts
    return by_code


def _capitals() -> Iterator[tuple[str, str]]:
    """(capital, its country's ISO alpha-2 code)."""
    for code, facts in _countryinfo().items():
        capital = facts.get("capital")
        if (
            isinstance(capital, str)
            and (facts.get("population") or 0) >= MIN_POPULATION_FOR_CAPITAL
            and re.fullmatch(r"[^\W\d][\w' -]*", capital)
            and not capital.startswith("City of")
        ):
            yield capital, code


def _subdivisions() -> Iterator[tuple[str, str]]:
    """(state or province, its country's ISO alpha-2 code)."""
    import pycountry

    for code, types in SUBDIVISION_TYPES.items():
        for sub in pycountry.subdivisions.get(country_code=code):
            if sub.type in types:
                yield re.sub(r"\s*\[.*\]", "", sub.name), code  # "Wales [Cymru GB-CYM]"


def _demonyms() -> Iterator[tuple[str, str]]:
    """Ours first; then countryinfo's, where one demonym names one country."""
    seen = set()
    for demonym, place in data_rows("demonyms.tsv"):
        seen.add(demonym)
        yield demonym, place
    ours = {row[0]: row[1] for row in data_rows("countries.tsv")}
    counts: dict[str, list[str]] = {}
    for code, facts in _countryinfo().items():
        demonym = facts.get("demonym")
        if demonym and (facts.get("population") or 0) >= MIN_POPULATION_FOR_CAPITAL:
            counts.setdefault(demonym, []).append(ours.get(code) or facts["name"])
    for demonym, places in counts.items():
        if len(places) == 1 and demonym not in seen and _usable(demonym):
            yield demonym, places[0]
