"""Who may do what, and which comments wait for a moderator.

Every number comes from ``newsdesk.limits`` (the ``DISCUSSION_*`` section), read when the rule
runs so an operator's override (and a test's) applies at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from newsdesk import limits
from newsdesk.discussion.markup import count_links, fingerprint
from newsdesk.discussion.models import Comment, CommentReport, Reader, StoryDiscussion
from newsdesk.stories.models import Story

MODERATE = "discussion.moderate_comments"
REVIEW_FLAGS = "discussion.review_sentence_flags"

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Refusal:
    """Why an action is refused, and the HTTP status that says so."""

    message: str
    status: int = 403


def is_moderator(user: User) -> bool:
    return user.is_authenticated and user.has_perm(MODERATE)


def is_editor(user: User) -> bool:
    return user.is_authenticated and user.has_perm(REVIEW_FLAGS)


def comments_closed(story: Story) -> bool:
    return StoryDiscussion.objects.filter(story=story, closed=True).exists()


def active_mute(user: User) -> Reader | None:
    """The reader's standing when a moderator's mute is in force, else None."""
    reader = Reader.objects.filter(user_id=user.pk).first()
    return reader if reader and reader.is_muted else None


def _window_start(seconds: float):
    return timezone.now() - timedelta(seconds=seconds)


def posting_refusal(user: User, story: Story, address: str) -> Refusal | None:
    """None when ``user`` may post on ``story`` from ``address`` now."""
    if comments_closed(story):
        return Refusal("Comments are closed on this story.")
    if reader := active_mute(user):
        reason = f" ({reader.mute_reason})" if reader.mute_reason else ""
        return Refusal(
            f"A moderator has muted your account until {reader.muted_until:%-d %B %Y, %H:%M} "
            f"UTC{reason}; you can read but not post until then."
        )
    return rate_refusal(user, address)


def rate_refusal(user: User, address: str) -> Refusal | None:
    """None while ``user`` and ``address`` have comments left in the rate window. Counted again
    by actions.post_comment under a lock, in the step that stores the comment."""
    since = _window_start(limits.DISCUSSION_RATE_WINDOW_SECONDS)
    minutes = round(limits.DISCUSSION_RATE_WINDOW_SECONDS / 60)
    mine = Comment.objects.filter(author_id=user.pk, created_at__gte=since).count()
    if mine >= limits.DISCUSSION_COMMENTS_PER_USER:
        return Refusal(
            f"You have posted {mine} comments in the last {minutes} minutes, the most we "
            "allow. Please wait a few minutes; your text is kept below.",
            status=429,
        )
    from_address = Comment.objects.filter(client_ip=address, created_at__gte=since).count()
    if from_address >= limits.DISCUSSION_COMMENTS_PER_IP:
        return Refusal(
            f"{from_address} comments came from your network in the last {minutes} minutes, "
            "the most we allow. Please wait a few minutes; your text is kept below.",
            status=429,
        )
    return None


def hold_reasons(user: User, body: str, *, new_comment: bool, exclude_pk: int | None = None):
    """Why a comment should wait for a moderator; empty when it can be published at once."""
    if is_moderator(user):
        return []
    reasons = []
    if new_comment:
        published = Comment.objects.filter(
            author_id=user.pk, status=Comment.Status.PUBLISHED
        ).count()
        if published < limits.DISCUSSION_NEW_ACCOUNT_HELD_COMMENTS:
            reasons.append("new account")
    links = count_links(body)
    if links > limits.DISCUSSION_MAX_LINKS:
        reasons.append(f"{links} links")
    repeated = Comment.objects.filter(
        author_id=user.pk,
        fingerprint=fingerprint(body),
        created_at__gte=_window_start(limits.DISCUSSION_DUPLICATE_WINDOW_SECONDS),
    ).exclude(status=Comment.Status.DELETED)
    if exclude_pk is not None:
        repeated = repeated.exclude(pk=exclude_pk)
    if repeated.exists():
        reasons.append("repeats a recent comment")
    return reasons


def edit_deadline(comment: Comment):
    return comment.created_at + timedelta(seconds=limits.DISCUSSION_EDIT_WINDOW_SECONDS)


def can_edit(user: User, comment: Comment) -> bool:
    return (
        user.is_authenticated
        and comment.author_id == user.pk
        and comment.status in (Comment.Status.PUBLISHED, Comment.Status.HELD)
        and timezone.now() <= edit_deadline(comment)
    )


def can_delete(user: User, comment: Comment) -> bool:
    return user.is_authenticated and comment.author_id == user.pk and not comment.is_gone


def can_reply_to(comment: Comment) -> bool:
    return comment.is_published and comment.depth + 1 < limits.DISCUSSION_MAX_THREAD_DEPTH


def can_report(user: User, comment: Comment) -> bool:
    return user.is_authenticated and comment.author_id != user.pk and comment.is_published


def report_refusal(user: User) -> Refusal | None:
    recent = CommentReport.objects.filter(
        reporter_id=user.pk, created_at__gte=_window_start(3600)
    ).count()
    if recent >= limits.DISCUSSION_REPORTS_PER_USER_PER_HOUR:
        return Refusal(
            "You have sent the most reports we take from one reader in an hour. "
            "Thank you; please try again later.",
            status=429,
        )
    return None


def may_restrict(moderator: User, target: User) -> bool:
    """Moderators act on readers, not on each other: only a superuser restricts a moderator."""
    if moderator.pk == target.pk:
        return False
    if moderator.is_superuser:
        return True
    return not (target.is_superuser or target.is_staff or target.has_perm(MODERATE))
