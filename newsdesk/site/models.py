"""The search index: one document per story, searched by FTS5 on SQLite, tsvector on PostgreSQL."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils import timezone

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

    # The narrow columns first: on SQLite a column stored after a long text is reached only
    # through the text's overflow pages (migration 0004), and ranking reads these two.
    story = models.OneToOneField(Story, on_delete=models.CASCADE, related_name="search_document")
    last_published = models.DateTimeField(null=True, db_index=True)
    headline = models.TextField(blank=True)
    brief = models.TextField(blank=True)
    body = models.TextField(blank=True)
    tags = models.TextField(blank=True)
    outlets = models.TextField(blank=True)
    vector = TsVectorField(null=True, editable=False)


class ApiToken(models.Model):
    """An editor's key for the write API. Only its SHA-256 is stored: a leaked database does not
    leak working tokens."""

    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def _digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str = "") -> str:
        """Create a token for ``user`` and return it; it is shown once and never stored."""
        token = secrets.token_urlsafe(32)
        cls.objects.create(user=user, name=name, digest=cls._digest(token))
        return token

    @classmethod
    def user_for(cls, token: str):
        """The active staff user owning ``token``, or None."""
        found = (
            cls.objects.select_related("user")
            .filter(digest=cls._digest(token), user__is_active=True, user__is_staff=True)
            .first()
        )
        if found is None:
            return None
        cls.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        return found.user
