"""Tags for a story: places, organisations, people and topics, named and cased right.

PLACEHOLDER (issue 2): topics come from the outlets' own feed categories, mapped to one small
topic list; entities are capitalised phrases (not sentence-initial) that recur in the story,
untyped. The tags issue (#5) replaces this with spaCy's ``en_core_web_sm`` plus a gazetteer;
``tag_story`` and the ``Tag``/``EntitySpan`` shapes stay.

>>> a = Article("a", "Port strike", "Workers at the Harbour Authority walked out. "
...             "The Harbour Authority said talks continue.", categories=("Economy",))
>>> [(t.name, t.kind) for t in tag_story([a]).tags]
[('Business', 'topic')]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from newsdesk import limits
from newsdesk.core.documents import Article
from newsdesk.core.text import STOPWORDS

KINDS = ("place", "organisation", "person", "topic")

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

# A capitalised run of words, allowing lower-case joiners inside ("Bank of Lerma", "de Vries").
_NAME = re.compile(
    r"\b(?:[A-Z][\w'’-]*|[A-Z]{2,})(?:\s+(?:(?:of|de|van|der|la|le|al|the)\s+)?(?:[A-Z][\w'’-]*))*"
)


@dataclass(frozen=True)
class Tag:
    name: str
    kind: str


@dataclass(frozen=True)
class EntitySpan:
    text: str
    start: int
    end: int
    label: str


@dataclass
class Tagging:
    tags: list[Tag] = field(default_factory=list)
    # Entity spans per article id, offsets into that article's text.
    entities: dict[str, list[EntitySpan]] = field(default_factory=dict)


def topics_of(category: str) -> list[str]:
    """Our topics for an outlet's category; "Science & Environment" gives both."""
    parts = re.split(r"\s*(?:&|\band\b|/|,)\s*", category.strip().lower())
    return [TOPIC_OF_CATEGORY[p] for p in parts if p in TOPIC_OF_CATEGORY]


def find_entities(text: str) -> list[EntitySpan]:
    """Capitalised phrases that do not merely start a sentence (placeholder, label ``MISC``)."""
    spans = []
    for match in _NAME.finditer(text[: limits.MAX_ARTICLE_CHARS]):
        start, phrase = match.start(), match.group(0)
        first, _, rest = phrase.partition(" ")
        if rest and first.lower() in STOPWORDS:
            # "The CSU", "In Amerville": a capitalised function word is not part of the name.
            start, phrase = start + len(first) + 1, rest.lstrip()
        before = text[:start].rstrip()
        sentence_start = not before or before[-1] in '.!?"“'
        if sentence_start and " " not in phrase and not phrase.isupper():
            continue
        spans.append(EntitySpan(phrase, start, start + len(phrase), "MISC"))
    return spans


def tag_story(articles: Sequence[Article], max_tags: int = limits.MAX_TAGS_PER_STORY) -> Tagging:
    """Tags for the story told by ``articles``, most salient first."""
    tagging = Tagging()
    topics: Counter[str] = Counter()
    for article in articles:
        tagging.entities[article.id] = find_entities(article.text)
        for topic in {t for c in article.categories for t in topics_of(c)}:
            topics[topic] += 1
    tagging.tags = [Tag(name, "topic") for name, _ in topics.most_common(max_tags)]
    return tagging
