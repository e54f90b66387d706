"""What the discussion side stores: comments, reports, brief flags, readers' standing, when each
story's discussion last changed, the log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from newsdesk.stories.models import Story

USER = settings.AUTH_USER_MODEL


class Comment(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", "published"
        HELD = "held", "waiting for a moderator"
        REMOVED = "removed", "removed by a moderator"
        DELETED = "deleted", "deleted by its author"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    # 0 for a comment on the story, parent's depth + 1 for a reply (capped by the limits).
    depth = models.PositiveSmallIntegerField(default=0)
    # Stored as the reader wrote it; rendered and sanitised on the way out (markup.py), so a
    # better sanitiser protects every old comment too.
    body = models.TextField(blank=True)
    # sha256 of the body with case and spacing normalised: finds a reader's repeated text.
    fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PUBLISHED, db_index=True
    )
    # Why it waits for a moderator ("new account", "4 links", ...), shown in the queue.
    held_reason = models.CharField(max_length=200, blank=True)
    # The poster's address (an IPv6 /64 as one), for the per-address rate limit.
    client_ip = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["story", "created_at"]),
            models.Index(fields=["author", "created_at"]),
        ]
        permissions = [("moderate_comments", "Can moderate reader comments")]

    def __str__(self) -> str:
        return f"#{self.pk} by {self.author} on {self.story}"

    def get_absolute_url(self) -> str:
        return reverse("discussion:comment", args=[self.pk])

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_gone(self) -> bool:
        """Deleted by its author or removed by a moderator: only a placeholder is shown."""
        return self.status in (self.Status.DELETED, self.Status.REMOVED)


class CommentReport(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abusive, hateful or harassing"
        MISLEADING = "misleading", "Misleading or false"
        OFF_TOPIC = "off-topic", "Off topic"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="comment_reports")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Set when a moderator approved or removed the comment.
    resolved_at = models.DateTimeField(null=True, blank=True, db_index=True)
    resolved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One report per reader per comment: a second click is not a second voice.
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_reader")
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on comment #{self.comment_id}"


class SentenceFlag(models.Model):
    """A reader's "report inaccuracy" on one sentence of a story's brief."""

    class Kind(models.TextChoices):
        INACCURATE = "inaccurate", "Inaccurate: it gets a fact wrong"
        UNSUPPORTED = "unsupported", "Unsupported: its sources do not say this"

    class Resolution(models.TextChoices):
        OPEN = "", "open"
        FIXED = "fixed", "fixed"
        DISMISSED = "dismissed", "dismissed"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="sentence_flags")
    sentence_index = models.PositiveIntegerField()
    # The sentence and its provenance as the reader saw them: the brief may be rewritten or
    # renumbered before an editor looks, and the flag must still say what was reported.
    sentence_text = models.TextField()
    sources = models.JSONField(default=list, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.TextField(blank=True)
    # Null for a reader without an account.
    reporter = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="sentence_flags"
    )
    client_ip = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    resolution = models.CharField(
        max_length=10, choices=Resolution.choices, default=Resolution.OPEN, blank=True
    )
    resolved_at = models.DateTimeField(null=True, blank=True, db_index=True)
    resolved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("review_sentence_flags", "Can review readers' reports of inaccurate brief sentences")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: sentence {self.sentence_index + 1} of {self.story}"


class Reader(models.Model):
    """What the discussion side knows about an account beyond Django's User."""

    user = models.OneToOneField(USER, primary_key=True, on_delete=models.CASCADE)
    # The address the account was created from, for the sign-ups-per-address limit.
    signup_ip = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # A muted reader can read and log in but not post until then.
    muted_until = models.DateTimeField(null=True, blank=True)
    mute_reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_muted(self) -> bool:
        return self.muted_until is not None and self.muted_until > timezone.now()


class StoryDiscussion(models.Model):
    """Per-story discussion settings; a story without a row is open for comments."""

    story = models.OneToOneField(
        Story, primary_key=True, on_delete=models.CASCADE, related_name="discussion"
    )
    closed = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "story discussion"

    def __str__(self) -> str:
        return f"{self.story}: {'closed' if self.closed else 'open'}"


class DiscussionChange(models.Model):
    """When a story's discussion last changed (a comment posted, edited, hidden; comments
    closed; a commenter renamed or banned): part of the story page's cache key and
    Last-Modified (site/story_page.py), kept apart from the story's own change time so a
    comment does not move the story in listings and feeds. Kept current by signals.py; a
    story without a row has had no discussion, so its comments section needs no more query."""

    story = models.OneToOneField(
        Story, primary_key=True, on_delete=models.CASCADE, related_name="discussion_change"
    )
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.story}: discussion changed {self.changed_at:%Y-%m-%d %H:%M:%S}"


class ModerationAction(models.Model):
    """One moderator's or editor's action: who did what to whom, and when. Never edited."""

    class Kind(models.TextChoices):
        APPROVE = "approve", "approved a comment"
        REMOVE = "remove", "removed a comment"
        MUTE = "mute", "muted a reader"
        UNMUTE = "unmute", "unmuted a reader"
        BAN = "ban", "banned a reader"
        UNBAN = "unban", "unbanned a reader"
        CLOSE = "close", "closed comments on a story"
        REOPEN = "reopen", "reopened comments on a story"
        FLAG_FIXED = "flag-fixed", "marked a brief flag fixed"
        FLAG_DISMISSED = "flag-dismissed", "dismissed a brief flag"

    moderator = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="moderation_actions"
    )
    # The names as they were, so the record survives the accounts being deleted.
    moderator_name = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    target_user = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="moderation_received"
    )
    target_name = models.CharField(max_length=150, blank=True)
    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sentence_flag = models.ForeignKey(
        SentenceFlag, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        target = self.target_name or (f"comment #{self.comment_id}" if self.comment_id else "")
        return f"{self.moderator_name} {self.get_kind_display()} {target}".strip()


class LoginFailure(models.Model):
    """One failed login, counted per account and per address by the login throttle."""

    # As typed, case-folded: "Alice" and "alice" are one target for a guesser.
    username = models.CharField(max_length=150, db_index=True)
    client_ip = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} from {self.client_ip} at {self.created_at:%Y-%m-%d %H:%M:%S}"
