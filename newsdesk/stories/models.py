"""Stories: articles about one event from several outlets, with a brief and tags."""

from __future__ import annotations

import functools
import secrets
from urllib.parse import quote

from django.db import models
from django.urls import reverse
from django.utils import timezone

from newsdesk.ingest.models import Article


def new_story_slug() -> str:
    # Random, not derived from the headline: a story keeps its URL when its headline changes.
    return secrets.token_hex(5)


SLUG_MARKER = "slug0placeholder"


@functools.cache
def url_parts(name: str, *markers) -> tuple[str, ...]:
    """The fixed text of URL ``name`` around its arguments, found once by reversing it with
    ``markers`` as the arguments: ``"/stories/", "/"`` for a one-slug URL. Joining the parts
    with real arguments gives what ``reverse`` would, without running the resolver."""
    rest = reverse(name, args=list(markers))
    parts = []
    for marker in markers:
        before, rest = rest.split(str(marker), 1)
        parts.append(before)
    return (*parts, rest)


def slug_url(name: str, slug: str) -> str:
    """``reverse(name, args=[slug])`` for a URL whose only argument is a slug, without running
    the resolver each time: a listing page links to a hundred stories and tags."""
    prefix, suffix = url_parts(name, SLUG_MARKER)
    return f"{prefix}{quote(slug, safe=_URL_SAFE)}{suffix}"


_URL_SAFE = "!$&'()*+,;=/~:@"


class Story(models.Model):
    slug = models.SlugField(max_length=40, unique=True, default=new_story_slug)
    headline = models.TextField(blank=True)
    # {"sentences": [{"text", "sources": [{"id": article pk, "sentence_index"}]}], ...}
    brief = models.JSONField(default=dict, blank=True)
    # The source sentences the brief cites, {"<article pk>:<sentence_index>": text}: the story
    # page shows each on hover and links to it. Apart from ``brief`` so listings and feeds,
    # which read the brief's sentences, do not decode them (empty for briefs stored before).
    brief_passages = models.JSONField(default=dict, blank=True)
    only_in = models.JSONField(default=dict, blank=True)
    brief_method = models.CharField(max_length=50, blank=True)
    # The LLM gate's decisions for the current brief: which sentences it dropped and why, or
    # why it fell back to the default brief. Empty for the default method.
    brief_log = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)
    first_published = models.DateTimeField(null=True, db_index=True)
    last_published = models.DateTimeField(null=True, db_index=True)
    article_count = models.PositiveIntegerField(default=0)
    # Independent outlets: publisher families counted once.
    outlet_count = models.PositiveIntegerField(default=0)
    # An editor merged this story into another: its URL redirects there.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)
    # Set when a refresh of the story (brief, tags, counts) was queued and has not started:
    # articles joining meanwhile queue no other (``tasks.request_refresh``).
    refresh_requested_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-last_published"]
        verbose_name_plural = "stories"
        # The front page and listings read live stories newest first.
        indexes = [models.Index(fields=["merged_into", "last_published"])]

    def __str__(self) -> str:
        return self.headline or self.slug

    def get_absolute_url(self) -> str:
        return slug_url("story", self.slug)


class Membership(models.Model):
    """An article's place in a story (one story per article)."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="membership")
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="memberships")
    joined_at = models.DateTimeField(default=timezone.now)
    # Set when an editor placed the article by hand: automatic grouping leaves it alone.
    pinned = models.BooleanField(default=False)
    # A near-copy (syndicated wire story, same article under another URL) of this article:
    # the story counts and lists it, and says whose copy it is.
    duplicate_of = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )

    class Meta:
        ordering = ["article__published"]


class ArticleTagEvidence(models.Model):
    """What one article contributes to its story's tags (``core.tag.article_evidence``): read
    from its text once, then only summed. Of another ``version`` it is read again when
    needed."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="tag_evidence"
    )
    version = models.PositiveSmallIntegerField()
    evidence = models.JSONField()


class StoryTagTotals(models.Model):
    """The sums of a story's articles' tag evidence (``core.tag_evidence.StoryEvidence``) and
    which articles they count: a joining article's part is added; when an article has left the
    story, the sums are made again from the stored parts."""

    story = models.OneToOneField(
        Story, on_delete=models.CASCADE, primary_key=True, related_name="tag_totals"
    )
    totals = models.JSONField(default=dict)
    counted = models.JSONField(default=list)  # the article pks summed
    # Set anew at each write: a worker that wrote these sums knows them by it, and goes on
    # from its own copy without reading them back (``evidence.story_totals``).
    revision = models.CharField(max_length=32, default="", editable=False)


class Tag(models.Model):
    class Kind(models.TextChoices):
        PLACE = "place"
        ORGANISATION = "organisation"
        PERSON = "person"
        TOPIC = "topic"

    # Shown exactly as written here: an editor's rename is the name readers see.
    name = models.CharField(max_length=200)
    # Kept when the tag is renamed, so its page and feed keep their address.
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Hidden by an editor: never shown, never given to a story again.
    hidden = models.BooleanField(default=False)
    # Merged by an editor into another tag, or folded by the tagger into the longer name of
    # the same thing ("Veltstra" into "Veltstra Data"): its page redirects there, and future
    # stories get the other's name.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    # An editor chose the kind: the stories' readings no longer change it.
    kind_by_editor = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_url("tag", self.slug)


class TagAlias(models.Model):
    """A name the tagger may produce that an editor wants shown as ``tag`` (a rename or merge)."""

    name = models.CharField(max_length=200, unique=True)  # stored case-folded
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="aliases")
    # Recorded by the tagger when it folded a tag of this name into ``tag``, not by an editor:
    # it names new tags only, and an editor's alias of the same name replaces it.
    by_tagger = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "tag aliases"

    def __str__(self) -> str:
        return f"{self.name} → {self.tag.name}"


class StoryTag(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="story_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="story_tags")
    rank = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rank"]
        constraints = [models.UniqueConstraint(fields=["story", "tag"], name="unique_story_tag")]


class TagReading(models.Model):
    """How one story reads one of its tags: the kind its text gave the name, and what that
    rests on (``newsdesk.core.tag_names.Cue``: the gazetteer, the text's own words, the model's
    guess). A tag's kind is the weighted verdict of all its stories' readings."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="tag_readings")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="readings")
    kind = models.CharField(max_length=20, choices=Tag.Kind.choices)
    cue = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "tag"], name="unique_story_tag_reading")
        ]
