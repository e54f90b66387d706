"""Tags for a story: places, organisations, people and topics, named and cased right.

Entities come from :mod:`newsdesk.core.entities` (spaCy's ``en_core_web_sm`` corrected by
the gazetteer of :mod:`newsdesk.core.gazetteer`); topics from the outlets' feed categories,
mapped to one small list, and from the story's own repeated noun phrases
(:mod:`newsdesk.core.tag_topics`). One tag per entity whatever the surface form ("US", "U.S.",
"America" -> ``United States``; "Malian officials" count for ``Mali``); names keep their
capitals ("ECOWAS", "Burkina Faso"), topics are in sentence case ("US policy"), and nothing
is ever title-cased. Tags are ranked by salience (:mod:`newsdesk.core.tag_salience`): how often
and by how many outlets a name is used, not merely as who is quoted, and whether in a headline,
the opening or the brief; one name per thing (:mod:`newsdesk.core.tag_names`). Each tag says
what its kind rests on (its ``cue``) and which other names the story used for it (``forms``).

>>> a = ArticleText("a", "Envoy to visit Bamako",
...     "US envoy Nick Checker will visit Mali's capital Bamako. Malian officials welcomed "
...     "the visit. Niger, Burkina Faso and Mali left ECOWAS last year, the BBC reported.",
...     categories=("World",))
>>> [(t.name, t.kind.value) for t in tag_story([a]).tags]  # doctest: +NORMALIZE_WHITESPACE
[('Mali', 'place'), ('Bamako', 'place'), ('World', 'topic'), ('United States', 'place'),
 ('Nick Checker', 'person'), ('Niger', 'place'), ('Burkina Faso', 'place'),
 ('ECOWAS', 'organisation'), ('BBC', 'organisation')]
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
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from newsdesk import limits
from newsdesk.core.documents import ArticleText
from newsdesk.core.entities import Analysis, Mention, analyse, gazetteer
from newsdesk.core.gazetteer import EntryKind
from newsdesk.core.tag_evidence import EVIDENCE_VERSION, StoryEvidence, sum_evidence
from newsdesk.core.tag_names import Candidate, Cue, TagKind, fold_names
from newsdesk.core.tag_reconcile import CUE_WEIGHT
from newsdesk.core.tag_salience import (
    LEAD_CHARS,
    MIN_SHARE_OF_BEST,
    QUOTE_SOURCE_WEIGHT,
    quote_source,
    salience,
    speakers_body,
)
from newsdesk.core.tag_topics import article_phrases, keyphrase_text, topics_of_phrases

__all__ = [
    "Cue",
    "EntitySpan",
    "StoryEvidence",
    "Tag",
    "TagKind",
    "Tagging",
    "article_evidence",
    "find_entities",
    "tag_from_evidence",
    "tag_story",
]

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
_SPACES = re.compile(r"\s+")
# Articles read by the model in one batch by tag_stories; well under the analysis cache.
_BATCH_ARTICLES = 64


@dataclass(frozen=True)
class Tag:
    name: str
    kind: TagKind
    # What the kind rests on (a Cue); and every other name the story used for the thing
    # ("Veltstra", "Ms Quill"). Neither takes part in comparing tags.
    cue: str = field(default="", compare=False)
    forms: tuple[str, ...] = field(default=(), compare=False)


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
    """A tag before aliases and ranking: its salience, name, kind, cue and surface forms."""

    score: float
    name: str
    kind: TagKind
    cue: str
    surfaces: set[str]


class _Ranked(NamedTuple):
    score: float
    tag: Tag


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
    brief: Sequence[str] = (),
) -> Tagging:
    """Tags for the story told by ``articles``, most salient first: at most ``max_tags``
    places, organisations and people, and besides them at most ``MAX_TOPICS_PER_STORY`` topics.

    ``aliases`` maps a tag name or a surface form to the name an editor chose (a rename, or
    a merge when two names map to one); ``hidden`` names are never emitted. Both compare
    without regard to case. ``brief``: the sentences of the story's brief, whose names count
    as central to it.

    The same as :func:`tag_from_evidence` on the sum of the articles' :func:`article_evidence`,
    which is how a story kept in a database is tagged without reading its articles again.
    """
    # An article with no body (a feed item) is tagged from its headline; its spans stay empty.
    analyses = analyse([a.text if a.text.strip() else a.title for a in articles])
    parts = [article_evidence(a, analysis) for a, analysis in zip(articles, analyses, strict=True)]
    tagging = Tagging()
    for article, part in zip(articles, parts, strict=True):
        tagging.entities[article.id] = [EntitySpan(*span) for span in part["spans"]]
    evidence = sum_evidence((part, (number,)) for number, part in enumerate(parts))
    tagging.tags = tag_from_evidence(
        evidence, max_tags, aliases=aliases, hidden=hidden, brief=brief
    )
    return tagging


def article_evidence(article: ArticleText, analysis: Analysis | None = None) -> dict:
    """What one article contributes to its story's tags, JSON-able: each name it uses (kind
    readings, forms, weighted mentions, whether in its headline or opening), its noun phrases,
    the text YAKE may read, its outlet's names and its sections' topics; and its entity spans.
    Computed once per article (``analysis``: its analysis, when already made)."""
    has_text = bool(article.text.strip())
    if analysis is None:
        analysis = analyse([article.text if has_text else article.title])[0]
    names: dict[str, dict] = {}
    for mention in analysis.mentions:
        _count(names, mention, article, analysis, headline=not has_text)
    for own in names.values():
        # Lists of pairs: their order breaks ties, and not every database keeps a JSON
        # object's key order.
        own["kinds"], own["names"] = list(own["kinds"].items()), list(own["names"].items())
    topics = [t for category in article.categories for t in topics_of(category)]
    return {
        "version": EVIDENCE_VERSION,
        "id": article.id,
        "publisher": article.publisher,
        "outlets": [article.outlet, article.family],
        "substantial": len(article.text.split()) > limits.TOPIC_FOR_STORIES_OVER_WORDS,
        "topics": list(dict.fromkeys(topics)),
        "names": names,
        "phrases": article_phrases(article, analysis),
        "keyphrase_text": keyphrase_text(article, analysis),
        "spans": [[m.text, m.start, m.end, m.label] for m in analysis.mentions if has_text],
    }


def tag_from_evidence(
    evidence: StoryEvidence,
    max_tags: int = limits.MAX_TAGS_PER_STORY,
    *,
    aliases: Mapping[str, str] | None = None,
    hidden: Collection[str] | None = None,
    brief: Sequence[str] = (),
) -> list[Tag]:
    """A story's tags from the sums of its articles' evidence (see :func:`tag_story`)."""
    candidates = evidence.candidates(limits.MAX_TAG_CANDIDATES)
    fold_names(candidates)
    _mark_brief(candidates, brief)
    scored = _score_entities(candidates, evidence)
    uses: dict[str, int] = {}
    topics = _score_topics(evidence, {c.name for c in candidates.values()}, uses)
    for candidate in candidates.values():
        uses.update((name, count) for name, count in candidate.names.items() if name not in uses)
    scored, topics = _fold_topics_into_names(scored, topics, uses)
    # The outlets' own names and any web address are never tags: a feed's sign-off
    # ("Subscribe to the CNN channel") names its outlet in every item of every story.
    never = {*(hidden or ()), *_outlet_names(evidence.outlets)}
    scored = [entry for entry in scored if not _LINK_LIKE.search(entry.name)]
    return _rank(scored, topics, max_tags, aliases or {}, never, evidence.substantial)


# A web address or a bare domain ("bit.ly/x", "1NEWS.co.nz", "www.example.test").
_LINK_LIKE = re.compile(
    r"://|\bwww\.|/|\.(?:com|net|org|co|gov|tv|ly|io|info|news|[a-z]{2})\b", re.I
)
_OUTLET_SEPARATORS = re.compile(r"\s+[-|:–—]\s+|,\s*")


def _outlet_names(outlets: Iterable[str]) -> set[str]:
    """The names the story's outlets go by (``outlets``: their names and publisher families):
    the whole feed title ("CNN.com - RSS Channel"), each part of it ("CNN.com", "RSS
    Channel") and a part without its domain ("CNN")."""
    names: set[str] = set()
    for whole in outlets:
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


def _count(
    names: dict[str, dict],
    mention: Mention,
    article: ArticleText,
    analysis: Analysis,
    headline: bool,
) -> None:
    """Add one mention to its article's part of the evidence (``article_evidence``)."""
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
    own = names.get(key)
    if own is None:
        own = names[key] = {
            "first": mention.start,
            "canonical": "",
            "kinds": {},
            "cued": [],
            "names": {},
            "users": [],
            "surfaces": [],
            "mentions": 0.0,
            "titled": False,
            "lead": False,
        }
    if canonical:
        own["canonical"] = canonical
        own["kinds"] = {kind.value: 1_000_000}
    else:
        own["names"][surface] = own["names"].get(surface, 0) + 1
        if surface not in own["users"]:
            own["users"].append(surface)
        own["kinds"][kind.value] = own["kinds"].get(kind.value, 0) + (
            CUE_WEIGHT if mention.cued else 1
        )
        if mention.cued and kind.value not in own["cued"]:
            own["cued"].append(kind.value)
    if mention.text not in own["surfaces"]:
        own["surfaces"].append(mention.text)
    text = article.text if not headline else article.title
    if not headline and (
        (kind == TagKind.PERSON and quote_source(text, mention.start, mention.end))
        or (kind == TagKind.ORGANISATION and speakers_body(text, mention.start))
    ):
        weight *= QUOTE_SOURCE_WEIGHT
    elif (
        headline
        or mention.start < LEAD_CHARS
        or _retells_headline(text, mention.start, article.title)
    ):
        own["lead"] = True
    own["mentions"] += weight
    if headline or _in_title(mention.text, canonical, article.title):
        own["titled"] = True


# Words that carry a headline's content ("Pilot", "strike"), not its grammar.
_CONTENT_WORD = re.compile(r"[A-Za-z][a-z]{3,}")


def _retells_headline(text: str, start: int, title: str) -> bool:
    """Whether the sentence round ``start`` shares two content words with the headline: a
    sentence that retells the headline is one of the story's main sentences, wherever it is."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    ends = [i for i in (text.find(". ", start), text.find("\n", start)) if i >= 0]
    sentence = text[left + 1 : min(ends, default=len(text))]
    words = {w.lower() for w in _CONTENT_WORD.findall(sentence)}
    return len(words & {w.lower() for w in _CONTENT_WORD.findall(title)}) >= 2


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


def _in_title(surface: str, canonical: str, title: str) -> bool:
    # The substring test first: most names are not in the headline, and it is far cheaper.
    return any(
        name and name in title and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", title)
        for name in (surface, canonical)
    )


def _mark_brief(candidates: dict[str, Candidate], brief: Sequence[str]) -> None:
    text = " ".join(brief)
    if not text:
        return
    for candidate in candidates.values():
        names = {candidate.name, *(_clean(s) for s in candidate.surfaces)}
        candidate.evidence.in_brief = any(_in_title(name, "", text) for name in names if name)


def _score_entities(candidates: dict[str, Candidate], evidence: StoryEvidence) -> list[_Scored]:
    publishers = len(evidence.publishers) or 1
    scored = []
    # Ties go to the name that appears first.
    for candidate in sorted(candidates.values(), key=lambda c: c.first):
        score = salience(candidate.evidence, evidence.articles, publishers)
        forms = {_clean(s) for s in candidate.surfaces} | set(candidate.names)
        scored.append(_Scored(score, candidate.name, candidate.kind, candidate.cue, forms))
    return scored


def _score_topics(
    evidence: StoryEvidence, entity_names: set[str], uses: dict[str, int]
) -> list[_Scored]:
    """Topic tags from feed categories and keyphrases; ``uses`` gets each keyphrase's number
    of sentences."""
    publishers = len(evidence.publishers) or 1
    by_category = evidence.topics_by_category()
    # On the scale of names (see tag_salience): an outlet's own section weighs like a name
    # all the story's outlets use twice, below the names a story keeps returning to.
    scored = [
        _Scored(1.0 + 0.5 * len(outlets) / publishers, topic, TagKind.TOPIC, Cue.CATEGORY, set())
        for topic, outlets in by_category.items()
    ]
    phrases, text = evidence.phrases_in_order(), evidence.keyphrase_text()
    keyphrases = topics_of_phrases(phrases, text, entity_names)
    if not keyphrases and not scored and evidence.substantial:
        # A long story with no section and no shared phrase: a word it keeps using.
        keyphrases = topics_of_phrases(phrases, text, entity_names, 1, single_words=True)
    for name, phrase, rank in keyphrases:
        # Shared by outlets and sentences, as names are; YAKE's rank breaks ties; a single
        # word ("strike") says less than a phrase ("night-shift pay").
        coverage = len(phrase.publishers) / publishers
        score = (
            math.log2(1 + phrase.sentences) * (0.5 + 0.5 * coverage)
            + 0.5 / (1 + rank / 10)
            - (0.5 if len(phrase.words) == 1 else 0)
        )
        scored.append(_Scored(score, name, TagKind.TOPIC, Cue.KEYPHRASE, set()))
        uses[name] = phrase.sentences
    return scored


def _fold_topics_into_names(
    entities: list[_Scored], topics: list[_Scored], uses: dict[str, int]
) -> tuple[list[_Scored], list[_Scored]]:
    """A keyphrase that is a name and a common noun ("Winter Lights festival", "Vell county")
    is that name: one tag, named by the form the story uses more ("Winter Lights" when it
    mostly drops "festival"). It keeps the name's kind, unless the name is a "person" only by
    the model's guess: a festival or a county is no person, so the phrase stays a topic."""
    kept_topics = []
    entities = list(entities)
    for topic in topics:
        index = next(
            (
                i
                for i, entity in enumerate(entities)
                if topic.cue == Cue.KEYPHRASE
                and topic.name.startswith(entity.name + " ")
                and topic.name[len(entity.name) :].islower()
            ),
            None,
        )
        if index is None:
            kept_topics.append(topic)
            continue
        entity = entities.pop(index)
        alone = uses.get(entity.name, 0) - uses.get(topic.name, 0)
        name = topic.name if uses.get(topic.name, 0) >= alone else entity.name
        score = max(entity.score, topic.score)
        surfaces = entity.surfaces | {entity.name, topic.name}
        if entity.kind == TagKind.PERSON and entity.cue == Cue.MODEL:
            kept_topics.append(_Scored(score, name, TagKind.TOPIC, topic.cue, surfaces))
        else:
            entities.insert(index, _Scored(score, name, entity.kind, entity.cue, surfaces))
    return entities, kept_topics


def _rank(
    entities: list[_Scored],
    topics: list[_Scored],
    max_tags: int,
    aliases: Mapping[str, str],
    hidden: Collection[str],
    substantial: bool,
) -> list[Tag]:
    renames = {_fold(k): v for k, v in aliases.items()}
    never = {_fold(h) for h in hidden}
    best: dict[str, _Ranked] = {}
    for score, name, kind, cue, surfaces in [*entities, *topics]:
        renamed = renames.get(_fold(name)) or next(
            (renames[_fold(s)] for s in surfaces if _fold(s) in renames), name
        )
        if _fold(name) in never or _fold(renamed) in never:
            continue
        key = _fold(renamed)
        forms = tuple(sorted({name, *surfaces} - {renamed}))
        if key in best:
            # A merge: as salient as its strongest part, plus a little, and of that part's kind.
            previous = best[key]
            strongest = previous.tag if previous.score >= score else Tag(renamed, kind, cue)
            forms = tuple(sorted({*previous.tag.forms, *forms}))
            tag = Tag(strongest.name, strongest.kind, strongest.cue, forms)
            best[key] = _Ranked(max(previous.score, score) + 0.5, tag)
        else:
            best[key] = _Ranked(score, Tag(renamed, kind, cue, forms))
    ranked = sorted(best.values(), key=lambda item: -item.score)
    if not ranked or max_tags <= 0:
        return []
    # Names and topics have places of their own: a topic says in words what the names do
    # not, and must not push out a place, body or person the story is about.
    floor = ranked[0].score * MIN_SHARE_OF_BEST
    chosen: list[Tag] = []
    names = topics_chosen = 0
    for score, tag in ranked:
        if score < floor:
            break
        if tag.kind == TagKind.TOPIC:
            if topics_chosen == limits.MAX_TOPICS_PER_STORY:
                continue
            topics_chosen += 1
        elif names == max_tags:
            continue
        else:
            names += 1
        chosen.append(tag)
    best_topic = next((tag for _, tag in ranked if tag.kind == TagKind.TOPIC), None)
    if substantial and not topics_chosen and best_topic is not None:
        # Readers expect a substantial story to say what it is about in words too.
        chosen.append(best_topic)
    return chosen
