"""A story's tag evidence as running totals: each article's part, summed once.

Tagging reads each article once (:func:`newsdesk.core.tag.article_evidence`: its names with
their kinds, forms, counts and positions; its noun phrases; its outlet and sections) and keeps
the result, JSON-able, with the article. A story's evidence is the sum of its articles' parts
(:class:`StoryEvidence`), updated by adding the part of each article that joins; the ranking
(:func:`newsdesk.core.tag.tag_from_evidence`) reads only the sums. Adding the parts in any
order gives the same sums: each part comes with an ``order`` key (its article's place in the
story, e.g. ``(published timestamp, id)``) and whatever depends on which article came first
(ties between names, the text YAKE reads) follows the keys, not the order of addition.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from newsdesk.core.tag_names import Candidate, TagKind
from newsdesk.core.tag_salience import Evidence
from newsdesk.core.tag_topics import (
    PhraseTotal,
    add_keyphrase_text,
    add_phrases,
    phrases_in_order,
    story_keyphrase_text,
)

# The format of an article's part: a part of another version is computed again from the text.
EVIDENCE_VERSION = 1


@dataclass
class NameTotal:
    """One name's evidence summed over a story's articles (the inputs of a ``Candidate``)."""

    first: tuple  # (article order..., offset of its first mention): ties go to the earliest
    canonical: str = ""
    kinds: Counter = field(default_factory=Counter)
    cued: set[str] = field(default_factory=set)
    names: Counter = field(default_factory=Counter)
    users: dict[str, set[str]] = field(default_factory=dict)
    surfaces: set[str] = field(default_factory=set)
    mentions: float = 0.0
    publishers: set[str] = field(default_factory=set)
    titled: set[str] = field(default_factory=set)
    leads: set[str] = field(default_factory=set)
    # The order key of the article whose known name last set ``kinds`` (see ``add``).
    canonical_at: tuple | None = None
    # ``to_json``'s form of this total while unchanged: a refresh re-encodes only what the
    # articles it adds touched.
    encoded: dict | None = field(default=None, repr=False, compare=False)

    def candidate(self) -> Candidate:
        """A fresh ``Candidate`` (folding names changes candidates, never the totals)."""
        return Candidate(
            kinds=Counter({TagKind(kind): weight for kind, weight in self.kinds.items()}),
            cued={TagKind(kind) for kind in self.cued},
            names=Counter(self.names),
            users={name: set(users) for name, users in self.users.items()},
            canonical=self.canonical,
            surfaces=set(self.surfaces),
            evidence=Evidence(
                mentions=self.mentions,
                publishers=set(self.publishers),
                titled=set(self.titled),
                leads=set(self.leads),
            ),
            first=self.first,
        )


@dataclass
class StoryEvidence:
    """The sums of a story's articles' tag evidence; ``to_json``/``from_json`` to store it."""

    articles: int = 0
    publishers: set[str] = field(default_factory=set)
    outlets: set[str] = field(default_factory=set)  # outlet and family names, never tags
    substantial: bool = False  # some article is long enough to want a topic
    categories: dict[str, tuple] = field(default_factory=dict)  # topic -> (first, publishers)
    names: dict[str, NameTotal] = field(default_factory=dict)
    phrases: dict[str, PhraseTotal] = field(default_factory=dict)
    texts: list = field(default_factory=list)  # the earliest (order, text) YAKE reads

    def add(self, part: dict, order: tuple) -> None:
        """Add one article's part (``article_evidence``) with its ``order`` key, in place."""
        order = tuple(order)
        publisher = part["publisher"]
        self.articles += 1
        self.publishers.add(publisher)
        self.outlets.update(name for name in part["outlets"] if name)
        self.substantial = self.substantial or part["substantial"]
        for position, topic in enumerate(part["topics"]):
            first, users = self.categories.get(topic, ((*order, position), set()))
            self.categories[topic] = (min(first, (*order, position)), users | {publisher})
        for key, own in part["names"].items():
            self._add_name(key, own, order, publisher, part["id"])
        add_phrases(self.phrases, part["phrases"], order, publisher)
        self.texts = add_keyphrase_text(self.texts, part["keyphrase_text"], order)

    def _add_name(self, key: str, own: dict, order: tuple, publisher: str, article: str) -> None:
        first = (*order, own["first"])
        total = self.names.get(key)
        if total is None:
            total = self.names[key] = NameTotal(first)
        total.first = min(total.first, first)
        total.encoded = None
        kinds = Counter(dict(own["kinds"]))
        if own["canonical"]:
            # A known name's kind outweighs every reading of the model (set, not added): the
            # latest article that knew the name decides, with the readings after it.
            if total.canonical_at is None or total.canonical_at <= order:
                total.canonical, total.canonical_at, total.kinds = own["canonical"], order, kinds
        elif total.canonical_at is None or total.canonical_at < order:
            total.kinds.update(kinds)
        total.cued.update(own["cued"])
        total.names.update(dict(own["names"]))
        for name in own["users"]:
            total.users.setdefault(name, set()).add(publisher)
        total.surfaces.update(own["surfaces"])
        total.mentions += own["mentions"]
        total.publishers.add(publisher)
        if own["titled"]:
            total.titled.add(article)
        if own["lead"]:
            total.leads.add(article)

    def candidates(self, limit: int | None = None) -> dict[str, Candidate]:
        """The story's names as fresh candidates, in the order the story first names them;
        with ``limit``, only that many of the most mentioned (ties: the first named)."""
        names = list(self.names.items())
        if limit is not None and len(names) > limit:
            names = sorted(names, key=lambda item: (-item[1].mentions, item[1].first))[:limit]
        ordered = sorted(names, key=lambda item: item[1].first)
        return {key: total.candidate() for key, total in ordered}

    def topics_by_category(self) -> dict[str, set[str]]:
        ordered = sorted(self.categories.items(), key=lambda item: item[1][0])
        return {topic: set(users) for topic, (_, users) in ordered}

    def phrases_in_order(self):
        return phrases_in_order(self.phrases)

    def keyphrase_text(self) -> str:
        return story_keyphrase_text(self.texts)

    def to_json(self) -> dict:
        return {
            "version": EVIDENCE_VERSION,
            "articles": self.articles,
            "publishers": sorted(self.publishers),
            "outlets": sorted(self.outlets),
            "substantial": self.substantial,
            "categories": [[t, list(f), sorted(u)] for t, (f, u) in self.categories.items()],
            "names": [_encoded(key, total, _name_json) for key, total in self.names.items()],
            "phrases": [_encoded(key, total, _phrase_json) for key, total in self.phrases.items()],
            "texts": [[list(order), text] for order, text in self.texts],
        }

    @classmethod
    def from_json(cls, data: dict) -> StoryEvidence | None:
        """The totals stored by ``to_json``; None for another version (sum them again)."""
        if not data or data.get("version") != EVIDENCE_VERSION:
            return None
        evidence = cls(
            articles=data["articles"],
            publishers=set(data["publishers"]),
            outlets=set(data["outlets"]),
            substantial=data["substantial"],
            categories={t: (tuple(f), set(u)) for t, f, u in data["categories"]},
            texts=[(tuple(order), text) for order, text in data["texts"]],
        )
        for item in data["names"]:
            evidence.names[item["key"]] = NameTotal(
                encoded=item,
                first=tuple(item["first"]),
                canonical=item["canonical"],
                kinds=Counter(dict(item["kinds"])),
                cued=set(item["cued"]),
                names=Counter(dict(item["names"])),
                users={name: set(users) for name, users in item["users"]},
                surfaces=set(item["surfaces"]),
                mentions=item["mentions"],
                publishers=set(item["publishers"]),
                titled=set(item["titled"]),
                leads=set(item["leads"]),
                canonical_at=tuple(item["canonical_at"]) if item["canonical_at"] else None,
            )
        for item in data["phrases"]:
            evidence.phrases[item["key"]] = PhraseTotal(
                encoded=item,
                words=item["words"],
                first=tuple(item["first"]),
                sentences=item["sentences"],
                publishers=set(item["publishers"]),
                capitalised=item["capitalised"],
                cased=[(tuple(c[0]), c[1]) if c else None for c in item["cased"]],
            )
        return evidence


def sum_evidence(parts) -> StoryEvidence:
    """The totals of ``(part, order)`` pairs."""
    evidence = StoryEvidence()
    for part, order in parts:
        evidence.add(part, order)
    return evidence


def _encoded(key: str, total, encode) -> dict:
    """``encode(key, total)``, kept on ``total`` until it changes."""
    if total.encoded is None:
        total.encoded = encode(key, total)
    return total.encoded


def _name_json(key: str, total: NameTotal) -> dict:
    # Counters as lists of pairs: their order breaks ties, and a JSON object's key order is
    # not kept by every database (PostgreSQL's jsonb sorts keys).
    return {
        "key": key,
        "first": list(total.first),
        "canonical": total.canonical,
        "canonical_at": list(total.canonical_at) if total.canonical_at else None,
        "kinds": list(total.kinds.items()),
        "cued": sorted(total.cued),
        "names": list(total.names.items()),
        "users": [[name, sorted(users)] for name, users in total.users.items()],
        "surfaces": sorted(total.surfaces),
        "mentions": total.mentions,
        "publishers": sorted(total.publishers),
        "titled": sorted(total.titled),
        "leads": sorted(total.leads),
    }


def _phrase_json(key: str, total: PhraseTotal) -> dict:
    return {
        "key": key,
        "words": total.words,
        "first": list(total.first),
        "sentences": total.sentences,
        "publishers": sorted(total.publishers),
        "capitalised": total.capitalised,
        "cased": [[list(c[0]), c[1]] if c else None for c in total.cased],
    }
