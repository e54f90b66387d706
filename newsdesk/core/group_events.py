"""Do two reports agree on what happened? Event evidence measured against the live window.

A sentence embedding and English word rarity say what an article is *about*; on a real stream
that is a theme ("Covid", "a fatal crash", "Biden"), and a vote on it gathers every article of
the theme into one story (issue 24). What tells one happening from another is the particular:
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
from collections.abc import Iterable, Mapping, Sequence

# Below this many live articles the window's document frequencies are noise (a term in one
# of five articles is not thereby particular): every term then weighs the same, and the
# evidence is the plain term cosine of the static rarity weights.
MIN_WINDOW_ARTICLES = 50

# The window weight is the smoothed inverse document frequency to this power: squared, a name
# in a fifth of the window (a president's) weighs a seventh of one in a single article, where
# plain IDF left it a third, and a shared name alone carried two reports of different events.
WEIGHT_POWER = 2.0

# Members of a story a newcomer is compared with, the most recent: enough to tell a story's
# event from a chain's drift, few enough that a decision costs the same for any story size.
CORE_MEMBERS = 16


class WindowTerms:
    """How many live articles carry each term; ``weight`` is the term's inverse document
    frequency in the window, smoothed (a term no live article carries weighs the most)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.size = 0

    @classmethod
    def of(cls, members: Iterable[Mapping[str, float]]) -> WindowTerms:
        window = cls()
        for terms in members:
            window.add(terms)
        return window

    def add(self, terms: Iterable[str]) -> None:
        """Count one article carrying ``terms`` (a term vector's keys, or the vector)."""
        for term in terms:
            self.counts[term] += 1
        self.size += 1

    def remove(self, terms: Iterable[str]) -> None:
        for term in terms:
            left = self.counts[term] - 1
            if left > 0:
                self.counts[term] = left
            else:
                del self.counts[term]
        self.size = max(0, self.size - 1)

    def weight(self, term: str) -> float:
        if self.size < MIN_WINDOW_ARTICLES:
            return 1.0
        return math.log((self.size + 1) / (self.counts.get(term, 0) + 1)) ** WEIGHT_POWER


class EventSummary:
    """A story's members as the event test sees them: each member's term vector re-weighted
    by the window (as it was when the member was taken in) and scaled to unit length.

    ``agreement`` is the share of members whose event cosine with a newcomer reaches a floor:
    a newcomer joins a story whose members mostly agree with it, not one whose nearest
    member does. Not the cosine with a summed centroid: a theme blob's members share only
    theme words, so its centroid's norm shrinks as they diverge and the centroid cosine of
    any newcomer of the theme grows. Only the ``CORE_MEMBERS`` most recent members are
    asked, which bounds the work of one decision whatever the story's size."""

    def __init__(self) -> None:
        self.vectors: list[dict[str, float]] = []
        self.count = 0

    def update(self, members: Sequence[Mapping[str, float]], window: WindowTerms) -> None:
        """Take in ``members[self.count:]``: those added since the last update."""
        for terms in members[self.count :]:
            self.vectors.append(unit_event_vector(terms, window))
            self.count += 1
        del self.vectors[:-CORE_MEMBERS]

    def agreement(self, terms: Mapping[str, float], window: WindowTerms, floor: float) -> float:
        """Share of the core members whose event cosine with ``terms`` is at least ``floor``."""
        if not self.vectors:
            return 0.0
        vector = unit_event_vector(terms, window)
        agreeing = sum(
            sum(v * member.get(t, 0.0) for t, v in vector.items()) >= floor
            for member in self.vectors
        )
        return agreeing / len(self.vectors)


def unit_event_vector(terms: Mapping[str, float], window: WindowTerms) -> dict[str, float]:
    """``terms`` with each weight multiplied by the term's window weight, unit length."""
    weighted = {t: w * window.weight(t) for t, w in terms.items()}
    norm = math.sqrt(sum(v * v for v in weighted.values()))
    return {t: v / norm for t, v in weighted.items()} if norm else {}
