"""A headline and a brief for a story, every sentence traceable to the source sentence it came from.

The default brief needs no model server: the lead sentences of the story's articles, cleaned
and shortened by deletion only (``brief_compress``), chosen lead-first across outlets without
repeating a fact (``brief_select``), fitted to the reader's length. A developing story leads
with its latest state: a report a later one updated is left out and kept in ``Brief.earlier``
for the timeline (``brief_current``). A sentence opening with a reference its reader cannot
follow gets the name from its own article, recorded, or is left out (``brief_refer``). Each
sentence records every source sentence that states it. With an LLM configured (``brief_llm``),
the model writes the brief and a headline, and only what the faithfulness gate supports is
published; anything else falls back to the default brief, and ``Brief.log`` says what happened.

>>> a = ArticleText("a", "Floods close the coast road",
...                 "Floods closed the coast road on Monday. "
...                 "Three villages were cut off.", outlet="NWB")
>>> b = ArticleText("b", "Coast road shut by floods",
...                 "The coast road was closed by floods on Monday. "
...                 "The mayor, Ines Carvalho, asked for army help.", outlet="the Lantern")
>>> brief = brief_story([a, b], max_sentences=2)
>>> [s.text for s in brief.sentences]
['Floods closed the coast road on Monday.', 'Three villages were cut off.']
>>> [(r.id, r.sentence_index) for r in brief.sentences[0].sources]
[('a', 0), ('b', 0)]
>>> brief.only_in["the Lantern"]
['The mayor, Ines Carvalho, asked for army help.']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from newsdesk import limits
from newsdesk.core.brief_current import NEAR_THRESHOLD, superseded
from newsdesk.core.brief_refer import opening_reference, resolved, substitute
from newsdesk.core.brief_select import (
    LEAD_WINDOW,
    PARTICULARS_THRESHOLD,
    SAME_FACT_THRESHOLD,
    Candidate,
    already_told,
    candidates,
    carries_news,
    co_sources,
    comparable_words,
    leans_on_context,
    near,
    same_fact,
    select,
    unattributed_quote,
)
from newsdesk.core.documents import ArticleText
from newsdesk.core.text import content_words, jaccard, overlap, split_sentences

if TYPE_CHECKING:
    from newsdesk.core.llm import LLMConfig

# A sentence sharing less than this with every sentence of every other publisher is a fact
# only that publisher reported.
ONLY_IN_THRESHOLD = 0.3

# Pairs of sentences sharing less than this overlap are never compared: no test on a pair
# (the same fact, an update, "only X reported") can hold below it.
_NEAR = min(NEAR_THRESHOLD, PARTICULARS_THRESHOLD, SAME_FACT_THRESHOLD, ONLY_IN_THRESHOLD)

# Facts listed per outlet under "What only <Outlet> reported".
ONLY_IN_PER_OUTLET = 2

_OUTLET_SUFFIX = re.compile(r"\s+[-–—|:]\s+[^-–—|:]{2,40}$")
_CLICKBAIT_PREFIX = re.compile(
    r"^(?:breaking(?: news)?|watch|live|just in|exclusive|update|updated|video|opinion|analysis"
    r"|revealed|pictured|read more)\s*[:|-]\s*",
    re.IGNORECASE,
)


class BriefMethod(StrEnum):
    """How a brief was made; stored as is in ``Story.brief_method``."""

    LEAD_COMPRESSIVE = "lead-compressive"  # the default: extractive, sentences compressed
    LLM_GATED = "llm-gated"  # written by a model, every sentence checked against the sources


@dataclass(frozen=True)
class SourceRef:
    """One source sentence: the article's id and the sentence's index in its text."""

    id: str
    sentence_index: int


@dataclass(frozen=True)
class Substitution:
    """A name put in place of the words that pointed back to it ("The company" -> "Veltstra
    Data"), and the source sentence that gives the name."""

    reference: str
    name: str
    source: SourceRef


@dataclass
class BriefSentence:
    text: str
    sources: list[SourceRef] = field(default_factory=list)
    # Names put in place of a reference; undone, the text is a deletion of its first source.
    substitutions: list[Substitution] = field(default_factory=list)

    def source_wording(self) -> str:
        """The text with every substitution undone: what ``sources[0]`` says, parts deleted."""
        text = self.text
        for substitution in self.substitutions:
            text = text.replace(substitution.name, substitution.reference, 1)
        return text


@dataclass
class EarlierReport:
    """A source sentence a later report updated: not in the brief, on the story's timeline."""

    text: str
    source: SourceRef
    published: datetime | None
    updated_by: SourceRef


@dataclass
class Brief:
    headline: str
    sentences: list[BriefSentence] = field(default_factory=list)
    # Outlet display name -> sentences that no other publisher reported.
    only_in: dict[str, list[str]] = field(default_factory=dict)
    method: BriefMethod = BriefMethod.LEAD_COMPRESSIVE
    # What was decided and why, in order: the LLM gate's drops and any fallback. Empty for a
    # plain default brief. Plain strings so every store (JSON, a database column) can keep them.
    log: list[str] = field(default_factory=list)
    # What later reports updated, oldest first ("what was reported when").
    earlier: list[EarlierReport] = field(default_factory=list)


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


def representative_headline(
    articles: Sequence[ArticleText], brief: Sequence[str] = (), since: datetime | None = None
) -> str:
    """The source headline that best states the story as briefed, cleaned.

    Each headline scores the share of its content words the brief's sentences say, plus the
    mean share of words it has in common with the story's other headlines (Jaccard); ties go to
    the earliest article, which broke the story. The brief leads with the facts most outlets
    confirm, so its words pick the headline that says what the page below it says: on the demo
    corpus "National Bank Cuts Interest Rate to 3.5 Percent" over an explainer's "Rate Cut:
    What It Means for Your Mortgage" (which shares more words with the other headlines), and
    "Scientists map 14km cold-water coral reef" over "A newly found reef, and an old fight over
    trawling". Without a brief (headline-only stories) only the shared words count.

    ``since``: when the brief leads with an update, only headlines published from then on are
    read: an earlier one tells the state the update replaced ("Dockworkers Walk Out" over a
    brief that leads with their return to work).
    """
    titled = [a for a in articles if a.title.strip()]
    if since is not None:
        titled = [a for a in titled if a.published is not None and a.published >= since] or titled
    if not titled:
        return ""
    cleaned = [clean_headline(a.title, a.outlet) for a in titled]
    signatures = [comparable_words(title) for title in cleaned]
    told = frozenset().union(*(comparable_words(sentence) for sentence in brief))
    lead = comparable_words(brief[0]) if brief else frozenset()

    def share(words: frozenset[str], of: frozenset[str]) -> float:
        return len(words & of) / len(words) if words and of else 0.0

    def score(i: int) -> tuple[float, int]:
        others = [jaccard(signatures[i], s) for j, s in enumerate(signatures) if j != i]
        shared = sum(others) / len(others) if others else 0.0
        # What the brief says, its lead counting as much as the rest: the headline stands over
        # the lead, not over a reaction the brief tells further down.
        said = (share(signatures[i], told) + share(signatures[i], lead)) / 2
        return (said + shared, -i)

    return cleaned[max(range(len(titled)), key=score)]


def brief_story(
    articles: Sequence[ArticleText],
    max_sentences: int = limits.BRIEF_SENTENCES,
    max_words: int | None = None,
    llm: LLMConfig | None = None,
) -> Brief:
    """Headline, brief and "only in" facts for the articles of one story.

    ``max_sentences`` caps the sentence count; ``max_words`` is a hard word budget (without it
    the brief stops nearest ``brief_select.TARGET_WORDS`` words). ``llm`` turns on the LLM
    mode; whatever happens there, a ``Brief`` comes back, never an exception.
    """
    brief = default_brief(articles, max_sentences, max_words)
    if llm is None or not brief.sentences:
        return brief
    from newsdesk.core.brief_llm import llm_brief

    return llm_brief(articles, llm, brief, max_sentences=max_sentences, max_words=max_words)


def default_brief(
    articles: Sequence[ArticleText], max_sentences: int, max_words: int | None = None
) -> Brief:
    """The extractive-compressive brief (no model): current first, self-contained sentences."""
    ordered = sorted(articles, key=lambda a: (a.published is None, a.published or 0, a.id))
    by_publisher: dict[str, list[Candidate]] = {}
    for article in ordered:
        by_publisher.setdefault(article.publisher, []).extend(candidates(article))
    by_publisher = {p: cs for p, cs in by_publisher.items() if cs}
    brief = Brief(headline="")
    if not by_publisher or max_sentences < 1:
        brief.headline = representative_headline(ordered)
        return brief
    every = [c for cs in by_publisher.values() for c in cs]
    close = near(every, _NEAR)
    replaced, first_update = (
        superseded(every, LEAD_WINDOW, close) if len(ordered) > 1 else ({}, None)
    )
    current = frozenset(id(newer) for newer in replaced.values())
    # An article whose lead a later report updated tells an earlier moment: read it last.
    overtaken = {id(c.article) for c in every if c.rank == 0 and id(c) in replaced}
    behind = frozenset(id(c) for c in every if id(c.article) in overtaken)
    by_publisher = {p: [c for c in cs if id(c) not in replaced] for p, cs in by_publisher.items()}
    left_out: set[int] = set()
    first_choice: Candidate | None = None
    # A sentence that cannot be made self-contained is left out and the choice made again
    # without it, so the brief keeps its length; a few rounds settle it.
    for _ in range(limits.BRIEF_SELF_CONTAINED_ROUNDS):
        pool = {p: [c for c in cs if id(c) not in left_out] for p, cs in by_publisher.items()}
        pool = {p: cs for p, cs in pool.items() if cs}
        chosen = select(pool, max_sentences, max_words, current, behind, close) if pool else []
        if len(by_publisher) == 1:  # one outlet's account, in its own order, latest news first
            _reading_order(chosen, ordered, current)
        first_choice = first_choice or (chosen[0] if chosen else None)
        sentences, dropped = _self_contained(chosen)
        if not dropped:
            break
        left_out.update(dropped)
    if not sentences and first_choice is not None:
        # Never an empty brief: the first choice, as its source wrote it.
        ref = SourceRef(first_choice.article.id, first_choice.index)
        sentences = [(first_choice, BriefSentence(first_choice.text, [ref]))]
    kept = [c for c, _ in sentences]
    usable = [c for c in every if id(c) not in replaced]
    for candidate, sentence in sentences:
        for other in co_sources(candidate, usable, close):
            ref = SourceRef(other.article.id, other.index)
            if ref not in sentence.sources:
                sentence.sources.append(ref)
        brief.sentences.append(sentence)
    brief.earlier = _earlier(every, replaced)
    # Headlines from before the first update may tell what it replaced.
    brief.headline = representative_headline(
        ordered, [s.text for s in brief.sentences], since=first_update
    )
    if len(by_publisher) > 1:
        brief.only_in = _only_in(by_publisher, kept, close)
    return brief


def _reading_order(
    chosen: list[Candidate], ordered: Sequence[ArticleText], current: frozenset[int]
) -> None:
    """Sort one outlet's sentences by article and position; an article with an update first."""
    position = {id(a): i for i, a in enumerate(ordered)}
    updating = {id(c.article) for c in chosen if id(c) in current}
    chosen.sort(key=lambda c: (id(c.article) not in updating, position[id(c.article)], c.index))


def _self_contained(
    chosen: list[Candidate],
) -> tuple[list[tuple[Candidate, BriefSentence]], set[int]]:
    """Each chosen sentence as a brief sentence whose opening reference the reader can follow
    (``brief_refer``): kept as it is, given the name from its own article, or left out (its
    ``id()`` in the second value)."""
    kept: list[tuple[Candidate, BriefSentence]] = []
    dropped: set[int] = set()
    for candidate in chosen:
        sentence = BriefSentence(candidate.text, [SourceRef(candidate.article.id, candidate.index)])
        reference = opening_reference(candidate.text)
        if reference is not None:
            previous = kept[-1][0] if kept else None
            follows = (
                previous is not None
                and previous.article is candidate.article
                and previous.rank == candidate.rank - 1
            )
            told = [s.text for _, s in kept]
            if not resolved(reference, told, follows, opens_its_article=candidate.rank == 0):
                before = split_sentences(candidate.article.text[: limits.MAX_ARTICLE_CHARS])
                named = substitute(candidate.text, [s.text for s in before[: candidate.index]])
                if named is None:
                    dropped.add(id(candidate))
                    continue
                text, name, index = named
                sentence.text = text
                sentence.substitutions.append(
                    Substitution(reference.text, name, SourceRef(candidate.article.id, index))
                )
        kept.append((candidate, sentence))
    return kept, dropped


def _earlier(every: list[Candidate], replaced: dict[int, Candidate]) -> list[EarlierReport]:
    """The updated sentences, oldest first, each fact once."""
    reports: list[EarlierReport] = []
    told: list[Candidate] = []
    for older in every:
        newer = replaced.get(id(older))
        if newer is None or any(same_fact(older, c) for c in told):
            continue
        told.append(older)
        reports.append(
            EarlierReport(
                older.text,
                SourceRef(older.article.id, older.index),
                older.article.published,
                SourceRef(newer.article.id, newer.index),
            )
        )
    reports.sort(key=lambda r: (r.published is None, r.published or 0))
    return reports


def _only_in(
    by_publisher: dict[str, list[Candidate]],
    chosen: list[Candidate],
    close: dict[int, set[int]],
) -> dict[str, list[str]]:
    """Per outlet, the news only it reported: no other outlet's sentence states the fact (the
    brief's own test, ``same_fact``, or ``ONLY_IN_THRESHOLD`` of shared words), the brief does
    not tell it, it carries news rather than colour, and it reads alone. ``close``: ``near``
    of the candidates (only those pairs are compared)."""
    only: dict[str, list[str]] = {}
    listed: list[Candidate] = []
    held = {id(c): (p, c) for p, cs in by_publisher.items() for c in cs}
    for publisher, publisher_candidates in by_publisher.items():
        for candidate in publisher_candidates:
            others = [
                held[i][1] for i in close[id(candidate)] if i in held and held[i][0] != publisher
            ]
            # Told in the brief already, no news, or meaningless alone.
            if (
                any(same_fact(candidate, c) for c in chosen)
                or already_told(candidate, chosen)
                or not carries_news(candidate)
                or unattributed_quote(candidate.text)
                or leans_on_context(candidate.text)
                or any(same_fact(candidate, c) for c in listed)
            ):
                continue
            if any(
                overlap(candidate.words, o.words) >= ONLY_IN_THRESHOLD or same_fact(candidate, o)
                for o in others
            ):
                continue
            outlet = candidate.article.outlet or publisher
            facts = only.setdefault(outlet, [])
            if len(facts) < ONLY_IN_PER_OUTLET:
                facts.append(candidate.text)
                listed.append(candidate)
    return only
