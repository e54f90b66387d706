"""Everything that changes discussion state. Moderation actions are logged in the same
transaction as the change they record, so the log cannot miss one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsdesk import limits
from newsdesk.discussion import limiter, rules
from newsdesk.discussion.markup import fingerprint
from newsdesk.discussion.models import (
    Comment,
    CommentReport,
    ModerationAction,
    Reader,
    SentenceFlag,
    StoryDiscussion,
)
from newsdesk.stories.models import Story

Kind = ModerationAction.Kind


def _log(moderator, kind: str, **fields) -> ModerationAction:
    target = fields.get("target_user")
    return ModerationAction.objects.create(
        moderator=moderator,
        moderator_name=moderator.get_username(),
        kind=kind,
        target_name=target.get_username() if target is not None else "",
        **fields,
    )


# --- Readers ------------------------------------------------------------------------------------


class LimitReached(Exception):
    """A rate limit was reached by requests that arrived at the same time as this one."""

    def __init__(self, refusal: rules.Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


def post_comment(
    story: Story, author: AbstractBaseUser, body: str, address: str, parent: Comment | None = None
) -> Comment:
    """Store a comment; it is published, or held for a moderator when a spam rule says so.

    The caller has checked ``rules.posting_refusal`` and that ``parent`` may be replied to.
    The rate limits are counted again with the insert, in one locked step (limiter.counted):
    comments posted at the same moment never pass them together (``LimitReached``).
    """
    reasons = rules.hold_reasons(author, body, new_comment=True)
    with limiter.counted(f"comment-user:{author.pk}", f"comment-ip:{address}"):
        if refusal := rules.rate_refusal(author, address):
            raise LimitReached(refusal)
        return Comment.objects.create(
            story=story,
            author=author,
            parent=parent,
            depth=parent.depth + 1 if parent else 0,
            body=body,
            fingerprint=fingerprint(body),
            status=Comment.Status.HELD if reasons else Comment.Status.PUBLISHED,
            held_reason=", ".join(reasons),
            client_ip=address,
        )


def edit_comment(comment: Comment, body: str) -> Comment:
    """New text for a comment; an edit that adds a link flood or repeats text is held again."""
    reasons = rules.hold_reasons(comment.author, body, new_comment=False, exclude_pk=comment.pk)
    comment.body = body
    comment.fingerprint = fingerprint(body)
    comment.edited_at = timezone.now()
    if reasons:
        comment.status = Comment.Status.HELD
        comment.held_reason = ", ".join(filter(None, [comment.held_reason, *reasons]))[:200]
    comment.save(update_fields=["body", "fingerprint", "edited_at", "status", "held_reason"])
    return comment


def delete_comment(comment: Comment) -> None:
    """The author's delete: the text is gone for good; replies keep their place under
    "[deleted]"."""
    comment.status = Comment.Status.DELETED
    comment.body = ""
    comment.fingerprint = ""
    comment.save(update_fields=["status", "body", "fingerprint"])


def report_comment(
    comment: Comment, reporter: AbstractBaseUser, reason: str, note: str = ""
) -> bool:
    """File a report; False when this reader had already reported this comment, LimitReached
    when they have filed as many as an hour allows.

    Enough reports from different readers hold a published comment until a moderator looks.
    """
    with limiter.counted(f"report-user:{reporter.pk}"):  # the hourly limit, counted at once
        if refusal := rules.report_refusal(reporter):
            raise LimitReached(refusal)
        try:
            with transaction.atomic():
                CommentReport.objects.create(
                    comment=comment, reporter=reporter, reason=reason, note=note
                )
        except IntegrityError:
            return False
    open_reports = comment.reports.filter(resolved_at__isnull=True).count()
    if comment.is_published and open_reports >= limits.DISCUSSION_REPORTS_TO_HOLD:
        comment.status = Comment.Status.HELD
        comment.held_reason = f"reported by {open_reports} readers"
        comment.save(update_fields=["status", "held_reason"])
    return True


# --- Moderators ---------------------------------------------------------------------------------


def _resolve_reports(comment: Comment, moderator) -> int:
    return comment.reports.filter(resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=moderator
    )


@transaction.atomic
def approve_comment(comment: Comment, moderator) -> None:
    """Publish a held comment, or keep a reported one; its open reports are settled."""
    dismissed = _resolve_reports(comment, moderator)
    was = comment.get_status_display()
    if comment.status == Comment.Status.HELD:
        comment.status = Comment.Status.PUBLISHED
        comment.save(update_fields=["status"])
    detail = f"was {was}" + (f"; {dismissed} report(s) dismissed" if dismissed else "")
    _log(
        moderator,
        Kind.APPROVE,
        comment=comment,
        target_user=comment.author,
        story=comment.story,
        detail=detail,
    )


@transaction.atomic
def remove_comment(comment: Comment, moderator, detail: str = "") -> None:
    """Hide a comment from readers; its replies keep their place under "[removed]"."""
    _resolve_reports(comment, moderator)
    comment.status = Comment.Status.REMOVED
    comment.save(update_fields=["status"])
    _log(
        moderator,
        Kind.REMOVE,
        comment=comment,
        target_user=comment.author,
        story=comment.story,
        detail=detail,
    )


@transaction.atomic
def remove_comments(comments: Iterable[Comment], moderator) -> int:
    """Bulk removal: one logged action per comment, so each can be traced."""
    removed = 0
    for comment in comments:
        if comment.status != Comment.Status.REMOVED:
            remove_comment(comment, moderator, detail="bulk removal")
            removed += 1
    return removed


@transaction.atomic
def mute_reader(user, moderator, until: datetime, reason: str = "") -> None:
    reader, _ = Reader.objects.get_or_create(user=user)
    reader.muted_until = until
    reader.mute_reason = reason
    reader.save(update_fields=["muted_until", "mute_reason"])
    detail = f"until {until:%Y-%m-%d %H:%M} UTC" + (f": {reason}" if reason else "")
    _log(moderator, Kind.MUTE, target_user=user, detail=detail)


@transaction.atomic
def unmute_reader(user, moderator) -> None:
    Reader.objects.filter(user=user).update(muted_until=None, mute_reason="")
    _log(moderator, Kind.UNMUTE, target_user=user)


@transaction.atomic
def ban_reader(user, moderator, reason: str = "") -> None:
    """A ban deactivates the account: Django's auth then refuses its logins and drops its
    sessions at their next request. Its comments stay until removed (see remove_comments)."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    _log(moderator, Kind.BAN, target_user=user, detail=reason)


@transaction.atomic
def unban_reader(user, moderator) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])
    _log(moderator, Kind.UNBAN, target_user=user)


@transaction.atomic
def set_comments_closed(story: Story, closed: bool, moderator) -> None:
    settings, _ = StoryDiscussion.objects.get_or_create(story=story)
    settings.closed = closed
    settings.closed_at = timezone.now() if closed else None
    settings.closed_by = moderator if closed else None
    settings.save()
    _log(moderator, Kind.CLOSE if closed else Kind.REOPEN, story=story)


# --- Editors ------------------------------------------------------------------------------------


@transaction.atomic
def resolve_flag(flag: SentenceFlag, editor, resolution: str) -> None:
    flag.resolution = resolution
    flag.resolved_at = timezone.now()
    flag.resolved_by = editor
    flag.save(update_fields=["resolution", "resolved_at", "resolved_by"])
    kind = Kind.FLAG_FIXED if resolution == SentenceFlag.Resolution.FIXED else Kind.FLAG_DISMISSED
    _log(
        editor,
        kind,
        story=flag.story,
        sentence_flag=flag,
        detail=f"sentence {flag.sentence_index + 1}: {flag.sentence_text[:200]}",
    )
