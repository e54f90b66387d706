"""Keeping a story's ``SearchDocument`` in step with the story.

The stories app sends ``story_changed`` whenever it writes a rebuilt story (inside that write's
transaction); ``index_changed_story`` receives it. On SQLite the FTS5 and ranking tables follow
the document through triggers; on PostgreSQL the weighted tsvector is computed here.
"""

from __future__ import annotations

from django.db import connection

from newsdesk import limits
from newsdesk.search.models import SearchDocument


def index_story(story, articles, tags, outlets=None) -> None:
    """Write the story's search document (articles: ingest Articles; tags: Tag objects;
    outlets: the names of all the story's outlets, by default those of ``articles``).

    The stories app gives a big story's articles as a bounded pool (those its brief is made
    from: the earliest, the newest, each outlet's newest), so the document, and the cost of
    writing it, stop growing with the story. A story with no articles left (all split or
    merged away) leaves the index."""
    if not articles or story.merged_into_id:
        SearchDocument.objects.filter(story=story).delete()
        return
    document, _ = SearchDocument.objects.update_or_create(
        story=story,
        defaults={
            "headline": story.headline,
            "brief": " ".join(s["text"] for s in story.brief.get("sentences", [])),
            # Titles and the opening of each article; whole texts would bloat the index for
            # little gain in what readers search for.
            "body": "\n".join(
                f"{a.title}\n{a.body[: limits.SEARCH_CHARS_PER_ARTICLE]}" for a in articles
            ),
            "tags": " ".join(t.name for t in tags),
            "outlets": " ".join(sorted(outlets or {a.outlet.name for a in articles})),
            "last_published": story.last_published,
        },
    )
    if connection.vendor == "postgresql":
        from newsdesk.search.postgres import document_vector

        SearchDocument.objects.filter(pk=document.pk).update(vector=document_vector())


def index_changed_story(sender, story, articles, tags, outlets=None, **kwargs) -> None:
    """The receiver of ``newsdesk.stories.signals.story_changed``."""
    index_story(story, articles, tags, outlets)
