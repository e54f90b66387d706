"""How central a name is to a story: the salience score that ranks its tags.

A name's score grows with how often the story names it (surnames, titles and other short forms
already counted with the full name), how many of its outlets do, and whether they put it in a
headline or an opening paragraph, as readers scan a story (Dunietz & Gillick 2014 found
frequency and first position the strongest cues of entity salience in news). Frequency leads:
position only adds a bounded bonus, so a name mentioned once near the top does not outrank
one the story keeps returning to. A mention that only attributes a quotation ("..., said Jo
Brand, an analyst at Fenwick Capital") counts for little: the people and bodies a story quotes
are its sources, not its subject. Names in the story's own brief, which already chose the
sentences that carry the story, get a bonus.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from newsdesk.core.lexicon import SPEECH_VERBS

# A quotation's source counts for this share of a mention: the analyst quoted once should not
# tie with a country the article names once as what it is about. Only a tie-breaker: the
# people a story quotes are often what its summary keeps (docs/tags.md).
QUOTE_SOURCE_WEIGHT = 0.75
# The most the headline and opening paragraphs add (times the share of the story's articles
# that put the name there): less than one doubling of the mention count together, so position
# reorders names mentioned about as often but never beats a clear lead in frequency.
HEADLINE_BONUS = 0.5
LEAD_BONUS = 0.25
# A name in the brief: the brief's sentences are the story's summary. Less than one more
# mention, so it orders names mentioned equally often (docs/tags.md).
BRIEF_BONUS = 0.25
# How far into an article (characters) a mention counts as "in the opening paragraphs".
LEAD_CHARS = 400
# A tag scoring below this share of the best is noise for the story ("mentioned once, by one
# outlet, in paragraph nine"): the number of tags follows the story.
MIN_SHARE_OF_BEST = 0.2

_SPEECH = "|".join(sorted(SPEECH_VERBS | {"according", "argued", "noted", "commented"}))
# "X said", "X, an analyst at Y, said", "X, who ..., told": the name is who speaks.
_SPEAKER_AFTER = re.compile(
    rf"^['’]?s?\s*(?:\([^)]{{0,40}}\)\s*)?(?:,[^,.;\"“”]{{1,90}},\s*)?(?:{_SPEECH})\b"
)
# "..., said X", "according to X", "said analyst X", "told the X": after a speech verb.
_SPEAKER_BEFORE = re.compile(
    rf"\b(?:{_SPEECH})(?:\s+to)?(?:\s+(?:the\s+)?[\w-]+){{0,3}}\s*[,:]?\s*(?:the\s+)?$", re.I
)
# "said Jo Brand, an analyst at the X": the body a quoted speaker is described by.
_SPEAKERS_BODY = re.compile(
    rf"\b(?:{_SPEECH})\s+(?:[A-Z][\w'’-]*\s+){{1,4}}?[A-Z][\w'’-]*,\s+(?:an?|the|who)\s"
    rf"[^,.;!?]{{0,60}}\b(?:at|of|for|with|from)\s+(?:the\s+)?$"
)

# "told the BBC", "according to Reuters", "in an interview with the Sunday Times": the body a
# speaker talked to, or the outlet a story is quoted from.
_SPEAKERS_AUDIENCE = re.compile(
    r"\b(?:told|according\s+to|speaking\s+to|interview\s+with|quoted\s+by|reported\s+by"
    r"|writing\s+in)\s+(?:the\s+)?$",
    re.I,
)


def quote_source(text: str, start: int, end: int) -> bool:
    """Whether the person named at ``text[start:end]`` is only who said something there."""
    if _SPEAKER_AFTER.match(text[end : end + 120]):
        return True
    before = text[max(0, start - 50) : start]
    # Only within the mention's own clause: "he said. Mali" is not attribution.
    return not re.search(r"[.!?]\s*$", before) and bool(_SPEAKER_BEFORE.search(before))


def speakers_body(text: str, start: int) -> bool:
    """Whether the organisation named at ``start`` only describes a quoted speaker ("said Jo
    Brand, an analyst at the Fenwick Institute") or is whom a speaker told ("told the Harbour
    Gazette", "according to Reuters"). A body or a country that itself "said" something is
    still what the story is about: the ministry's decision, Mali's refusal."""
    before = text[max(0, start - 120) : start]
    return bool(_SPEAKERS_BODY.search(before) or _SPEAKERS_AUDIENCE.search(before[-40:]))


@dataclass
class Evidence:
    """What a story says about one name: the inputs of its salience."""

    mentions: float = 0.0  # weighted: demonyms and quote sources count for less
    publishers: set[str] = field(default_factory=set)
    titled: set[str] = field(default_factory=set)  # articles naming it in their headline
    # Articles naming it in their opening, or in a sentence that retells their headline.
    leads: set[str] = field(default_factory=set)
    in_brief: bool = False

    def absorb(self, other: Evidence) -> None:
        self.mentions += other.mentions
        self.publishers |= other.publishers
        self.titled |= other.titled
        self.leads |= other.leads
        self.in_brief = self.in_brief or other.in_brief


def salience(evidence: Evidence, articles: int, publishers: int) -> float:
    """The score: frequency weighted by how many outlets share the name, plus bounded bonuses
    for headlines, openings and the brief."""
    coverage = len(evidence.publishers) / (publishers or 1)
    frequency = math.log2(1 + evidence.mentions) * (0.5 + 0.5 * coverage)
    return (
        frequency
        + HEADLINE_BONUS * len(evidence.titled) / (articles or 1)
        + LEAD_BONUS * len(evidence.leads) / (articles or 1)
        + (BRIEF_BONUS if evidence.in_brief else 0.0)
    )
