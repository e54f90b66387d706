"""The site's own records: the editors' API tokens (the search index is newsdesk.search)."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils import timezone


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
