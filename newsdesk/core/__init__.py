"""The language core: plain Python, no Django import.

Each stage is one module with plain functions and dataclasses::

    >>> from newsdesk.core import ArticleText, StreamGrouper, brief_story, tag_story
    >>> a = ArticleText("1", "Port strike ends", "The strike ended on Monday. Ships moved.")
    >>> brief_story([a]).sentences[0].text
    'The strike ended on Monday.'

- ``text``: sentence splitting and word normalisation shared by the stages.
- ``group``: which story an arriving article belongs to.
- ``brief``: headline and extractive brief with per-sentence provenance.
- ``tag``: places, organisations, people and topics.
- ``jsonl``: the JSON Lines formats of the batch commands.
"""

from newsdesk.core.brief import SourceRef, brief_story
from newsdesk.core.documents import ArticleText
from newsdesk.core.group import StoryCandidate, StoryMatcher, StreamGrouper
from newsdesk.core.tag import tag_story

__all__ = [
    "ArticleText",
    "SourceRef",
    "StoryCandidate",
    "StoryMatcher",
    "StreamGrouper",
    "brief_story",
    "tag_story",
]
