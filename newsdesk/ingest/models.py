"""What ingest stores: outlets, their feeds, the hosts we talk to, and articles."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from newsdesk.ingest.policy import trusted_origin_for


class Outlet(models.Model):
    # Shown exactly as the outlet writes it ("BBC", "the Lantern"): never .title()-cased.
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    # Editions of one publisher (BBC World, BBC Africa) share a family; a story covered by both
    # counts one independent outlet.
    family = models.SlugField(max_length=200, db_index=True)
    homepage = models.URLField(max_length=2000, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Feed(models.Model):
    url = models.URLField(max_length=2000, unique=True)
    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="feeds")
    title = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Conditional GET validators, updated on every response that carries them, 304 included
    # (feedbin#726, FreshRSS#6056: keeping the old ones after a 304 re-downloads forever).
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)

    next_fetch_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    # Seconds between polls the feed asked for (TTL, Cache-Control max-age), if any.
    requested_interval = models.PositiveIntegerField(null=True, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    # HTTP 410 Gone: the outlet told us to stop; we never poll it again until an editor resets.
    gone = models.BooleanField(default=False)
    # The origin the operator's URL made reachable though not public (a literal address or
    # localhost, see ingest/policy.py); set once, when the feed is added, so a redirect that
    # later moves the feed cannot widen it.
    trusted_origin = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        ordering = ["outlet__name", "url"]

    def __str__(self) -> str:
        return self.title or self.url

    def save(self, *args, **kwargs) -> None:
        if self._state.adding and not self.trusted_origin:
            self.trusted_origin = trusted_origin_for(self.url)
        super().save(*args, **kwargs)


class Host(models.Model):
    """Per-host politeness state shared by every worker process."""

    name = models.CharField(max_length=255, unique=True)
    # At most one connection per host: a worker holds the lease while it talks to the host.
    lease_until = models.DateTimeField(null=True, blank=True)
    # The host asked us (429/503 Retry-After) not to come back before this.
    blocked_until = models.DateTimeField(null=True, blank=True)
    robots_txt = models.TextField(blank=True)
    robots_fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    class Extraction(models.TextChoices):
        PENDING = "pending", "waiting for the page"
        DONE = "done", "page text extracted"
        FEED_TEXT = "feed", "feed text kept (page failed or not allowed)"

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="articles")
    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="articles")
    # The identity of an article: its canonical URL, or the feed's GUID when it has no link.
    # Unique, so re-running or resuming ingest can never store an article twice.
    key = models.CharField(max_length=2000, unique=True)
    url = models.URLField(max_length=2000, blank=True)
    guid = models.CharField(max_length=2000, blank=True)
    title = models.TextField(blank=True)
    author = models.CharField(max_length=500, blank=True)
    categories = models.JSONField(default=list, blank=True)
    feed_text = models.TextField(blank=True)
    text = models.TextField(blank=True)
    published = models.DateTimeField(db_index=True)
    fetched_at = models.DateTimeField(auto_now_add=True)

    extraction = models.CharField(
        max_length=10, choices=Extraction.choices, default=Extraction.PENDING, db_index=True
    )
    extraction_error = models.TextField(blank=True)
    extraction_attempts = models.PositiveSmallIntegerField(default=0)
    # A worker fetching the page holds it until then (a conditional UPDATE, so two workers or
    # two passes never fetch one page twice; a dead worker's claim simply runs out).
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    # What grouping compares (newsdesk.core.group_features), stored so the live window is
    # rebuilt from these rows instead of every article's text.
    grouping_features = models.JSONField(null=True, blank=True, editable=False)
    # Set once grouping, briefing and tagging have taken this article in; null = still to do.
    processed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Why grouping, briefing or tagging failed for this article (it failed alone; the pass
    # went on). Empty when all went well.
    processing_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-published"]
        indexes = [models.Index(fields=["processed_at", "extraction"])]

    def __str__(self) -> str:
        return self.title or self.key

    @property
    def body(self) -> str:
        return self.text or self.feed_text
