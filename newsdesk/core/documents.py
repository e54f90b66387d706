"""The article as the language core sees it: what every stage reads.

Named ``ArticleText`` (not ``Article``) so it is never confused with the stored
``newsdesk.ingest.models.Article``, from which ``stories.services`` builds one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class ArticleText:
    """One article's text and the facts about it that grouping, briefs and tags read."""

    id: str
    title: str
    text: str = ""
    url: str = ""
    # The outlet's display name, as the outlet writes it ("BBC", "the Lantern").
    outlet: str = ""
    # Publisher family: editions of one publisher (BBC World, BBC Africa) share it, so a story
    # covered by both counts one independent outlet. Defaults to the outlet itself.
    family: str = ""
    published: datetime | None = None
    categories: tuple[str, ...] = field(default_factory=tuple)
    story: str | None = None

    @property
    def publisher(self) -> str:
        return self.family or self.outlet or self.id
