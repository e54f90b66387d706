"""A headline and a brief for a story, every sentence traceable to the source sentence it came from.

PLACEHOLDER (issue 2): a lead-based multi-source extract. Sentences are taken in lead order,
round-robin across the story's publishers (earliest article first), skipping a sentence that
repeats one already chosen. Each chosen sentence is copied verbatim from a source and records
every source sentence that says the same thing. The briefs issue (#4) replaces the selection
with a method measured against Lead-3; the ``Brief`` shape and the provenance stay.

>>> a = Article("a", "Floods close the coast road", "Floods closed the coast road on Monday. "
...             "Three villages were cut off.", outlet="NWB")
>>> b = Article("b", "Coast road shut by floods", "The coast road was closed by floods on Monday. "
...             "The mayor asked for army help.", outlet="the Lantern")
>>> brief = brief_story([a, b], max_sentences=2)
>>> [s.text for s in brief.sentences]
['Floods closed the coast road on Monday.', 'Three villages were cut off.']
>>> brief.only_in["the Lantern"]
['The mayor asked for army help.']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from newsdesk import limits
from newsdesk.core.documents import Article
from newsdesk.core.text import content_words, jaccard, overlap, split_sentences

# Two sentences state the same fact when this share of the shorter one's content words is in
# the other (overlap coefficient; hand-set on the demo corpus for the placeholder: restated
# leads score 0.55-0.8, different facts of one story 0.2-0.4; the briefs issue measures it).
SAME_FACT_THRESHOLD = 0.5

# A sentence sharing less than this with every sentence of every other publisher is a fact
# only that publisher reported.
ONLY_IN_THRESHOLD = 0.3

# Facts listed per outlet under "What only <Outlet> reported".
ONLY_IN_PER_OUTLET = 2

# Sentences shorter than this many words are bylines, datelines or captions, not facts.
MIN_SENTENCE_WORDS = 5

# A wire dateline opening a sentence: "TARNBRIDGE (NPA) - ". Deleting it adds no words.
_DATELINE = re.compile(r"^[A-Z][A-Z .'’-]{2,40}(?:\s*\([A-Za-z .]{2,20}\))?\s*[-–—]\s+(?=[A-Z])")
_OUTLET_SUFFIX = re.compile(r"\s+[-–—|:]\s+[^-–—|:]{2,40}$")
_CLICKBAIT_PREFIX = re.compile(
    r"^(?:breaking|watch|live|just in|exclusive|update|updated|video|opinion|analysis)\s*[:|-]\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SourceRef:
    """One source sentence: the article's id and the sentence's index in its text."""

    id: str
    sentence_index: int


@dataclass
class BriefSentence:
    text: str
    sources: list[SourceRef] = field(default_factory=list)


@dataclass
class Brief:
    headline: str
    sentences: list[BriefSentence] = field(default_factory=list)
    # Outlet display name -> sentences (verbatim) that no other publisher reported.
    only_in: dict[str, list[str]] = field(default_factory=dict)
    method: str = "lead-multisource"


@dataclass
class _Candidate:
    article: Article
    index: int
    text: str
    words: frozenset[str]


def clean_headline(title: str, outlet: str = "") -> str:
    """Strip an outlet suffix (" - BBC News", " | NWB") and a clickbait prefix ("WATCH: ")."""
    cleaned = " ".join(title.split())
    cleaned = _CLICKBAIT_PREFIX.sub("", cleaned)
    suffix = _OUTLET_SUFFIX.search(cleaned)
    if suffix and (not outlet or _looks_like_outlet(suffix.group(0), outlet)):
        cleaned = cleaned[: suffix.start()]
    return cleaned.strip()


def _looks_like_outlet(suffix: str, outlet: str) -> bool:
    suffix_words = set(content_words(suffix))
    return bool(suffix_words & set(content_words(outlet))) or len(suffix_words) <= 3


def representative_headline(articles: Sequence[Article]) -> str:
    """The headline that shares most words with the story's other headlines, cleaned."""
    titled = [a for a in articles if a.title.strip()]
    if not titled:
        return ""
    signatures = [frozenset(content_words(clean_headline(a.title, a.outlet))) for a in titled]

    def centrality(i: int) -> tuple[float, int]:
        others = [jaccard(signatures[i], s) for j, s in enumerate(signatures) if j != i]
        # Ties go to the earliest article (it broke the story).
        return (sum(others) / len(others) if others else 0.0, -i)

    best = max(range(len(titled)), key=centrality)
    return clean_headline(titled[best].title, titled[best].outlet)


def brief_story(
    articles: Sequence[Article],
    max_sentences: int = limits.BRIEF_SENTENCES,
    max_words: int | None = None,
) -> Brief:
    """Headline, brief and "only in" facts for the articles of one story."""
    ordered = sorted(articles, key=lambda a: (a.published is None, a.published or 0, a.id))
    by_publisher: dict[str, list[_Candidate]] = {}
    for article in ordered:
        by_publisher.setdefault(article.publisher, []).extend(_candidates(article))
    brief = Brief(headline=representative_headline(ordered))
    if not by_publisher:
        return brief

    chosen: list[_Candidate] = []
    queues = [list(c) for c in by_publisher.values()]
    word_count = 0
    while any(queues) and len(brief.sentences) < max_sentences:
        for queue in queues:
            if not queue or len(brief.sentences) >= max_sentences:
                continue
            candidate = queue.pop(0)
            if any(_same_fact(candidate, c) for c in chosen):
                continue
            length = len(candidate.text.split())
            if max_words is not None and brief.sentences and word_count + length > max_words:
                queues = [[]]
                break
            chosen.append(candidate)
            word_count += length
            brief.sentences.append(
                BriefSentence(
                    candidate.text,
                    [SourceRef(candidate.article.id, candidate.index)]
                    + [
                        SourceRef(other.article.id, other.index)
                        for publisher_candidates in by_publisher.values()
                        for other in publisher_candidates
                        if other.article.id != candidate.article.id and _same_fact(candidate, other)
                    ],
                )
            )
    if len(by_publisher) > 1:
        brief.only_in = _only_in(by_publisher, {c.text for c in chosen})
    return brief


def _candidates(article: Article) -> list[_Candidate]:
    sentences = split_sentences(article.text[: limits.MAX_ARTICLE_CHARS])
    return [
        _Candidate(article, index, _DATELINE.sub("", s.text), frozenset(content_words(s.text)))
        for index, s in enumerate(sentences[: limits.BRIEF_MAX_SENTENCES_PER_ARTICLE])
        if len(s.text.split()) >= MIN_SENTENCE_WORDS
    ]


def _same_fact(left: _Candidate, right: _Candidate) -> bool:
    return overlap(left.words, right.words) >= SAME_FACT_THRESHOLD


def _only_in(by_publisher: dict[str, list[_Candidate]], in_brief: set[str]) -> dict[str, list[str]]:
    only: dict[str, list[str]] = {}
    for publisher, candidates in by_publisher.items():
        others = [c for p, cs in by_publisher.items() if p != publisher for c in cs]
        for candidate in candidates:
            if candidate.text in in_brief:
                continue
            if all(overlap(candidate.words, o.words) < ONLY_IN_THRESHOLD for o in others):
                outlet = candidate.article.outlet or publisher
                facts = only.setdefault(outlet, [])
                if len(facts) < ONLY_IN_PER_OUTLET and candidate.text not in facts:
                    facts.append(candidate.text)
    return only
