"""The search index: one document per story, searched by FTS5 on SQLite, tsvector on PostgreSQL."""

from __future__ import annotations

from django.db import models

from newsdesk.search.fields import TsVectorField
from newsdesk.stories.models import Story


class SearchDocument(models.Model):
    """What a search matches for one story: headline, brief, article text and tags.

    On SQLite an FTS5 table (``search_searchdocument_fts``) indexes these columns and a narrow
    ranking table (``search_searchrank``) copies each row's story and date, both created by the
    migration and kept in step by triggers; on PostgreSQL ``vector`` holds the weighted tsvector
    with a GIN index. ``newsdesk.search.query`` hides the difference.
    """

    # The narrow columns first: on SQLite a column stored after a long text is reached only
    # through the text's overflow pages, and ranking reads these two (docs/search.md).
    story = models.OneToOneField(Story, on_delete=models.CASCADE, related_name="search_document")
    last_published = models.DateTimeField(null=True, db_index=True)
    headline = models.TextField(blank=True)
    brief = models.TextField(blank=True)
    body = models.TextField(blank=True)
    tags = models.TextField(blank=True)
    outlets = models.TextField(blank=True)
    vector = TsVectorField(null=True, editable=False)
