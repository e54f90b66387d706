"""Which story does an arriving article belong to? (issue 3)

An article joins a live story when its nearest live articles vote for it, or when it is a
near-duplicate of one of that story's articles; otherwise it starts a story. Decisions are
made once, at arrival, in time order: nothing is re-clustered later (an editor can still
merge or split in the admin).

How a decision is made (``StoryMatcher.decide``):

1. Features (``group_features``): a term vector of headline + lead weighted by word rarity in
   English, a MinHash of the body, the headline's content words.
2. Near-duplicate: a live article whose body shares at least ``DUPLICATE_JACCARD`` of its
   5-word shingles (MinHash estimate), or, when there is no body to compare, the same
   headline (4+ content words). The result names it: ``duplicate_of``, so the site can show a
   copy once. A copy joins its original's story whatever the vote says.
3. Vote: the ``NEIGHBOURS`` live articles most similar to the newcomer (cosine above
   ``NEIGHBOUR_FLOOR``) vote for their stories with their similarity; the best story wins if
   its vote reaches ``VOTE_THRESHOLD``. A vote of neighbours, not a story centroid, because
   real stories are broad (one UCI story holds "Snowden addresses SXSW" and "How to stop the
   next Snowden"): a newcomer only has to look like a few of a story's articles, not their
   average. Measured on UCI dev headlines (seed 1): centroid cosine at its best threshold
   B-cubed F1 0.68, nearest-neighbour vote 0.77.
4. With a body, the winning story's centroid must also be close (``CENTROID_FLOOR``): full
   texts share enough incidental words for a vote to chain unrelated stories of one place.

Measured (``bench/cluster.py``, through ``newsdesk cluster``; B-cubed F1):

    UCI headlines, dev seed 1 / test seed 2   0.776 / 0.738   (2,000 headlines/s per core)
    (a) single-pass TF-IDF, tuned on dev      0.653 / 0.637
    (b) offline average link, TF-IDF         0.716   on our features 0.772 (cut tuned on it)
    WikiRef220 full text (not tuned on)       0.866   (~250 articles/s per core)
    demo corpus                               0.888   (the placeholder: 0.97)

The issue's target (0.88 on UCI, above offline average link) is missed: these headlines'
gold stories are broad (two separate Titanfall stories, a "Bank of England" story covering
anything the bank did that week), and no streaming rule tried here got past 0.78 on them.

Why no sentence embeddings (measured on this shared 2-core machine, onnxruntime, one
thread): all-MiniLM-L6-v2 int8 embeds 48 headlines/s and 9 leads of 120 words/s — under the
100 articles/s per core target before any matching is done. For that price it gives, on the
same shuffled UCI headlines (seed 1): online centroid 0.76, online neighbour vote 0.82 (the
best figure of any streaming method tried), offline average link 0.81, against 0.776 here at
2,000 headlines/s. Most of the embeddings' lead over a centroid is the vote, which we keep;
the remaining 0.04 does not pay for a 40x (headlines) to 200x (leads) slowdown. Revisit if a
faster model ships in a PyPI package.

The interface the Django side and the CLI use:

- ``StoryMatcher.match(article, candidates)`` (``TitleGrouper`` is the old name) is stateless:
  the caller supplies the live stories. ``decide`` gives the richer ``MatchDecision``.
- ``StoryCandidate`` is rebuilt from articles (``add``) or from stored features
  (``add_features``, see ``group_features.features_to_dict``).
- ``StreamGrouper`` holds the live window in memory for a stream in ``published`` order.

>>> from datetime import datetime, UTC
>>> day = datetime(2026, 1, 1, tzinfo=UTC)
>>> g = StreamGrouper()
>>> g.add(Article("a", "Port strike ends after five days", published=day))
'a'
>>> g.add(Article("b", "Port strike ends after five days - NWB", published=day))
'a'
>>> g.last_decision.duplicate_of
'a'
>>> g.add(Article("c", "Volta Queens win the cup final", published=day))
'c'
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from newsdesk import limits
from newsdesk.core.documents import Article
from newsdesk.core.group_features import (
    ArticleFeatures,
    article_features,
    estimated_jaccard,
    features_from_dict,
    features_to_dict,
)

__all__ = [
    "ArticleFeatures",
    "MatchDecision",
    "StoryCandidate",
    "StoryMatcher",
    "StreamGrouper",
    "TitleGrouper",
    "article_features",
    "features_from_dict",
    "features_to_dict",
]

# How many of the most similar live articles vote. NEIGHBOURS, NEIGHBOUR_FLOOR and
# VOTE_THRESHOLD were chosen together on the UCI dev replay (seed 1; grid printed by
# ``bench/cluster.py --tune``: k 3/5/10 x floor 0.05-0.2 x threshold 0.15-0.5) and are
# reported on the test replay (seed 2). k=3 loses 0.02-0.03 B-cubed F1; k=10 with floor 0.15
# scored within 0.005 of k=5, so the smaller jury is kept.
NEIGHBOURS = 5

# A live article votes only if its cosine with the newcomer exceeds this: below it, the
# shared words are incidental.
NEIGHBOUR_FLOOR = 0.1

# The summed similarity a story needs from the voters to win the newcomer (dev F1 about 0.73
# at 0.15, 0.775 at 0.2-0.25, 0.75 at 0.4).
VOTE_THRESHOLD = 0.25

# An article with a body joins the winning story only if the story's centroid (sum of its
# articles' vectors) has at least this cosine with it: with full text, a vote of loosely
# related neighbours can chain stories of one place together (the demo corpus's invented
# country is in every story). Headline-only articles skip it (a centroid of headlines is too
# sparse: it cost 0.05 F1 on UCI dev). No held-out full-text set exists here, so this one was
# chosen looking at the demo corpus and WikiRef220 (0.15 / 0.2 / 0.25: demo 0.805 / 0.886 /
# 0.902, WikiRef220 0.867 / 0.860 / 0.784): read those two figures as dev figures.
CENTROID_FLOOR = 0.2

# Estimated share of common 5-word shingles from which two bodies are one text. Copies (a
# new headline on wire copy, a trimmed or extended re-publication) measure 0.7-1.0;
# independent reports of one event, even close paraphrases, stay under 0.15 (demo corpus,
# tests/core/test_group_duplicates.py). 0.5 leaves margin on both sides.
DUPLICATE_JACCARD = 0.5

# Only live articles at least this similar are checked for duplication: a copy shares its
# lead, so its term cosine is high; this keeps the MinHash comparisons few.
DUPLICATE_PREFILTER = 0.05

# Dates further than this past the wall clock are taken as wrong (a feed in the wrong time
# zone, a typo year) and the article is treated as undated: arriving "now" in the stream.
FUTURE_TOLERANCE = timedelta(days=1)


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
    reason: str = "new"  # "duplicate", "neighbours" or "new"


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

    def add(self, article: Article) -> None:
        self.add_features(article_features(article))

    def forget_before(self, horizon: datetime) -> None:
        """Drop articles published before ``horizon``: a story that stays live for weeks keeps
        only its recent articles, so its state is bounded by the window, not by its age."""
        kept = [m for m in self.members if m.published is None or m.published >= horizon]
        if len(kept) == len(self.members):
            return
        last = self.last_published
        self.members, self.postings, self.centroid, self.centroid_square = [], {}, {}, 0.0
        self.oldest = None
        for features in kept:
            self.add_features(features)
        self.last_published = last

    def add_features(self, features: ArticleFeatures) -> None:
        index = len(self.members)
        self.members.append(features)
        for term, weight in features.terms.items():
            self.postings.setdefault(term, []).append((index, weight))
            old = self.centroid.get(term, 0.0)
            self.centroid[term] = old + weight
            self.centroid_square += (old + weight) ** 2 - old * old
        if features.published and (
            self.last_published is None or features.published > self.last_published
        ):
            self.last_published = features.published
        if features.published and (self.oldest is None or features.published < self.oldest):
            self.oldest = features.published


class StoryMatcher:
    """Nearest-neighbour vote over the live window, with near-duplicate detection."""

    def __init__(
        self,
        neighbours: int = NEIGHBOURS,
        neighbour_floor: float = NEIGHBOUR_FLOOR,
        vote_threshold: float = VOTE_THRESHOLD,
        duplicate_jaccard: float = DUPLICATE_JACCARD,
        centroid_floor: float = CENTROID_FLOOR,
    ):
        self.centroid_floor = centroid_floor
        self.neighbours = neighbours
        self.neighbour_floor = neighbour_floor
        self.vote_threshold = vote_threshold
        self.duplicate_jaccard = duplicate_jaccard

    def match(self, article: Article, candidates: Iterable[StoryCandidate]) -> str | None:
        """Key of the best live story for ``article``, or None to start a new story."""
        return self.decide(article, candidates).key

    def decide(
        self,
        article: Article,
        candidates: Iterable[StoryCandidate],
        features: ArticleFeatures | None = None,
    ) -> MatchDecision:
        """The full decision; pass ``features`` when they are already computed (or stored)."""
        features = features or article_features(article)
        scored = self._similarities(features, candidates)
        duplicate = self._duplicate(features, scored)
        if duplicate is not None:
            return duplicate
        votes: dict[str, float] = defaultdict(float)
        voters = [s for s in scored if s[0] > self.neighbour_floor]
        for similarity, candidate, _ in heapq.nlargest(self.neighbours, voters, key=lambda s: s[0]):
            votes[candidate.key] += similarity
        by_key = {s[1].key: s[1] for s in scored}
        for key, vote in sorted(votes.items(), key=lambda kv: -kv[1]):
            if vote < self.vote_threshold:
                break
            # With a body, the story's centroid is a reliable summary of what it is about and
            # stops a chain of loosely related neighbours; headlines are too short for one.
            floor = self.centroid_floor if features.has_body else 0.0
            if _centroid_cosine(features, by_key[key]) >= floor:
                return MatchDecision(key, score=round(vote, 4), reason="neighbours")
        return MatchDecision(None)

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
        for similarity, candidate, index in scored:
            if similarity < DUPLICATE_PREFILTER:
                continue
            other = candidate.members[index]
            overlap = self._copy_score(features, other)
            if overlap is not None and (best is None or overlap > best[0]):
                best = (overlap, candidate, other)
        if best is None:
            return None
        overlap, candidate, other = best
        return MatchDecision(candidate.key, other.id, round(overlap, 4), "duplicate")

    def _copy_score(self, left: ArticleFeatures, right: ArticleFeatures) -> float | None:
        if left.has_body and right.has_body:
            overlap = estimated_jaccard(left.signature, right.signature)
            return overlap if overlap >= self.duplicate_jaccard else None
        # Headline-only on at least one side: the same headline is the only evidence there is.
        if left.title_key and left.title_key == right.title_key:
            return 1.0
        return None


def _centroid_cosine(features: ArticleFeatures, candidate: StoryCandidate) -> float:
    norm = math.sqrt(candidate.centroid_square) or 1.0
    return sum(w * candidate.centroid.get(t, 0.0) for t, w in features.terms.items()) / norm


# The old name, kept for callers written against the placeholder.
TitleGrouper = StoryMatcher


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

    def add(self, article: Article) -> str:
        """The story key for ``article`` (its own id when it starts a story)."""
        published = self._arrival_time(article.published)
        if published is not None and (self.clock is None or published > self.clock):
            self.clock = published
        self._expire()
        features = article_features(article)
        if features.published != published:
            features = ArticleFeatures(
                features.id, features.terms, features.title_key, features.signature, published
            )
        decision = self.matcher.decide(article, self.live.values(), features)
        key = decision.key
        if key is None:
            # A reused id must not overwrite a live story: the newcomer gets a fresh key.
            key = article.id
            while key in self.live:
                key += "'"
            self.live[key] = StoryCandidate(key)
            decision = MatchDecision(key, reason="new")
        self.live[key].add_features(features)
        self.last_decision = decision
        return key

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
        for key, candidate in list(self.live.items()):
            if candidate.last_published is not None and candidate.last_published < horizon:
                del self.live[key]
            elif candidate.oldest is not None and candidate.oldest < horizon:
                candidate.forget_before(horizon)
