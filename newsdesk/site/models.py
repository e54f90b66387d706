"""The search index: one document per story, searched by FTS5 on SQLite, tsvector on PostgreSQL."""

from __future__ import annotations

from django.db import models

from newsdesk.stories.models import Story


class TsVectorField(models.Field):
    """PostgreSQL's tsvector; plain text elsewhere (unused there). Avoids requiring
    django.contrib.postgres, and so psycopg, on SQLite installs."""

    def db_type(self, connection) -> str:
        return "tsvector" if connection.vendor == "postgresql" else "text"


class SearchDocument(models.Model):
    """What a search matches for one story: headline, brief, article text and tags.

    On SQLite an FTS5 table (``site_searchdocument_fts``, created by the migration, kept in step
    by triggers) indexes these columns; on PostgreSQL ``vector`` holds the weighted tsvector with
    a GIN index. ``newsdesk.site.search`` hides the difference.
    """

    story = models.OneToOneField(Story, on_delete=models.CASCADE, related_name="search_document")
    headline = models.TextField(blank=True)
    brief = models.TextField(blank=True)
    body = models.TextField(blank=True)
    tags = models.TextField(blank=True)
    outlets = models.TextField(blank=True)
    last_published = models.DateTimeField(null=True, db_index=True)
    vector = TsVectorField(null=True, editable=False)
