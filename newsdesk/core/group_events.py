"""Do two reports agree on what happened? Event evidence measured against the live window.

A sentence embedding and English word rarity say what an article is *about*; on a real stream
that is a theme ("Covid", "a fatal crash", "Biden"), and a vote on it gathers every article of
the theme into one story. What tells one happening from another is the particular:
the same named people, places and organisations, the same numbers, the same key action words.
Which words are particular depends on the moment: in a week of Covid news "covid" is in a
sixth of all articles and says nothing about which event an article reports, however rare it
is in English at large.

So the evidence is a cosine of term vectors re-weighted by the window's own inverse document
frequency (``WindowTerms``, counted over the live articles, kept up to date incrementally),
between the newcomer and each of the story's (recent) members, and the newcomer must agree
with most of them (``EventSummary``), not only with its nearest member: a story cannot drift
from one event to the next through a chain of neighbours, each like the last.

>>> window = WindowTerms()
>>> for n in range(60):
...     window.add({"covid": 1.0, f"place{n}": 1.0})
>>> window.weight("covid") < window.weight("place7")
True
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from newsdesk.core.group_features import DUPLICATE_JACCARD, estimated_jaccard
from newsdesk.core.text import _stem

# Below this many live articles (outside the story compared with) the window's document
# frequencies say nothing: every term then weighs the same, and the evidence is the plain term
# cosine of the static rarity weights. Kept small: a new install's first articles are a few
# outlets' backlog, and a theme word in most of them ("coronavirus" in a city paper's week)
# must already weigh little there, or the first story gathers the backlog's theme.
MIN_WINDOW_ARTICLES = 5

# The window weight is the smoothed inverse document frequency to this power: squared, a name
# in a fifth of the window (a president's) weighs a seventh of one in a single article, where
# plain IDF left it a third, and a shared name alone carried two reports of different events.
WEIGHT_POWER = 2.0

# The story's first article says what event it is: a newcomer must also share particulars
# with it (at this share of the floor), so a story drifting through follow-ups stays anchored.
SEED_MUST_AGREE = True
SEED_SHARE = 0.5

# A member agrees with a newcomer only if they share at least this many terms, the words of
# one name counting once: an event is named by particulars together (who, where, what), and
# two short reports sharing one word ("jab", "volcano", "Taliban") or one name ("Boris
# Johnson", "Saudi Arabia") have a cosine of that name alone, however rare it is. Words saying
# where (a country, a capital, a demonym) do not count: "Pakistan" and "Islamabad" shared by
# an Afghan refugee's arrival and a cricket tour's cancellation are one place, not an event.
MIN_SHARED_TERMS = 2

# A shared term counts among the shared particulars when it adds at least this much to the
# event cosine: a common word ("people", "said") that two reports share adds a thousandth.
SHARED_TERM_FLOOR = 0.005

# Words that say when, not what: two reports of one Tuesday share "tuesday" whatever happened,
# and two plans "from June" share "june".
# They count in the cosine, not among the shared terms.
CALENDAR_WORDS = frozenset(
    _stem(word)
    for word in "monday tuesday wednesday thursday friday saturday sunday today yesterday"
    " tomorrow tonight morning afternoon evening night week weekend month year january"
    " february march april may june july august september october november december".split()
)

# A person's title says nothing of which event: "Dr. Fauci" at a hearing and "Dr. Fauci" in a
# novelist's interview share the name, and the name counts once; "dr" is no second particular.
TITLE_WORDS = frozenset(
    _stem(word)
    for word in "dr mr mrs ms mx sir dame prof gov sen rep rev gen col lt sgt capt".split()
)

# One outlet's recurring items (each cartoonist's drawing, a daily briefing, a live page per
# day, each team's draft picks) share their title's words, which say nothing of one event:
# when a member of the newcomer's outlet has a headline opening with the same SERIES_OPENING
# words or more, or closing with the same SERIES_CLOSING (digits aside), those words are not
# among the particulars they share (``series_words``). An outlet's follow-ups under an
# event's name ("Strictly Come Dancing 2021 launch: ...") still share the event's other words.
SERIES_OPENING = 3
SERIES_CLOSING = 4
# Two bodies of one outlet this far apart under differently shaped headlines are its standing
# blurb (a live page's help line), not a copy (``standing_blurb``): they neither agree nor are
# duplicates.
SERIES_GAP = timedelta(hours=12)

# An outlet's home is the country named by at least HOME_SHARE of its live articles that
# name one (at least HOME_MIN of them): a city paper's or a national broadcaster's report that
# names no place is most likely about home. Two reports that agree only weakly (an event
# cosine under HOME_FLOOR, where shared particulars alone carry a join: EVENT_JOIN_FLOOR),
# one of them naming no country and the other at most one, and that happen in different
# countries (named or home) are two events: masks worn in one country and masks ordered in
# another. (A report naming several countries is of an event between them, such as a pact,
# whose placeless reports may come from any of their outlets.) Measured with
# ``bench/replay.py`` on four windows (docs/grouping.md).
HOME_SHARE = 0.4
HOME_MIN = 10
HOME_FLOOR = 0.3

# Members of a story a newcomer is compared with, the most recent: enough to tell a story's
# event from a chain's drift, few enough that a decision costs the same for any story size.
CORE_MEMBERS = 16


class WindowTerms:
    """How many live articles carry each term; ``weight`` is the term's inverse document
    frequency in the window, smoothed (a term no live article carries weighs the most).
    Also how many of each outlet's live articles name each country (``home``)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.size = 0
        self.outlet_places: dict[str, Counter[str]] = {}
        self.outlet_placed: Counter[str] = Counter()

    @classmethod
    def of(cls, members: Iterable[Any]) -> WindowTerms:
        """Counts of ``members``: term vectors, or articles' features (``terms``, ``outlet``
        and ``places``)."""
        window = cls()
        for member in members:
            if isinstance(member, Mapping):
                window.add(member)
            else:
                window.add(member.terms, member.outlet, member.places)
        return window

    def add(self, terms: Iterable[str], outlet: str = "", places: Collection[str] = ()) -> None:
        """Count one article carrying ``terms`` (a term vector's keys, or the vector), of
        ``outlet``, naming the countries ``places``."""
        for term in terms:
            self.counts[term] += 1
        self.size += 1
        if outlet and places:
            self.outlet_places.setdefault(outlet, Counter()).update(places)
            self.outlet_placed[outlet] += 1

    def remove(self, terms: Iterable[str], outlet: str = "", places: Collection[str] = ()) -> None:
        for term in terms:
            left = self.counts[term] - 1
            if left > 0:
                self.counts[term] = left
            else:
                del self.counts[term]
        self.size = max(0, self.size - 1)
        if outlet and places and outlet in self.outlet_places:
            self.outlet_places[outlet].subtract(places)
            self.outlet_placed[outlet] -= 1
            if self.outlet_placed[outlet] <= 0:
                del self.outlet_places[outlet], self.outlet_placed[outlet]

    def weight(self, term: str, own: int = 0, own_size: int = 0) -> float:
        """The term's weight; ``own``/``own_size``: articles (with the term / in all) to leave
        out of the counts, those of the story the newcomer is compared with."""
        size = self.size - own_size
        if size < MIN_WINDOW_ARTICLES:
            return 1.0
        carriers = max(0, self.counts.get(term, 0) - own)
        return math.log((size + 1) / (carriers + 1)) ** WEIGHT_POWER

    def home(self, outlet: str) -> str | None:
        """``outlet``'s home country (``HOME_SHARE``, ``HOME_MIN``), or None."""
        placed = self.outlet_placed.get(outlet, 0)
        if placed < HOME_MIN:
            return None
        code, count = self.outlet_places[outlet].most_common(1)[0]
        return code if count >= HOME_SHARE * placed else None

    def where(self, mark: Mark | None) -> frozenset[str]:
        """The countries a report happens in: those it names, else its outlet's home."""
        if mark is None:
            return frozenset()
        if mark.places:
            return frozenset(mark.places)
        home = self.home(mark.outlet) if mark.outlet else None
        return frozenset((home,)) if home else frozenset()


class EventSummary:
    """A story's recent members as the event test sees them.

    ``agreement`` is the share of the ``CORE_MEMBERS`` most recent members whose event cosine
    with a newcomer reaches a floor: a newcomer joins a story whose members mostly agree with
    it, not one whose nearest member does. (Not the cosine with a summed centroid: a theme
    blob's members share only theme words, so its centroid's norm shrinks as they diverge and
    the centroid cosine of any newcomer of the theme grows.)

    The window weights are counted *outside the story*: a big event's own names ("Aukus",
    "Petito") are in many live articles because the event is big, not because they are a
    theme; counted with the story's own members they would weigh less the more the story
    grows, and its follow-ups would stop joining it."""

    def __init__(self) -> None:
        self.members: list[Mapping[str, float]] = []
        self.marks: list[Mark | None] = []
        self.seed: Mapping[str, float] | None = None
        self.count = 0

    def update(
        self,
        members: Sequence,
        read: Callable[[Any], tuple[Mapping[str, float], Mark | None]] = lambda m: (m, None),
    ) -> None:
        """Take in ``members[self.count:]``: those added since the last update; ``read(m)``
        gives a member's term vector and its ``Mark`` (by default members are term vectors)."""
        if self.seed is None and members:
            self.seed = read(members[0])[0]
        for member in members[max(self.count, len(members) - CORE_MEMBERS) :]:
            terms, mark = read(member)
            self.members.append(terms)
            self.marks.append(mark)
        self.count = len(members)
        del self.members[:-CORE_MEMBERS]
        del self.marks[:-CORE_MEMBERS]

    def agreement(
        self,
        newcomer: Newcomer,
        window: WindowTerms,
        floor: float,
        own: Callable[[str], int] = lambda term: 0,
        own_size: int = 0,
    ) -> float:
        """Share of the core members whose event cosine with the newcomer is at least
        ``floor`` and who share its particulars (``Newcomer.particular``); ``own(term)``: how
        many live articles of the story carry it, ``own_size``: how many live articles it has
        (taken out of the window's counts)."""
        if not self.members:
            return 0.0
        weights: dict[str, float] = {}

        def weight(term: str) -> float:
            if term not in weights:
                weights[term] = window.weight(term, own(term), own_size)
            return weights[term]

        vector = unit_event_vector(newcomer.terms, weight)
        if SEED_MUST_AGREE and self.seed is not None:
            seed = unit_event_vector(self.seed, weight)
            if sum(v * seed.get(t, 0.0) for t, v in vector.items()) < floor * SEED_SHARE:
                return 0.0
        agreeing = 0
        for member, mark in zip(self.members, self.marks, strict=True):
            if standing_blurb(newcomer.mark, mark):
                continue  # what they share is the outlet's blurb
            other = unit_event_vector(member, weight)
            shares = {t: v * other[t] for t, v in vector.items() if t in other}
            cosine = sum(shares.values())
            if cosine < floor or (cosine < HOME_FLOOR and _apart_in_place(newcomer, mark, window)):
                continue
            agreeing += newcomer.particular(shares, series_words(newcomer.mark, mark))
        return agreeing / len(self.members)


class Newcomer(NamedTuple):
    """An article as the event test reads it: its term vector; ``names``: its terms that are
    words of one name, to that name's number ("Boris Johnson" is one shared particular, not
    two); ``where``: its terms that say where (a country, a capital, a demonym), which count
    in the cosine but not among the shared particulars; ``mark``: its outlet, date and
    headline shape, which tell its outlet's recurring titles (``series_words``)."""

    terms: Mapping[str, float]
    names: Mapping[str, int] = {}
    where: Collection[str] = frozenset()
    mark: Mark | None = None

    def particular(self, shares: Mapping[str, float], title: Collection[str] = ()) -> bool:
        """Whether the shared terms (to their part of the cosine) name an event together:
        ``MIN_SHARED_TERMS`` particulars besides the place and the words of a ``title``
        recurring at the member's outlet (``series_words``); calendar and title words
        ("june", "dr") do not count either."""
        counted = {
            self.names.get(t, t)
            for t, share in shares.items()
            if share >= SHARED_TERM_FLOOR
            and t not in CALENDAR_WORDS
            and t not in TITLE_WORDS
            and t not in self.where
            and t not in title
        }
        return len(counted) >= MIN_SHARED_TERMS


class Mark(NamedTuple):
    """An article's outlet, date, headline shape (``group_features.headline_shape``), body
    fingerprint (``group_features.text_signature``) and the countries it names."""

    outlet: str
    published: datetime | None
    shape: tuple[str, ...]
    signature: tuple[int, ...] = ()
    places: tuple[str, ...] = ()


def _apart_in_place(newcomer: Newcomer, mark: Mark | None, window: WindowTerms) -> bool:
    """Whether the newcomer and a member, one of which names no country and the other at most
    one, happen in different countries (``WindowTerms.where``: named, or their outlets'
    homes)."""
    if newcomer.mark is None or mark is None or (newcomer.mark.places and mark.places):
        return False  # both name theirs: the story's places test reads them
    if len(newcomer.mark.places) > 1 or len(mark.places) > 1:
        return False  # an event between countries: a home is no guess of which one
    return elsewhere(window.where(newcomer.mark), window.where(mark))


def elsewhere(places: Collection[str], others: Collection[str]) -> bool:
    """Whether two reports happen in different countries: both name some, and none in common."""
    return bool(places) and bool(others) and not set(places) & set(others)


def standing_blurb(left: Mark | None, right: Mark | None) -> bool:
    """Whether two items of one outlet, ``SERIES_GAP`` or more apart under headlines of another
    shape, carry one text (``DUPLICATE_JACCARD``) because it is the outlet's standing
    description (each day's live page's help line, a column's blurb), not because one copies
    the other (an outlet's new headline on its own report comes within hours)."""
    if left is None or right is None or not left.outlet or left.outlet != right.outlet:
        return False
    if left.shape == right.shape or not left.signature or not right.signature:
        return False
    if not _apart(left, right):
        return False
    return estimated_jaccard(left.signature, right.signature) >= DUPLICATE_JACCARD


def _apart(left: Mark, right: Mark) -> bool:
    """Whether two items were published ``SERIES_GAP`` or more apart (both dated)."""
    if left.published is None or right.published is None:
        return False
    return abs(left.published - right.published) >= SERIES_GAP


def series_words(left: Mark | None, right: Mark | None) -> frozenset[str]:
    """The title words (as terms) two items of one outlet's recurring title share: their
    headline shapes' common opening, when of ``SERIES_OPENING`` words or more, and common
    closing, when of ``SERIES_CLOSING`` or more ("The latest illustrations from artist ...",
    "Covid-19: what happened in New Zealand on # May", "...: each NFL draft # pick"); empty
    for two outlets' articles."""
    if left is None or right is None or not left.outlet or left.outlet != right.outlet:
        return frozenset()
    a, b = left.shape, right.shape
    if a == b:
        # One title again: a new edition of a recurring one ("Coronavirus Briefing: What
        # Happened Today") when that far apart, else the same report retitled or resent.
        return frozenset(_stem(w) for w in a) if _apart(left, right) else frozenset()
    opening = 0
    while opening < min(len(a), len(b)) and a[opening] == b[opening]:
        opening += 1
    closing = 0
    while closing < min(len(a), len(b)) - opening and a[-1 - closing] == b[-1 - closing]:
        closing += 1
    words = list(a[:opening]) if opening >= SERIES_OPENING else []
    words += a[len(a) - closing :] if closing >= SERIES_CLOSING else []
    return frozenset(_stem(w) for w in words)


def unit_event_vector(
    terms: Mapping[str, float], weight: Callable[[str], float]
) -> dict[str, float]:
    """``terms`` with each weight multiplied by ``weight(term)``, scaled to unit length."""
    weighted = {t: w * weight(t) for t, w in terms.items()}
    norm = math.sqrt(sum(v * v for v in weighted.values()))
    return {t: v / norm for t, v in weighted.items()} if norm else {}


class StoryTerms(NamedTuple):
    """A story as the merge test sees it: its summed term vector, how many of its members
    carry a term, and how many members it has."""

    terms: Mapping[str, float]
    carriers: Callable[[str], int]
    size: int


def _outside_weight(left: StoryTerms, right: StoryTerms, window: WindowTerms):
    """The window weight of a term, counted outside both stories, memoised."""
    size = left.size + right.size
    weights: dict[str, float] = {}

    def weight(term: str) -> float:
        if term not in weights:
            weights[term] = window.weight(term, left.carriers(term) + right.carriers(term), size)
        return weights[term]

    return weight


def story_cosine(left: StoryTerms, right: StoryTerms, window: WindowTerms) -> float:
    """Event cosine of two stories' summed term vectors, window weights counted outside
    both. Several reports together name an event's particulars more fully than any one of
    them: two stories that are halves of one event share them, where two events of one theme
    share only the theme's words, which the window weighs little."""
    weight = _outside_weight(left, right, window)
    smaller, larger = sorted((left.terms, right.terms), key=len)
    a = unit_event_vector(smaller, weight)
    b = unit_event_vector(larger, weight)
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def shared_particulars(left: StoryTerms, right: StoryTerms, window: WindowTerms, top: int) -> int:
    """How many of each story's ``top`` particulars (its summed terms by window weight,
    counted outside both stories) the other story also carries, the smaller of the two
    counts. Two fires, two migrant camps, two days' case counts share a theme's words, which
    may add up to a cosine; what sets each event apart (its places, its names) is among its
    top particulars, and the other story does not carry those."""
    weight = _outside_weight(left, right, window)

    def particulars(terms: Mapping[str, float]) -> list[str]:
        return sorted(terms, key=lambda t: (-terms[t] * weight(t), t))[:top]

    return min(
        sum(term in right.terms for term in particulars(left.terms)),
        sum(term in left.terms for term in particulars(right.terms)),
    )


def event_groups(
    members: Sequence[Mapping[str, float]],
    window: WindowTerms,
    floor: float,
    own: Callable[[str], int] = lambda term: 0,
) -> list[list[int]]:
    """The members (indices) in groups, largest first: two members are in one group when a
    chain of pairs agreeing at ``floor`` of event cosine links them (window weights counted
    outside the story: ``own(term)`` of its members carry the term)."""
    size = len(members)
    weights: dict[str, float] = {}

    def weight(term: str) -> float:
        if term not in weights:
            weights[term] = window.weight(term, own(term), size)
        return weights[term]

    vectors = [unit_event_vector(m, weight) for m in members]
    parent = list(range(size))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(size):
        for j in range(i + 1, size):
            if root(i) != root(j):
                cosine = sum(v * vectors[j].get(t, 0.0) for t, v in vectors[i].items())
                if cosine >= floor:
                    parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(size):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))
