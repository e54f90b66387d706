"""Which story does an arriving article belong to?

An article joins a live story when its nearest live articles vote for it, or when it is a
near-duplicate of one of that story's articles; otherwise it starts a story. Decisions are
made at arrival, in time order; the only later changes are to the story the article joined:
it may merge with a live story of the same event, or a part that reports another event may
split off (steps 7 and 8). An editor can still merge or split in the admin.

How a decision is made (``StoryMatcher.decide``):

1. Features (``group_features``): a term vector of headline + lead weighted by word rarity in
   English, a MinHash of the body, the headline's content words, and a sentence embedding
   (all-MiniLM-L6-v2 int8 on onnxruntime, ``newsdesk.core.embed``) of the headline and a
   16-word lead, when the model is installed.
2. Near-duplicate: a live article whose body shares at least ``DUPLICATE_JACCARD`` of its
   5-word shingles (MinHash estimate), or, when there is no body to compare, the same
   headline (4+ content words). The result names it: ``duplicate_of``, so the site can show a
   copy once. A copy joins its original's story whatever the vote says.
3. Vote: the ``HYBRID_NEIGHBOURS`` live articles most similar to the newcomer (similarity
   ``EMBEDDING_WEIGHT`` x embedding cosine + the rest x term cosine, above ``HYBRID_FLOOR``)
   vote for their stories with their similarity; the best story wins if its vote reaches
   ``HYBRID_THRESHOLD``. Without the model, the same vote on term cosine alone
   (``NEIGHBOURS``, ``NEIGHBOUR_FLOOR``, ``VOTE_THRESHOLD``). A vote of neighbours, not a
   story centroid, because real stories are broad (one UCI story holds "Snowden addresses
   SXSW" and "How to stop the next Snowden"): a newcomer only has to look like a few of a
   story's articles, not their average (docs/grouping.md has the figures). With embeddings,
   the winning story must also be close on average (the newcomer's mean embedding cosine with
   its members at least ``HYBRID_STORY_MEAN_FLOOR``), else the next story voted for is tried:
   one look-alike headline of another story should not win the newcomer for it.
4. With a body, the winning story's term centroid must also be close (``CENTROID_FLOOR``,
   ``HYBRID_CENTROID_FLOOR``): full texts share enough incidental words for a vote to chain
   unrelated stories of one place.
5. With a body and no winning vote, the story whose term centroid is closest wins if it is
   close enough (``BODY_CENTROID_JOIN``): a broad story's articles together say what it is
   about better than any one of them.
6. A story is one event, not a theme: every join above also needs the event test
   of ``group_events`` — the newcomer's term vector, re-weighted by how rare each term is in
   the live window itself (outside that story), must reach ``EVENT_FLOOR`` of cosine with
   more than ``EVENT_MAJORITY`` of the story's recent members and share particulars with its
   first article. With no join, a story whose members mostly agree with the newcomer at
   ``EVENT_JOIN_FLOOR`` takes it on that evidence alone. A programme episode (a dated show
   title with next to no text, ``group_features.is_episode``) joins nothing.
7. Merge (``merge_partner``): the story that took the article and a live story it shares the
   most terms with become one when, taken whole, they report one event (summed term vectors
   at ``STORY_MERGE_FLOOR`` of event cosine, shared particulars, close embeddings and spans).
8. Split (``event_split``): a part of the story whose members agree among themselves but fail
   that test with the rest moves to a story of its own.

Figures (B-cubed F1 on UCI headlines, WikiRef220 and the demo corpus, speed, what was tried
and not kept): docs/grouping.md; ``bench/cluster.py`` measures them.

The interface the Django side and the CLI use:

- ``StoryMatcher.match(article, candidates)`` is stateless: the caller supplies the live
  stories. ``decide`` gives the richer ``MatchDecision``.
- ``StoryCandidate`` is rebuilt from articles (``add``) or from stored features
  (``add_features``, see ``group_features.features_to_dict``).
- ``StreamGrouper`` holds the live window in memory for a stream in ``published`` order.

>>> from datetime import datetime, UTC
>>> day = datetime(2026, 1, 1, tzinfo=UTC)
>>> g = StreamGrouper()
>>> g.add(ArticleText("a", "Port strike ends after five days", published=day))
'a'
>>> g.add(ArticleText("b", "Port strike ends after five days - NWB", published=day))
'a'
>>> g.last_decision.duplicate_of
'a'
>>> g.add(ArticleText("c", "Volta Queens win the cup final", published=day))
'c'
"""

from __future__ import annotations

import heapq
import math
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import numpy as np

from newsdesk import limits
from newsdesk.core.documents import ArticleText
from newsdesk.core.group_events import (
    EventSummary,
    Mark,
    Newcomer,
    StoryTerms,
    WindowTerms,
    elsewhere,
    event_groups,
    shared_particulars,
    standing_blurb,
    story_cosine,
)
from newsdesk.core.group_features import (
    DUPLICATE_JACCARD,
    ArticleFeatures,
    article_features,
    articles_features,
    estimated_jaccard,
)

__all__ = [
    "DUPLICATE_JACCARD",
    "BodyJoins",
    "EmbeddingVote",
    "EventTest",
    "MatchDecision",
    "StoryCandidate",
    "StoryMatcher",
    "StreamGrouper",
    "TermVote",
]

# Terms-only vote: how many of the most similar live articles vote (``bench/cluster.py --tune``).
NEIGHBOURS = 5

# A live article votes only if its cosine with the newcomer exceeds this: below it, the
# shared words are incidental.
NEIGHBOUR_FLOOR = 0.1

# The summed similarity a story needs from the voters to win the newcomer (``--tune``).
VOTE_THRESHOLD = 0.25

# An article with a body joins the winning story only if the story's term centroid has at
# least this cosine with it: with full text, a vote of loosely related neighbours can chain
# stories of one place together; headlines skip it. Chosen with ``bench/cluster.py``
# (WikiRef220 and the demo corpus).
CENTROID_FLOOR = 0.2

# With embeddings (the default when the model is installed; group_features.embeddings_enabled),
# a live article's similarity to the newcomer is EMBEDDING_WEIGHT x the cosine of their MiniLM
# embeddings + the rest x the cosine of their term vectors, and the vote is as above with the
# HYBRID_* settings (``bench/cluster.py --tune``). The threshold is under the floor: one close
# neighbour is enough, as with terms.
EMBEDDING_WEIGHT = 0.8
HYBRID_NEIGHBOURS = 5
HYBRID_FLOOR = 0.34
HYBRID_THRESHOLD = 0.3
# CENTROID_FLOOR in the embedding mode (the term centroid, still: what chains unrelated
# stories of one place). Chosen like CENTROID_FLOOR with ``bench/cluster.py``.
HYBRID_CENTROID_FLOOR = 0.1

# The story that wins the neighbour vote must also be close on average: the newcomer's mean
# embedding cosine with the story's members must reach this, else the next story voted for is
# tried, then a new story (one look-alike headline of another story should not win the
# newcomer for it). ``bench/cluster.py --tune`` prints its grid.
HYBRID_STORY_MEAN_FLOOR = 0.18

# An article with a body that no neighbour vote placed still joins the live story whose term
# centroid has at least this cosine with it (a broad story's newcomer may look like none of
# its articles alone enough to win a vote). Off for headlines. Chosen like CENTROID_FLOOR.
BODY_CENTROID_JOIN = 0.25

# A story wins a newcomer only if they agree on what happened, not merely on what it is
# about: the newcomer's event cosine with the story as a whole (``group_events``: term
# vectors re-weighted by the live window's own document frequencies, against the story's
# centroid) must reach this. Chosen on the fixtures of tests/core/test_group_events.py and by
# reading the largest stories of real feed replays; see docs/grouping.md for the figures.
EVENT_FLOOR = 0.15
# ... with more than this share of the story's core members (a majority: in a chain A-B-C,
# C agrees with B alone and stays out of A's story).
EVENT_MAJORITY = 0.3
# With no vote won, a story whose core members mostly agree with the newcomer at this higher
# event cosine still takes it (``StoryMatcher._evidence_join``): shared particulars alone,
# when the embedding of two differently worded reports is not close enough to vote.
EVENT_JOIN_FLOOR = 0.3
# Stories tried for that, the most similar by terms first: bounds the work of a decision.
EVIDENCE_CANDIDATES = 5

# Two live stories merge when their summed term vectors agree at this event cosine
# (``group_events.story_cosine``): halves of one event that started apart (the pact, then the
# ally's fury at it) share the event's particulars once each holds a few reports. Tuned by
# B-cubed on the labelled replay: ``bench/replay.py``; docs/grouping.md has the grid.
STORY_MERGE_FLOOR = 0.2
# ... and their mean embeddings this cosine: the two must also read alike as a whole.
STORY_MERGE_EMBEDDING = 0.6
# ... each with at least this many members (one report is too little to speak for a story) ...
STORY_MERGE_MEMBERS = 2
# ... and spans no further apart than this: a follow-up days later starts its own story.
STORY_MERGE_GAP = timedelta(hours=48)
# ... and each carrying at least this many of the other's ``STORY_PARTICULARS`` weightiest
# terms (``group_events.shared_particulars``): one event's halves share its names.
STORY_MERGE_SHARED = 2
STORY_PARTICULARS = 5
# Stories a newcomer shares the most terms with, tried as its story's merge partners.
MERGE_CANDIDATES = 10

# A story is checked for having become two events (``StoryMatcher.event_split``) while it has
# at least this many members (two parts of two) ...
SPLIT_MIN_MEMBERS = 4
# ... and at most this many: the check compares every pair of members, so it is bounded.
SPLIT_MAX_MEMBERS = 64

# A country is where a story happens when this share of its members that name a country
# name it: a reaction from abroad ("France recalls its envoy") names its own country too.
PLACE_SHARE = 0.34

# Only live articles at least this similar are checked for duplication: a copy shares its
# lead, so its term cosine is high; this keeps the MinHash comparisons few.
DUPLICATE_PREFILTER = 0.05

# ... and of those, only the most similar this many: a copy shares its lead, so it is among
# the newcomer's nearest; a story of thousands of reports is not read whole per decision.
DUPLICATE_CHECKS = 32

# Dates further than this past the wall clock are taken as wrong (a feed in the wrong time
# zone, a typo year) and the article is treated as undated: arriving "now" in the stream.
FUTURE_TOLERANCE = timedelta(days=1)


def events_enabled() -> bool:
    """Whether grouping asks for event evidence (``group_events``): on unless
    ``NEWSDESK_GROUP_EVENTS=0``."""
    value = os.environ.get("NEWSDESK_GROUP_EVENTS", "1").strip().lower()
    return value not in ("0", "false", "no")


@dataclass(frozen=True)
class MatchDecision:
    """Where an article goes and why.

    ``key`` is the story to join, or None to start a new one; ``duplicate_of`` the id of the
    live article it copies (same text or, headline-only, same headline), if any; ``score`` the
    winning vote (or the estimated text overlap for a duplicate).
    """

    key: str | None
    duplicate_of: str | None = None
    score: float = 0.0
    reason: str = "new"  # "duplicate", "neighbours", "centroid", "evidence", "episode", "new"
    # Other live stories the article shares the most terms with: where to look for a story
    # that has turned out to be the same event as the one it joined (``merge_partner``).
    related: tuple[str, ...] = ()


@dataclass
class StoryCandidate:
    """A live story as the matcher sees it: its key and its articles' features.

    Per-story state is an inverted index over its articles' terms, rebuilt in O(terms) per
    article, from articles (``add``) or from stored features (``add_features``).
    """

    key: str
    last_published: datetime | None = None
    members: list[ArticleFeatures] = field(default_factory=list)
    postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    centroid: dict[str, float] = field(default_factory=dict)
    centroid_square: float = 0.0
    oldest: datetime | None = None
    # Embeddings of the members that have one: rows of a float32 matrix (grown by doubling)
    # and which member each row is.
    vectors: np.ndarray | None = None
    vector_members: list[int] = field(default_factory=list)
    # Sum of those embeddings: the mean cosine of a newcomer with the members is one product.
    vector_sum: np.ndarray | None = None
    # The members' event vectors (group_events), brought up to date when consulted.
    event_summary: EventSummary = field(default_factory=EventSummary)
    # Members that are programme episodes (``group_features.is_episode``).
    episodes: int = 0
    # How many members name each country, and how many name any (``ArticleFeatures.places``).
    places: Counter[str] = field(default_factory=Counter)
    placed: int = 0

    def add(self, article: ArticleText) -> None:
        self.add_features(article_features(article))

    def embedding_matrix(self) -> np.ndarray | None:
        """The members' embeddings, one row each (see ``vector_members``), or None."""
        if self.vectors is None or not self.vector_members:
            return None
        return self.vectors[: len(self.vector_members)]

    def mean_cosine(self, vector: np.ndarray) -> float | None:
        """Mean embedding cosine of ``vector`` with the members that have an embedding."""
        if self.vector_sum is None or not self.vector_members:
            return None
        return float(np.einsum("i,i->", self.vector_sum, vector)) / len(self.vector_members)

    def where(self) -> set[str]:
        """The countries the story happens in: those named by at least ``PLACE_SHARE`` of the
        members that name any (a reaction from abroad does not move the event)."""
        least = max(1.0, PLACE_SHARE * self.placed)
        return {code for code, count in self.places.items() if count >= least}

    def forget_before(self, horizon: datetime) -> None:
        """Drop articles published before ``horizon``: a story that stays live for weeks keeps
        only its recent articles, so its state is bounded by the window, not by its age."""
        kept = [m for m in self.members if m.published is None or m.published >= horizon]
        if len(kept) == len(self.members):
            return
        last = self.last_published
        self.members, self.postings, self.centroid, self.centroid_square = [], {}, {}, 0.0
        self.oldest, self.vectors, self.vector_members = None, None, []
        self.vector_sum = None
        self.event_summary = EventSummary()
        self.episodes = 0
        self.places, self.placed = Counter(), 0
        for features in kept:
            self.add_features(features)
        self.last_published = last

    def add_features(self, features: ArticleFeatures) -> None:
        index = len(self.members)
        self.members.append(features)
        self.episodes += features.episode
        self.places.update(features.places)
        self.placed += bool(features.places)
        for term, weight in features.terms.items():
            self.postings.setdefault(term, []).append((index, weight))
            old = self.centroid.get(term, 0.0)
            self.centroid[term] = old + weight
            self.centroid_square += (old + weight) ** 2 - old * old
        vector = features.embedding()
        if vector is not None:
            rows = len(self.vector_members)
            if self.vectors is None or rows == len(self.vectors):
                grown = np.zeros((max(4, 2 * rows), len(vector)), np.float32)
                if self.vectors is not None:
                    grown[:rows] = self.vectors
                self.vectors = grown
            self.vectors[rows] = vector
            self.vector_members.append(index)
            if self.vector_sum is None:
                self.vector_sum = np.zeros(len(vector), np.float32)
            self.vector_sum += vector
        if features.published and (
            self.last_published is None or features.published > self.last_published
        ):
            self.last_published = features.published
        if features.published and (self.oldest is None or features.published < self.oldest):
            self.oldest = features.published


class EmbeddingIndex:
    """The live articles' embeddings in one matrix, so a newcomer is compared with all of them
    in one product. ``of`` builds one from candidates (the Django side, which rebuilds its
    window per article); ``StreamGrouper`` keeps one up to date instead."""

    def __init__(self, dimensions: int = 384):
        self.matrix = np.zeros((64, dimensions), np.float32)
        self.size = 0
        self.owners: list[StoryCandidate] = []
        self.row_of: dict[tuple[int, int], int] = {}

    @classmethod
    def of(cls, candidates: Iterable[StoryCandidate]) -> EmbeddingIndex:
        index = cls()
        for candidate in candidates:
            index.add_candidate(candidate)
        return index

    def add_candidate(self, candidate: StoryCandidate) -> None:
        matrix = candidate.embedding_matrix()
        if matrix is None:
            return
        self._reserve(len(matrix))
        self.matrix[self.size : self.size + len(matrix)] = matrix
        for member in candidate.vector_members:
            self.row_of[(id(candidate), member)] = self.size
            self.owners.append(candidate)
            self.size += 1

    def add(self, candidate: StoryCandidate, member: int, vector: np.ndarray) -> None:
        self._reserve(1)
        self.matrix[self.size] = vector
        self.row_of[(id(candidate), member)] = self.size
        self.owners.append(candidate)
        self.size += 1

    def cosines(self, vector: np.ndarray) -> np.ndarray:
        # einsum, not @ or np.dot: those go to OpenBLAS, whose worker threads wake for every
        # small product; einsum's own loop is single-threaded (docs/grouping.md).
        return np.einsum("ij,j->i", self.matrix[: self.size], vector)

    def _reserve(self, rows: int) -> None:
        if self.size + rows > len(self.matrix):
            grown = np.zeros((max(2 * len(self.matrix), self.size + rows), self.matrix.shape[1]))
            grown = grown.astype(np.float32)
            grown[: self.size] = self.matrix[: self.size]
            self.matrix = grown


@dataclass(frozen=True)
class TermVote:
    """The neighbour vote on term cosine alone: without the embedding model, and for live
    articles stored without an embedding (the constants above say what each one is)."""

    neighbours: int = NEIGHBOURS
    floor: float = NEIGHBOUR_FLOOR
    threshold: float = VOTE_THRESHOLD
    centroid_floor: float = CENTROID_FLOOR


@dataclass(frozen=True)
class EmbeddingVote:
    """The neighbour vote on ``weight`` x embedding cosine + the rest x term cosine (the
    ``EMBEDDING_WEIGHT`` and ``HYBRID_*`` constants); ``story_mean_floor`` None: no mean test."""

    weight: float = EMBEDDING_WEIGHT
    neighbours: int = HYBRID_NEIGHBOURS
    floor: float = HYBRID_FLOOR
    threshold: float = HYBRID_THRESHOLD
    centroid_floor: float = HYBRID_CENTROID_FLOOR
    story_mean_floor: float | None = HYBRID_STORY_MEAN_FLOOR


@dataclass(frozen=True)
class EventTest:
    """The event test of ``group_events``: ``floor`` for a vote's winner (``EVENT_FLOOR``),
    ``join_floor`` for a join on evidence alone (``EVENT_JOIN_FLOOR``); None switches it off."""

    floor: float | None = EVENT_FLOOR
    join_floor: float | None = EVENT_JOIN_FLOOR
    # Two live stories merge at this story-level event cosine (``STORY_MERGE_FLOOR``).
    merge_floor: float | None = STORY_MERGE_FLOOR

    @classmethod
    def from_environment(cls) -> EventTest:
        """On unless ``NEWSDESK_GROUP_EVENTS=0`` (then stories are themes: what the UCI and
        WikiRef220 gold stories are)."""
        return cls() if events_enabled() else cls(floor=None, join_floor=None, merge_floor=None)


@dataclass(frozen=True)
class BodyJoins:
    """Tests only articles with a body get: ``duplicate_jaccard`` (``DUPLICATE_JACCARD``) makes
    a copy, ``centroid_join`` (``BODY_CENTROID_JOIN``; None: off) joins without a vote."""

    duplicate_jaccard: float = DUPLICATE_JACCARD
    centroid_join: float | None = BODY_CENTROID_JOIN


class StoryMatcher:
    """Nearest-neighbour vote over the live window, with near-duplicate detection.

    Each settings object defaults to the module's constants; ``events`` defaults to
    ``EventTest.from_environment()``."""

    def __init__(
        self,
        term_vote: TermVote | None = None,
        embedding_vote: EmbeddingVote | None = None,
        events: EventTest | None = None,
        body: BodyJoins | None = None,
    ):
        self.term_vote = term_vote or TermVote()
        self.embedding_vote = embedding_vote or EmbeddingVote()
        self.events = events or EventTest.from_environment()
        self.body = body or BodyJoins()

    def match(self, article: ArticleText, candidates: Iterable[StoryCandidate]) -> str | None:
        """Key of the best live story for ``article``, or None to start a new story."""
        return self.decide(article, candidates).key

    def decide(
        self,
        article: ArticleText,
        candidates: Iterable[StoryCandidate],
        features: ArticleFeatures | None = None,
        index: EmbeddingIndex | None = None,
        window: WindowTerms | None = None,
    ) -> MatchDecision:
        """The full decision; pass ``features`` when they are already computed (or stored),
        ``index`` when the caller keeps the candidates' embeddings in one and ``window`` when
        it keeps the live window's term counts (else both are built from ``candidates``)."""
        features = features or article_features(article)
        # A programme episode is no event: nothing joins a story of episodes alone.
        candidates = [c for c in candidates if c.episodes < len(c.members)]
        if window is None and self.events.floor is not None:
            window = WindowTerms.of(m for c in candidates for m in c.members)
        scored = self._similarities(features, candidates)
        decision = self._decide(features, candidates, scored, index, window)
        return replace(decision, related=self._related(scored, decision.key))

    @staticmethod
    def _related(scored: list[tuple[float, StoryCandidate, int]], key: str | None) -> tuple:
        best: dict[str, float] = {}
        for lexical, candidate, _ in scored:
            if candidate.key != key and lexical > best.get(candidate.key, 0.0):
                best[candidate.key] = lexical
        return tuple(heapq.nlargest(MERGE_CANDIDATES, best, key=best.__getitem__))

    def merge_partner(
        self, story: StoryCandidate, others: Iterable[StoryCandidate], window: WindowTerms
    ) -> StoryCandidate | None:
        """The live story among ``others`` that reports the same event as ``story`` (both
        with ``STORY_MERGE_MEMBERS`` members, spans within ``STORY_MERGE_GAP``, mean embeddings
        alike and summed term vectors agreeing at ``events.merge_floor``), or None."""
        floor = self.events.merge_floor
        if floor is None or self.events.floor is None or len(story.members) < STORY_MERGE_MEMBERS:
            return None
        best: tuple[float, StoryCandidate] | None = None
        mine = _story_terms(story)
        for other in others:
            if other is story or len(other.members) < STORY_MERGE_MEMBERS:
                continue
            if not self._same_event_stories(story, other, window):
                continue
            cosine = story_cosine(mine, _story_terms(other), window)
            if best is None or cosine > best[0]:
                best = (cosine, other)
        return best[1] if best else None

    def event_split(self, story: StoryCandidate, window: WindowTerms) -> list[int] | None:
        """Members of ``story`` that report another event, or None: the members fall into
        groups by event cosine (an edge where two members agree at ``events.floor``, weights
        counted outside the story), and the second largest group, of two or more, does not
        pass the merge test (``merge_partner``'s) with the largest: two events, not one told
        in two ways. What the story holds apart from that group stays."""
        size = len(story.members)
        if self.events.floor is None or self.events.merge_floor is None:
            return None
        if not SPLIT_MIN_MEMBERS <= size <= SPLIT_MAX_MEMBERS:
            return None
        groups = event_groups(
            [m.terms for m in story.members],
            window,
            self.events.floor,
            own=lambda term: len(story.postings.get(term, ())),
        )
        if len(groups) < 2 or len(groups[1]) < 2:
            return None
        larger, other = (_part(story, group) for group in groups[:2])
        if self._same_event_stories(larger, other, window):
            return None
        return groups[1]

    def _same_event_stories(
        self, left: StoryCandidate, right: StoryCandidate, window: WindowTerms
    ) -> bool:
        """The merge test: spans close, mean embeddings alike, summed terms agreeing at
        ``events.merge_floor`` and sharing particulars."""
        if not _spans_close(left, right) or not _embeddings_close(left, right):
            return False
        if elsewhere(set(left.places), set(right.places)):
            return False
        mine, theirs = _story_terms(left), _story_terms(right)
        return (
            story_cosine(mine, theirs, window) >= self.events.merge_floor
            and shared_particulars(mine, theirs, window, STORY_PARTICULARS) >= STORY_MERGE_SHARED
        )

    def _decide(
        self,
        features: ArticleFeatures,
        candidates: list[StoryCandidate],
        scored: list[tuple[float, StoryCandidate, int]],
        index: EmbeddingIndex | None,
        window: WindowTerms | None,
    ) -> MatchDecision:
        duplicate = self._duplicate(features, scored)
        if duplicate is not None:
            return duplicate
        if features.episode:
            return MatchDecision(None, reason="episode")
        vector = features.embedding()
        if vector is not None:
            voters = self._hybrid_voters(features, vector, candidates, scored, index)
            neighbours, threshold = self.embedding_vote.neighbours, self.embedding_vote.threshold
            centroid_floor = self.embedding_vote.centroid_floor
        else:
            voters = [(s, c) for s, c, _ in scored if s > self.term_vote.floor]
            neighbours, threshold = self.term_vote.neighbours, self.term_vote.threshold
            centroid_floor = self.term_vote.centroid_floor
        votes: dict[str, float] = defaultdict(float)
        by_key: dict[str, StoryCandidate] = {}
        for similarity, candidate in heapq.nlargest(neighbours, voters, key=lambda s: s[0]):
            votes[candidate.key] += similarity
            by_key[candidate.key] = candidate
        for key, vote in sorted(votes.items(), key=lambda kv: -kv[1]):
            if vote < threshold:
                break
            # With a body, the story's centroid is a reliable summary of what it is about and
            # stops a chain of loosely related neighbours; headlines are too short for one.
            floor = centroid_floor if features.has_body else 0.0
            if _centroid_cosine(features, by_key[key]) < floor:
                continue
            if vector is not None and self.embedding_vote.story_mean_floor is not None:
                # The story as a whole must look like the newcomer, not only its voters.
                mean = by_key[key].mean_cosine(vector)
                if mean is not None and mean < self.embedding_vote.story_mean_floor:
                    continue
            if not self._same_event(features, by_key[key], window):
                continue
            return MatchDecision(key, score=round(vote, 4), reason="neighbours")
        if features.has_body and self.body.centroid_join is not None:
            decision = self._centroid_join(features, scored, window)
            if decision.key is not None:
                return decision
        return self._evidence_join(features, scored, window)

    def _evidence_join(
        self,
        features: ArticleFeatures,
        scored: list[tuple[float, StoryCandidate, int]],
        window: WindowTerms | None,
    ) -> MatchDecision:
        """With no vote won, the story sharing the newcomer's particulars most strongly: its
        core members mostly agree with the newcomer at ``events.join_floor``, well above the
        floor a vote's winner needs. One event told in other words (a dam "gives way", a
        "reservoir wall collapses") shares its names and numbers, not its phrasing, and the
        embedding of a short headline may not see the likeness."""
        if self.events.join_floor is None or window is None or not scored:
            return MatchDecision(None)
        best: dict[int, tuple[float, StoryCandidate]] = {}
        for lexical, candidate, _ in scored:
            if lexical > best.get(id(candidate), (0.0, candidate))[0]:
                best[id(candidate)] = (lexical, candidate)
        nearest = heapq.nlargest(EVIDENCE_CANDIDATES, best.values(), key=lambda s: s[0])
        for lexical, candidate in nearest:
            agreement = self._agreement(features, candidate, window, self.events.join_floor)
            if agreement > EVENT_MAJORITY:
                return MatchDecision(candidate.key, score=round(lexical, 4), reason="evidence")
        return MatchDecision(None)

    def _same_event(
        self, features: ArticleFeatures, candidate: StoryCandidate, window: WindowTerms | None
    ) -> bool:
        """Whether the newcomer and the story as a whole share enough particulars (names,
        numbers, key words the window does not use everywhere) to report one happening."""
        if self.events.floor is None or window is None:
            return True
        return self._agreement(features, candidate, window, self.events.floor) > EVENT_MAJORITY

    @staticmethod
    def _agreement(
        features: ArticleFeatures, candidate: StoryCandidate, window: WindowTerms, floor: float
    ) -> float:
        if elsewhere(set(features.places), candidate.where()):
            return 0.0
        summary = candidate.event_summary
        summary.update(candidate.members, _read_member)
        postings = candidate.postings
        newcomer = Newcomer(
            features.terms,
            features.name_words(),
            frozenset(features.where),
            _mark(features),
        )
        return summary.agreement(
            newcomer,
            window,
            floor,
            own=lambda term: len(postings.get(term, ())),
            own_size=len(candidate.members),
        )

    def _centroid_join(
        self,
        features: ArticleFeatures,
        scored: list[tuple[float, StoryCandidate, int]],
        window: WindowTerms | None = None,
    ) -> MatchDecision:
        """The live story whose term centroid is closest, if close enough (only stories that
        share a term with the article can be: those in ``scored``)."""
        best: tuple[float, StoryCandidate] | None = None
        for candidate in {id(c): c for _, c, _ in scored}.values():
            cosine = _centroid_cosine(features, candidate)
            if best is None or cosine > best[0]:
                best = (cosine, candidate)
        if (
            best is not None
            and best[0] >= self.body.centroid_join
            and self._same_event(features, best[1], window)
        ):
            return MatchDecision(best[1].key, score=round(best[0], 4), reason="centroid")
        return MatchDecision(None)

    def _hybrid_voters(
        self,
        features: ArticleFeatures,
        vector: np.ndarray,
        candidates: list[StoryCandidate],
        scored: list[tuple[float, StoryCandidate, int]],
        index: EmbeddingIndex | None = None,
    ) -> list[tuple[float, StoryCandidate]]:
        """(similarity, story) of the live articles that may vote, similarity being
        ``embedding_vote.weight`` x embedding cosine + the rest x term cosine. A live article
        stored without an embedding (model missing when it arrived) votes on its term cosine
        against the term-only floor."""
        index = index or EmbeddingIndex.of(candidates)
        voters: list[tuple[float, StoryCandidate]] = []
        if index.size:
            weight = self.embedding_vote.weight
            similarity = weight * index.cosines(vector)
            for lexical, candidate, member in scored:
                row = index.row_of.get((id(candidate), member))
                if row is not None:
                    similarity[row] += (1 - weight) * lexical
            rows = np.flatnonzero(similarity > self.embedding_vote.floor)
            if len(rows) > self.embedding_vote.neighbours:  # only the nearest can vote
                nearest = np.argpartition(-similarity[rows], self.embedding_vote.neighbours)
                rows = rows[nearest[: self.embedding_vote.neighbours]]
            for row in rows:
                voters.append((float(similarity[row]), index.owners[row]))
        for lexical, candidate, member in scored:
            if lexical > self.term_vote.floor and not candidate.members[member].vector:
                voters.append((lexical, candidate))
        return voters

    def _similarities(
        self, features: ArticleFeatures, candidates: Iterable[StoryCandidate]
    ) -> list[tuple[float, StoryCandidate, int]]:
        # Only stories sharing a term are visited, and within them only the articles that
        # share one (the postings): the cost follows the overlap, not the window's size.
        scored = []
        for candidate in candidates:
            sums: dict[int, float] = defaultdict(float)
            for term, weight in features.terms.items():
                for index, other in candidate.postings.get(term, ()):
                    sums[index] += weight * other
            scored.extend((s, candidate, i) for i, s in sums.items())
        return scored

    def _duplicate(
        self, features: ArticleFeatures, scored: list[tuple[float, StoryCandidate, int]]
    ) -> MatchDecision | None:
        best: tuple[float, StoryCandidate, ArticleFeatures] | None = None
        near = [s for s in scored if s[0] >= DUPLICATE_PREFILTER]
        for _, candidate, index in heapq.nlargest(DUPLICATE_CHECKS, near, key=_first):
            other = candidate.members[index]
            overlap = self._copy_score(features, other)
            if overlap is not None and (best is None or overlap > best[0]):
                best = (overlap, candidate, other)
        if best is None:
            return None
        overlap, candidate, other = best
        return MatchDecision(candidate.key, other.id, round(overlap, 4), "duplicate")

    def _copy_score(self, left: ArticleFeatures, right: ArticleFeatures) -> float | None:
        if standing_blurb(_mark(left), _mark(right)):
            return None
        if left.has_body and right.has_body:
            overlap = estimated_jaccard(left.signature, right.signature)
            return overlap if overlap >= self.body.duplicate_jaccard else None
        # Headline-only on at least one side: the same headline is the only evidence there is.
        if left.title_key and left.title_key == right.title_key:
            return 1.0
        return None


def _mark(features: ArticleFeatures) -> Mark:
    return Mark(
        features.outlet, features.published, features.shape, features.signature, features.places
    )


def _read_member(member: ArticleFeatures) -> tuple[dict[str, float], Mark]:
    return member.terms, _mark(member)


def _first(scored: tuple[float, StoryCandidate, int]) -> float:
    return scored[0]


def _centroid_cosine(features: ArticleFeatures, candidate: StoryCandidate) -> float:
    norm = math.sqrt(candidate.centroid_square) or 1.0
    return sum(w * candidate.centroid.get(t, 0.0) for t, w in features.terms.items()) / norm


def _part(story: StoryCandidate, members: list[int]) -> StoryCandidate:
    """A story of ``members`` (indices into ``story.members``) alone, for the merge test."""
    part = StoryCandidate(story.key)
    for index in members:
        part.add_features(story.members[index])
    return part


def _story_terms(story: StoryCandidate) -> StoryTerms:
    return StoryTerms(
        story.centroid, lambda term: len(story.postings.get(term, ())), len(story.members)
    )


def _spans_close(left: StoryCandidate, right: StoryCandidate) -> bool:
    """Whether the two stories' spans of publication are within ``STORY_MERGE_GAP``."""
    if None in (left.oldest, left.last_published, right.oldest, right.last_published):
        return True
    gap = max(left.oldest, right.oldest) - min(left.last_published, right.last_published)
    return gap <= STORY_MERGE_GAP


def _embeddings_close(left: StoryCandidate, right: StoryCandidate) -> bool:
    """Whether the stories' mean embeddings reach ``STORY_MERGE_EMBEDDING`` of cosine (true
    when either has none: the term test then decides alone)."""
    if left.vector_sum is None or right.vector_sum is None:
        return True
    norms = float(np.linalg.norm(left.vector_sum) * np.linalg.norm(right.vector_sum))
    if not norms:
        return True
    return float(left.vector_sum @ right.vector_sum) / norms >= STORY_MERGE_EMBEDDING


class StreamGrouper:
    """Groups a stream of articles arriving in ``published`` order; only live stories are kept.

    Memory is bounded by the window: a story whose newest article is older than ``window``
    before the newest date seen (the stream's clock) is dropped from the search. Undated
    articles, and articles dated more than ``FUTURE_TOLERANCE`` past ``now()`` (the wall clock
    by default), arrive at the stream's clock. Equal timestamps are taken in arrival order.
    """

    def __init__(
        self,
        matcher: StoryMatcher | None = None,
        window: timedelta | None = None,
        now: Callable[[], datetime] | None = None,
    ):
        self.matcher = matcher or StoryMatcher()
        self.window = window or timedelta(hours=limits.STORY_WINDOW_HOURS)
        self.now = now or (lambda: datetime.now(UTC))
        self.live: dict[str, StoryCandidate] = {}
        self.clock: datetime | None = None
        self.last_decision: MatchDecision = MatchDecision(None)
        self.index = EmbeddingIndex()
        self.window_terms = WindowTerms()
        # Keys of stories merged into another (``_merge``), to the key they went to; ids of
        # articles split off into a new story (``_split``), to its key.
        self.merged: dict[str, str] = {}
        self.moved: dict[str, str] = {}

    def add(self, article: ArticleText, features: ArticleFeatures | None = None) -> str:
        """The story key for ``article`` (its own id when it starts a story).

        ``features``: the article's, when already computed (``add_many`` embeds a batch)."""
        published = self._arrival_time(article.published)
        if published is not None and (self.clock is None or published > self.clock):
            self.clock = published
        self._expire()
        features = features or article_features(article)
        if features.published != published:
            features = replace(features, published=published)
        decision = self.matcher.decide(
            article, self.live.values(), features, self.index, self.window_terms
        )
        key = decision.key
        if key is None:
            # A reused id must not overwrite a live story: the newcomer gets a fresh key.
            key = article.id
            while key in self.live:
                key += "'"
            self.live[key] = StoryCandidate(key)
            decision = MatchDecision(key, reason="new")
        story = self.live[key]
        story.add_features(features)
        self.window_terms.add(features.terms, features.outlet, features.places)
        vector = features.embedding()
        if vector is not None:
            self.index.add(story, len(story.members) - 1, vector)
        related = [self.live[k] for k in decision.related if k in self.live]
        partner = self.matcher.merge_partner(story, related, self.window_terms)
        if partner is not None:
            key = self._merge(story, partner)
            decision = replace(decision, key=key)
        elif decision.reason != "duplicate":
            moved = self.matcher.event_split(story, self.window_terms)
            if moved is not None:
                key = self._split(story, moved, features.id)
                decision = replace(decision, key=key)
        self.last_decision = decision
        return key

    def story_key(self, key: str, article_id: str | None = None) -> str:
        """The story a key returned earlier now is: its own, or the one it was merged into;
        with ``article_id``, the story that article is in now (it may have been split off)."""
        if article_id is not None:
            key = self.moved.get(article_id, key)
        while key in self.merged:
            key = self.merged[key]
        return key

    def _split(self, story: StoryCandidate, moved: list[int], newcomer: str) -> str:
        """Move ``moved`` (member indices) of ``story`` into a new story, keyed by its first
        member's id; the rest keeps the key. Returns the newcomer's story key."""
        gone = set(moved)
        kept = StoryCandidate(story.key)
        split = StoryCandidate(story.members[moved[0]].id)
        while split.key in self.live:
            split.key += "'"
        for index, features in enumerate(story.members):
            (split if index in gone else kept).add_features(features)
            if index in gone:
                self.moved[features.id] = split.key
        self.live[story.key] = kept
        self.live[split.key] = split
        self.index = EmbeddingIndex.of(self.live.values())
        return split.key if self.moved.get(newcomer) == split.key else kept.key

    def _merge(self, left: StoryCandidate, right: StoryCandidate) -> str:
        """One story of two: the larger keeps its key (the older on a tie), the other's key
        maps to it (``story_key``). Members are taken again in published order, so the merged
        story's first article is the earlier story's first."""
        never = datetime.max.replace(tzinfo=UTC)
        keep, gone = sorted((left, right), key=lambda c: (-len(c.members), c.oldest or never))
        merged = StoryCandidate(keep.key)
        members = sorted(keep.members + gone.members, key=lambda m: m.published or never)
        for features in members:
            merged.add_features(features)
        del self.live[gone.key]
        self.live[keep.key] = merged
        self.merged[gone.key] = keep.key
        self.index = EmbeddingIndex.of(self.live.values())
        return keep.key

    def add_many(self, articles: Iterable[ArticleText]) -> list[str]:
        """``add`` each article in turn (in the order given, which should be ``published``
        order), computing their embeddings in one batch first: what a feed poll or a file
        delivers together. Each decision still sees only the articles before it."""
        articles = list(articles)
        return [
            self.add(article, features)
            for article, features in zip(articles, articles_features(articles), strict=True)
        ]

    def _arrival_time(self, published: datetime | None) -> datetime | None:
        if published is None:
            return self.clock
        if published.tzinfo is None:
            published = published.replace(tzinfo=UTC)
        if published > self.now() + FUTURE_TOLERANCE:
            return self.clock
        return published

    def _expire(self) -> None:
        if self.clock is None:
            return
        horizon = self.clock - self.window
        changed = False
        for key, candidate in list(self.live.items()):
            if candidate.last_published is not None and candidate.last_published < horizon:
                del self.live[key]
                changed = True
            elif candidate.oldest is not None and candidate.oldest < horizon:
                candidate.forget_before(horizon)
                changed = True
        if changed:  # the index holds only live articles: rebuilt when some leave
            self.index = EmbeddingIndex.of(self.live.values())
            self.window_terms = WindowTerms.of(m for c in self.live.values() for m in c.members)
