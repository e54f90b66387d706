"""Tags for a story: places, organisations, people and topics, named and cased right.

Entities come from :mod:`newsdesk.core.entities` (spaCy's ``en_core_web_sm`` corrected by
the gazetteer of :mod:`newsdesk.core.gazetteer`); topics from the outlets' feed categories,
mapped to one small list, and from the story's own repeated noun phrases
(:mod:`newsdesk.core.tag_topics`). One tag per entity whatever the surface form ("US", "U.S.",
"America" -> ``United States``; "Malian officials" count for ``Mali``); names keep their
capitals ("ECOWAS", "Burkina Faso"), topics are in sentence case ("US policy"), and nothing
is ever title-cased. Tags are ranked by salience: how many outlets name the entity, how often,
and whether in a headline or the lead.

>>> a = ArticleText("a", "Envoy to visit Bamako",
...     "US envoy Nick Checker will visit Mali's capital Bamako. Malian officials welcomed "
...     "the visit. Niger, Burkina Faso and Mali left ECOWAS last year, the BBC reported.",
...     categories=("World",))
>>> [(t.name, t.kind.value) for t in tag_story([a]).tags]  # doctest: +NORMALIZE_WHITESPACE
[('Bamako', 'place'), ('Mali', 'place'), ('United States', 'place'), ('World', 'topic'),
 ('Nick Checker', 'person'), ('Niger', 'place'), ('Burkina Faso', 'place'),
 ('ECOWAS', 'organisation')]
>>> [(s.text, s.label) for s in tag_story([a]).entities["a"]][:4]
[('US', 'LOC'), ('Nick Checker', 'PER'), ('Mali', 'LOC'), ('Bamako', 'LOC')]

Editors' corrections stick: ``aliases`` renames or merges (any name the tagger would show, or
any surface form in the text, mapped to the editor's name; case is ignored) and ``hidden``
names are never shown. The Django side keeps both from the admin and passes them in:

>>> tags = tag_story([a], aliases={"Nick Checker": "Nicholas Checker", "Bamako": "Mali"},
...                  hidden={"World", "BBC"}, max_tags=4).tags
>>> [t.name for t in tags]
['Mali', 'United States', 'Nicholas Checker', 'Niger']
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from newsdesk import limits
from newsdesk.core.documents import ArticleText
from newsdesk.core.entities import Analysis, Mention, analyse, gazetteer
from newsdesk.core.gazetteer import EntryKind
from newsdesk.core.lexicon import SURNAME_PARTICLES
from newsdesk.core.tag_reconcile import CUE_WEIGHT, ORGANISATION_WORDS
from newsdesk.core.tag_topics import keyphrase_topics


class TagKind(StrEnum):
    """What a tag names; stored as is in ``StoryTag.kind``."""

    PLACE = "place"
    ORGANISATION = "organisation"
    PERSON = "person"
    TOPIC = "topic"


# Feed categories -> our topic list. Outlets name sections their own way ("Economy",
# "Business", "Markets"); readers want one tag per topic.
TOPIC_OF_CATEGORY = {
    "business": "Business",
    "economy": "Business",
    "markets": "Business",
    "money": "Business",
    "politics": "Politics",
    "world": "World",
    "international": "World",
    "diplomacy": "Politics",
    "science": "Science",
    "environment": "Environment",
    "climate": "Environment",
    "weather": "Environment",
    "tech": "Technology",
    "technology": "Technology",
    "health": "Health",
    "sport": "Sport",
    "sports": "Sport",
    "football": "Sport",
    "culture": "Culture",
    "arts": "Culture",
    "entertainment": "Culture",
    "music": "Culture",
    "heritage": "Culture",
    "shipping": "Business",
    "transport": "Business",
}

_KIND_OF_LABEL = {"PER": TagKind.PERSON, "ORG": TagKind.ORGANISATION, "LOC": TagKind.PLACE}
# A demonym ("Malian officials") says less about a story than the place's own name.
_DEMONYM_WEIGHT = 0.5
# A tag scoring below this share of the best one is noise in a big story ("mentioned once,
# by one outlet, in paragraph nine").
_MIN_SHARE_OF_BEST = 0.25
# How far into an article (characters) a first mention counts as "in the lead".
_LEAD_CHARS = 600
_SPACES = re.compile(r"\s+")
# Articles read by the model in one batch by tag_stories; well under the analysis cache.
_BATCH_ARTICLES = 64


@dataclass(frozen=True)
class Tag:
    name: str
    kind: TagKind


@dataclass(frozen=True)
class EntitySpan:
    text: str
    start: int
    end: int
    label: str  # PER, ORG, LOC or MISC


@dataclass
class Tagging:
    tags: list[Tag] = field(default_factory=list)
    # Entity spans per article id, offsets into that article's text.
    entities: dict[str, list[EntitySpan]] = field(default_factory=dict)


class _Scored(NamedTuple):
    """A tag before aliases and ranking: its salience, name, kind and surface forms."""

    score: float
    name: str
    kind: TagKind
    surfaces: set[str]


class _Ranked(NamedTuple):
    score: float
    tag: Tag


@dataclass
class _Candidate:
    kinds: Counter = field(default_factory=Counter)  # the model's reading of each mention
    names: Counter = field(default_factory=Counter)  # display forms seen
    canonical: str = ""  # the gazetteer's name, when it knows the entity
    surfaces: set[str] = field(default_factory=set)
    publishers: set[str] = field(default_factory=set)
    titled: set[str] = field(default_factory=set)  # articles naming it in their headline
    mentions: float = 0.0
    lead: float = 0.0

    @property
    def name(self) -> str:
        return self.canonical or _display(self.names)

    @property
    def kind(self) -> TagKind:
        # The gazetteer's kind when it knows the name, else the commonest reading.
        return self.kinds.most_common(1)[0][0]


def topics_of(category: str) -> list[str]:
    """Our topics for an outlet's category; "Science & Environment" gives both."""
    parts = re.split(r"\s*(?:&|\band\b|/|,)\s*", category.strip().lower())
    return [TOPIC_OF_CATEGORY[p] for p in parts if p in TOPIC_OF_CATEGORY]


def find_entities(text: str) -> list[EntitySpan]:
    """Entity spans of ``text``: ``PER``, ``ORG``, ``LOC`` or ``MISC``, offsets into it."""
    return [EntitySpan(m.text, m.start, m.end, m.label) for m in analyse([text])[0].mentions]


def tag_story(
    articles: Sequence[ArticleText],
    max_tags: int = limits.MAX_TAGS_PER_STORY,
    *,
    aliases: Mapping[str, str] | None = None,
    hidden: Collection[str] | None = None,
) -> Tagging:
    """Tags for the story told by ``articles``, most salient first, at most ``max_tags``.

    ``aliases`` maps a tag name or a surface form to the name an editor chose (a rename, or
    a merge when two names map to one); ``hidden`` names are never emitted. Both compare
    without regard to case.
    """
    # An article with no body (a feed item) is tagged from its headline; its spans stay empty.
    analyses = analyse([a.text if a.text.strip() else a.title for a in articles])
    tagging = Tagging()
    candidates: dict[str, _Candidate] = {}
    for article, analysis in zip(articles, analyses, strict=True):
        has_text = bool(article.text.strip())
        tagging.entities[article.id] = [
            EntitySpan(m.text, m.start, m.end, m.label) for m in analysis.mentions if has_text
        ]
        for mention in analysis.mentions:
            _count(candidates, mention, article, analysis, headline=not has_text)
    _merge_short_names(candidates)
    scored = _score_entities(candidates, articles)
    scored += _score_topics(articles, analyses, {c.name for c in candidates.values()})
    # The outlets' own names and any web address are never tags: a feed's sign-off
    # ("Subscribe to the CNN channel") names its outlet in every item of every story.
    never = {*(hidden or ()), *_outlet_names(articles)}
    scored = [entry for entry in scored if not _LINK_LIKE.search(entry.name)]
    tagging.tags = _rank(scored, max_tags, aliases or {}, never)
    return tagging


# A web address or a bare domain ("bit.ly/x", "1NEWS.co.nz", "www.example.test").
_LINK_LIKE = re.compile(
    r"://|\bwww\.|/|\.(?:com|net|org|co|gov|tv|ly|io|info|news|[a-z]{2})\b", re.I
)
_OUTLET_SEPARATORS = re.compile(r"\s+[-|:–—]\s+|,\s*")


def _outlet_names(articles: Sequence[ArticleText]) -> set[str]:
    """The names the story's outlets go by: the whole feed title ("CNN.com - RSS Channel"),
    each part of it ("CNN.com", "RSS Channel"), a part without its domain ("CNN") and the
    publisher family."""
    names: set[str] = set()
    for article in articles:
        for whole in (article.outlet, article.family):
            if not whole:
                continue
            names.add(whole)
            for part in _OUTLET_SEPARATORS.split(whole):
                names.add(part)
                names.add(re.sub(r"\.[a-z.]{2,}$", "", part, flags=re.I))
    return {name.strip() for name in names if name.strip()}


def tag_stories(
    stories: Iterable[Sequence[ArticleText]],
    max_tags: int = limits.MAX_TAGS_PER_STORY,
    *,
    aliases: Mapping[str, str] | None = None,
    hidden: Collection[str] | None = None,
) -> Iterator[Tagging]:
    """:func:`tag_story` for many stories, their articles read by the model in batches (about
    a tenth faster for a batch command of one-article stories)."""
    batch: list[Sequence[ArticleText]] = []
    for story in [*stories, None]:
        if story is not None:
            batch.append(story)
        if batch and (story is None or sum(map(len, batch)) >= _BATCH_ARTICLES):
            analyse([a.text if a.text.strip() else a.title for s in batch for a in s])
            for members in batch:
                yield tag_story(members, max_tags, aliases=aliases, hidden=hidden)
            batch = []


def _count(candidates, mention: Mention, article: ArticleText, analysis: Analysis, headline: bool):
    entry = mention.entry
    if entry is not None and entry.kind == EntryKind.DEMONYM:
        kind, canonical, weight = TagKind.PLACE, entry.place, _DEMONYM_WEIGHT
    elif entry is not None:
        kind, canonical, weight = TagKind(entry.kind), entry.name, 1.0
    elif mention.label in _KIND_OF_LABEL:
        kind, canonical, weight = _KIND_OF_LABEL[mention.label], "", 1.0
    else:
        return  # MISC: events, laws, works are spans, not tags
    surface = _clean(mention.text)
    if not canonical:
        known = gazetteer().lookup(surface)
        if known is not None and known.kind != EntryKind.DEMONYM and not known.weak:
            kind, canonical = TagKind(known.kind), known.name
    if not canonical and not _displayable(surface, analysis.all_caps):
        return  # "NICK CHECKER" from all-caps text: its case cannot be known
    key = _fold(canonical or surface)
    candidate = candidates.setdefault(key, _Candidate())
    if canonical:
        candidate.canonical = canonical
        candidate.kinds = Counter({kind: 1_000_000})
    else:
        candidate.names[surface] += 1
        candidate.kinds[kind] += CUE_WEIGHT if mention.cued else 1
    candidate.surfaces.add(mention.text)
    candidate.publishers.add(article.publisher)
    candidate.mentions += weight
    position = 0 if headline else mention.start
    candidate.lead = max(candidate.lead, weight * max(0.0, 1 - position / _LEAD_CHARS))
    if headline or _in_title(mention.text, canonical, article.title):
        candidate.titled.add(article.id)


def _clean(surface: str) -> str:
    """The name in a span: no leading article, possessive or stray punctuation."""
    name = " ".join(surface.split())
    name = re.sub(r"^(?:the|The|THE)\s+", "", name)
    name = re.sub(r"['’]s?$", "", name)
    return name.strip(" \"“”‘’'(),;:-")


def _fold(name: str) -> str:
    """How names compare: case, full stops and spacing aside ("U.S." is "US")."""
    return _SPACES.sub(" ", name.casefold().replace(".", "")).strip()


def _displayable(name: str, all_caps_text: bool) -> bool:
    if not name or not any(c.isalpha() for c in name):
        return False
    if name.isupper():
        # An acronym ("BBC") is written in capitals; a longer all-caps name is a shout.
        return " " not in name and len(name) <= 6 and not all_caps_text
    return True


def _display(names: Counter) -> str:
    # The most used form; among equals the longest ("Nick Checker" over "Checker").
    return max(names.items(), key=lambda item: (item[1], len(item[0])))[0]


def _in_title(surface: str, canonical: str, title: str) -> bool:
    # The substring test first: most names are not in the headline, and it is far cheaper.
    return any(
        name and name in title and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", title)
        for name in (surface, canonical)
    )


def _merge_short_names(candidates: dict[str, _Candidate]) -> None:
    """A surname ("Checker", "de Vries", "von der Leyen") or a first name is the person a story
    names in full ("Nick Checker", "Helena de Vries"), when one name alone fits. The full name
    may have been read as an organisation (the small model often does so with names it does
    not know; the merged mentions then vote), but a first name only joins a person: "Calder"
    is not "Calder Rovers". Likewise a club or body called by its last word alone ("Rovers",
    "the Union") is the one organisation of the story whose name ends with it."""
    for key in sorted(candidates, key=lambda k: k.count(" ")):
        short = candidates.get(key)
        if short is None:
            continue
        if short.kind == TagKind.ORGANISATION and short.name in ORGANISATION_WORDS:
            ending, opening = (TagKind.ORGANISATION,), ()  # "Rovers": "Calder Rovers"
        elif short.kind == TagKind.PERSON or key.split(" ", 1)[0] in SURNAME_PARTICLES:
            ending, opening = (TagKind.PERSON, TagKind.ORGANISATION), (TagKind.PERSON,)
        else:
            continue
        owners = [
            full
            for full, c in candidates.items()
            if (full.endswith(" " + key) and c.kind in ending)
            or (full.startswith(key + " ") and c.kind in opening)
        ]
        if len(owners) == 1:
            _absorb(candidates[owners[0]], candidates.pop(key))
    # "CSU" is the "Coastal States Union" the same story spells out.
    groups = [key for key, c in candidates.items() if c.kind == TagKind.ORGANISATION and " " in key]
    for key, short in [(k, c) for k, c in candidates.items() if c.kind == TagKind.ORGANISATION]:
        if " " in key or short.canonical or not short.name.isupper():
            continue
        owners = [g for g in groups if _initials(g) == key]
        if len(owners) == 1:
            _absorb(candidates[owners[0]], candidates.pop(key))


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w not in ("of", "the", "and", "for"))


def _absorb(target: _Candidate, other: _Candidate) -> None:
    target.kinds.update(other.kinds)
    target.surfaces |= other.surfaces
    target.publishers |= other.publishers
    target.titled |= other.titled
    target.mentions += other.mentions
    target.lead = max(target.lead, other.lead)


def _score_entities(candidates, articles) -> list[_Scored]:
    publishers = len({a.publisher for a in articles}) or 1
    scored = []
    for candidate in candidates.values():
        score = (
            3 * len(candidate.publishers) / publishers
            + math.log2(1 + candidate.mentions)
            + candidate.lead
            + 2 * len(candidate.titled) / len(articles)
        )
        scored.append(_Scored(score, candidate.name, candidate.kind, candidate.surfaces))
    return scored


def _score_topics(articles, analyses, entity_names) -> list[_Scored]:
    publishers = len({a.publisher for a in articles}) or 1
    by_category: dict[str, set[str]] = {}
    for article in articles:
        for category in article.categories:
            for topic in topics_of(category):
                by_category.setdefault(topic, set()).add(article.publisher)
    # An outlet's own section is a strong signal: it weighs like a name in the lead.
    scored = [
        _Scored(3 * len(outlets) / publishers + 2, topic, TagKind.TOPIC, set())
        for topic, outlets in by_category.items()
    ]
    for name, phrase, rank in keyphrase_topics(articles, analyses, entity_names):
        # Shared by outlets and sentences, as entities are; YAKE's rank breaks ties; a single
        # word ("strike") says less than a phrase ("night-shift pay").
        score = (
            3 * len(phrase.publishers) / publishers
            + math.log2(1 + len(phrase.sentences))
            + 1 / (1 + rank / 10)
            - (1 if len(phrase.words) == 1 else 0)
        )
        scored.append(_Scored(score, name, TagKind.TOPIC, set()))
    return scored


def _rank(scored, max_tags: int, aliases: Mapping[str, str], hidden: Collection[str]):
    renames = {_fold(k): v for k, v in aliases.items()}
    never = {_fold(h) for h in hidden}
    best: dict[str, _Ranked] = {}
    for score, name, kind, surfaces in scored:
        renamed = renames.get(_fold(name)) or next(
            (renames[_fold(s)] for s in surfaces if _fold(s) in renames), name
        )
        if _fold(name) in never or _fold(renamed) in never:
            continue
        key = _fold(renamed)
        if key in best:
            # A merge: as salient as its strongest part, plus a little, and of that part's kind.
            previous = best[key]
            strongest = previous.tag if previous.score >= score else Tag(renamed, kind)
            best[key] = _Ranked(max(previous.score, score) + 0.5, strongest)
        else:
            best[key] = _Ranked(score, Tag(renamed, kind))
    ranked = sorted(best.values(), key=lambda item: -item.score)
    if not ranked:
        return []
    floor = ranked[0].score * _MIN_SHARE_OF_BEST
    return [tag for score, tag in ranked if score >= floor][:max_tags]
