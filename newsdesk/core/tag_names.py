"""One name per thing: a story's candidate tags, and the shorter names folded into longer ones.

A story names one thing several ways: "Nick Checker", "Mr Checker", "Checker"; "Veltstra Data"
then "Veltstra"; "the Winter Lights festival" and "Winter Lights". Each way is a candidate at
first; :func:`fold_names` folds a short name into the one longer name of the story it stands
for, and the tag keeps the form most of the outlets use.

Names that share a word are not always one thing: "River Vell" is not the county of "Vell",
"Calder Rovers" is not the town of "Calder", "Niger Delta" is not "Niger". The text decides:

- only a name's *opening* stands for it ("Veltstra" for "Veltstra Data"): a word *before* a
  name makes a new thing named after it (River Vell, Lake Chad, University of Bamako);
- every reading of the short name must be of the longer name's kind: one "in Calder" (a
  place) keeps the town apart from "Calder Rovers" (a club named after it), whatever the
  model guessed elsewhere. Only an administrative word ("Vell county") overrules the
  model's guesses about the short name, never a reading the text's own words gave;
- a place folds only into its own administrative name ("Vell" into "Vell county"), not into
  a landmark named after it ("Vell Valley", "Calder Bridge");
- a name the gazetteer knows ("Niger", "Mali") is a thing of its own and never folds;
- when two longer names could claim a short one ("Vell county", "Vell Valley"), it folds
  into neither.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from newsdesk.core.lexicon import SURNAME_PARTICLES
from newsdesk.core.tag_reconcile import ORGANISATION_WORDS
from newsdesk.core.tag_salience import Evidence


class TagKind(StrEnum):
    """What a tag names; stored as is in ``StoryTag.kind``."""

    PLACE = "place"
    ORGANISATION = "organisation"
    PERSON = "person"
    TOPIC = "topic"


class Cue(StrEnum):
    """What a story's reading of a tag's kind rests on, strongest first."""

    EDITOR = "editor"  # an editor set the kind (the Django side only)
    GAZETTEER = "gazetteer"  # a known name: "Mali" is a country
    TEXT = "text"  # the text's own words: "the town of Calder", "Calder Rovers", "Ms Quill"
    MODEL = "model"  # the statistical model's guess
    CATEGORY = "category"  # a topic from an outlet's feed category
    KEYPHRASE = "keyphrase"  # a topic from the story's repeated noun phrases


# Words after a place's name that name the place itself, not something in it.
_SAME_PLACE_WORDS = frozenset(
    "county district province region state city town village borough municipality parish "
    "council area".split()
)


@dataclass
class Candidate:
    """A name before ranking: how the story reads its kind, its forms and its salience."""

    kinds: Counter = field(default_factory=Counter)  # weighted readings of each mention
    cued: set = field(default_factory=set)  # kinds some mention's own words gave
    names: Counter = field(default_factory=Counter)  # display forms seen
    # Publishers using each display form: the tag keeps the form most outlets use.
    users: dict[str, set[str]] = field(default_factory=dict)
    canonical: str = ""  # the gazetteer's name, when it knows the entity
    surfaces: set[str] = field(default_factory=set)
    evidence: Evidence = field(default_factory=Evidence)
    first: int = 0  # where the name first appears (article number, offset) for ties

    @property
    def name(self) -> str:
        if self.canonical:
            return self.canonical
        if self.kind == TagKind.PERSON:
            # A person by their full name, however often the story says "Traore" alone.
            return max(self.names, key=lambda n: (n.count(" "), self.names[n], len(n)))
        # The form most outlets use, then the longest ("Veltstra Data" when every outlet
        # names it in full once and "Veltstra" after), then the most used.
        return max(
            self.names,
            key=lambda n: (len(self.users.get(n, ())), len(n), self.names[n]),
        )

    @property
    def kind(self) -> TagKind:
        return self.kinds.most_common(1)[0][0]

    @property
    def cue(self) -> Cue:
        if self.canonical:
            return Cue.GAZETTEER
        return Cue.TEXT if self.kind in self.cued else Cue.MODEL


def absorb(target: Candidate, other: Candidate) -> None:
    target.kinds.update(other.kinds)
    target.cued |= other.cued
    target.surfaces |= other.surfaces
    if not target.canonical:
        target.names.update(other.names)
        for name, users in other.users.items():
            target.users.setdefault(name, set()).update(users)
    target.evidence.absorb(other.evidence)
    target.first = min(target.first, other.first)


def fold_names(candidates: dict[str, Candidate]) -> None:
    """Fold short names into the longer names they stand for, in place (see the module)."""
    _fold_spellings(candidates)
    _fold_surnames_and_club_names(candidates)
    _fold_acronyms(candidates)
    _fold_openings(candidates)


def _fold_spellings(candidates: dict[str, Candidate]) -> None:
    """ "Victor Makarov" is the "Viktor Makarov" of the same story: two people's full names
    that differ by one letter of the first name are one person spelt two ways, named by the
    spelling used more. (Two first names that far apart are rarely two people of one family
    in one story; "Jan" and "Jon" are too short to tell and stay apart.)"""
    people = [k for k, c in candidates.items() if c.kind == TagKind.PERSON and " " in k]
    by_rest: dict[str, list[str]] = {}
    for key in people:
        by_rest.setdefault(key.split(" ", 1)[1], []).append(key)
    for key in people:
        first, rest = key.split(" ", 1)
        for other in by_rest[rest]:
            other_first, other_rest = other.split(" ", 1)
            if (
                other == key
                or other_rest != rest
                or min(len(first), len(other_first)) < 4
                or not _one_letter_apart(first, other_first)
                or key not in candidates
                or other not in candidates
            ):
                continue
            small, large = sorted(
                (key, other), key=lambda k: (candidates[k].evidence.mentions, k == other)
            )
            absorb(candidates[large], candidates.pop(small))


def _one_letter_apart(a: str, b: str) -> bool:
    """Whether one letter changed, added or dropped turns ``a`` into ``b``."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _fold_surnames_and_club_names(candidates: dict[str, Candidate]) -> None:
    """A surname ("Checker", "de Vries", "von der Leyen") or a first name is the person a story
    names in full ("Nick Checker", "Helena de Vries"), when one name alone fits. The full name
    may have been read as an organisation (the small model often does so with names it does
    not know; the merged mentions then vote), but a first name only joins a person: "Calder"
    is not "Calder Rovers". Likewise a club, body or firm called by its last word alone
    ("Rovers", "the Union", "Lilly") is the one organisation of the story whose name ends
    with it."""
    index = _NameIndex(candidates)
    for key in sorted(candidates, key=lambda k: k.count(" ")):
        short = candidates.get(key)
        if short is None:
            continue
        if short.kind == TagKind.ORGANISATION and short.name in ORGANISATION_WORDS:
            ending, opening = (TagKind.ORGANISATION,), ()  # "Rovers": "Calder Rovers"
        elif set(short.kinds) == {TagKind.ORGANISATION} and not short.canonical:
            # A firm by its last name ("Lilly" for "Eli Lilly", "Beatty" for "Balfour
            # Beatty"), when every mention reads as one.
            ending, opening = (TagKind.ORGANISATION,), ()
        elif short.kind == TagKind.PERSON or key.split(" ", 1)[0] in SURNAME_PARTICLES:
            ending, opening = (TagKind.PERSON, TagKind.ORGANISATION), (TagKind.PERSON,)
        else:
            continue
        owners = [
            full
            for full in index.around(key, candidates)
            if (full.endswith(" " + key) and candidates[full].kind in ending)
            or (full.startswith(key + " ") and candidates[full].kind in opening)
        ]
        longest = max(owners, key=len, default="")
        if owners and all(o == longest or longest.endswith(" " + o) for o in owners):
            # "Vries": "de Vries" and "Helena de Vries" are one owner, named in full.
            absorb(candidates[longest], candidates.pop(key))


class _NameIndex:
    """The longer names that begin or end with each shorter one ("Checker" -> "Nick
    Checker"), so folding looks a name up instead of comparing every pair of a big story's
    names."""

    def __init__(self, candidates: dict[str, Candidate]):
        self.order = {key: n for n, key in enumerate(candidates)}
        self.holders: dict[str, list[str]] = {}
        for full in candidates:
            words = full.split(" ")
            for cut in range(1, len(words)):
                for part in (" ".join(words[cut:]), " ".join(words[:cut])):
                    self.holders.setdefault(part, []).append(full)

    def around(self, key: str, candidates: dict[str, Candidate]) -> list[str]:
        """The names still among ``candidates`` that begin or end with the words of ``key``,
        in the candidates' order."""
        found = {full for full in self.holders.get(key, ()) if full in candidates}
        return sorted(found, key=self.order.__getitem__)


def _fold_acronyms(candidates: dict[str, Candidate]) -> None:
    """ "CSU" is the "Coastal States Union" the same story spells out."""
    groups = [key for key, c in candidates.items() if c.kind == TagKind.ORGANISATION and " " in key]
    for key, short in [(k, c) for k, c in candidates.items() if c.kind == TagKind.ORGANISATION]:
        if " " in key or short.canonical or not short.name.isupper():
            continue
        owners = [g for g in groups if _initials(g) == key]
        if len(owners) == 1:
            absorb(candidates[owners[0]], candidates.pop(key))


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w not in ("of", "the", "and", "for"))


def _fold_openings(candidates: dict[str, Candidate]) -> None:
    """ "Veltstra" is the "Veltstra Data" of the same story, "Vell" its "Vell county"; the
    folded tag is named by the form more outlets use ("Winter Lights" or "Winter Lights
    festival")."""
    index = _NameIndex(candidates)
    for key in sorted(candidates, key=lambda k: k.count(" ")):
        short = candidates.get(key)
        if short is None or short.canonical or short.kind == TagKind.PERSON:
            continue  # people's first names are handled above, known names never fold
        owners = [
            full
            for full in index.around(key, candidates)
            if full.startswith(key + " ")
            and not short.cued - {(long := candidates[full]).kind}
            and _describes(full, key, long)
            and (set(short.kinds) == {long.kind} or _administrative(full, key, long))
        ]
        if len(owners) == 1:
            long = candidates[owners[0]]
            absorb(long, candidates.pop(key))


def _administrative(full: str, short: str, long: Candidate) -> bool:
    """Whether ``full`` is ``short`` with an administrative word ("Vell county"): that word
    makes both a place whatever the model guessed for ``short`` alone."""
    return long.kind == TagKind.PLACE and _describes(full, short, long)


def _describes(full: str, short: str, long: Candidate) -> bool:
    """Whether the words after ``short`` in ``full`` describe the same thing: any words for an
    organisation ("Data", "Group", "festival"), an administrative word for a place."""
    if long.kind != TagKind.PLACE:
        return True
    return all(word in _SAME_PLACE_WORDS for word in full[len(short) :].split())


# How much one story's reading counts in a tag's kind, by what it rests on: a known name or
# the text's own words ("the town of Calder") outweigh several stories' guesses.
READING_WEIGHT = {Cue.GAZETTEER: 10, Cue.TEXT: 4, Cue.MODEL: 1, Cue.CATEGORY: 1, Cue.KEYPHRASE: 1}


def kind_verdict(readings: Iterable[tuple[str, str, int]]) -> str | None:
    """The kind that the ``(kind, cue, count)`` readings of a tag's stories weigh most for
    (None when there are none); among equal weights, the kind read first.

    >>> kind_verdict([("organisation", "model", 1), ("place", "model", 5)])
    'place'
    >>> kind_verdict([("place", "model", 3), ("organisation", "text", 1)])
    'organisation'
    """
    weights: Counter = Counter()
    for kind, cue, count in readings:
        weights[kind] += READING_WEIGHT.get(cue, 1) * count
    return max(weights, key=lambda k: weights[k], default=None)
