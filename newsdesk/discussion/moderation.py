"""Moderators' and editors' pages: the comment queue, one reader's comments and standing,
closing a story's comments, and the queue of brief sentences readers flagged."""

from __future__ import annotations

from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from newsdesk import limits
from newsdesk.core.text import split_sentences
from newsdesk.discussion import actions, rules
from newsdesk.discussion.accounts import safe_next
from newsdesk.discussion.forms import BanForm, MuteForm
from newsdesk.discussion.models import (
    Comment,
    CommentReport,
    ModerationAction,
    Reader,
    SentenceFlag,
)
from newsdesk.ingest.models import Article
from newsdesk.stories.models import Story


def _requires(check, what: str):
    """Logged-out readers are sent to log in; logged-in ones without the right get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied(f"Only {what} can see this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


moderator_required = _requires(rules.is_moderator, "moderators")
editor_required = _requires(rules.is_editor, "editors")


def _open_reports():
    return Prefetch(
        "reports",
        queryset=CommentReport.objects.filter(resolved_at__isnull=True).select_related("reporter"),
        to_attr="open_reports",
    )


def queue_counts() -> dict[str, int]:
    held = Comment.objects.filter(status=Comment.Status.HELD).count()
    reported = (
        Comment.objects.filter(
            # Both conditions on one join; alone, "resolved_at is null" also matches the
            # outer join's empty row of a comment that has no report at all.
            status=Comment.Status.PUBLISHED,
            reports__isnull=False,
            reports__resolved_at__isnull=True,
        )
        .distinct()
        .count()
    )
    return {"held": held, "reported": reported, "total": held + reported}


@moderator_required
def queue(request: HttpRequest) -> HttpResponse:
    base = Comment.objects.select_related("story", "author", "parent__author").prefetch_related(
        _open_reports()
    )
    held = base.filter(status=Comment.Status.HELD).order_by("created_at", "pk")
    reported = (
        base.filter(status=Comment.Status.PUBLISHED)
        .annotate(open_count=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        .filter(open_count__gt=0)
        .order_by("-open_count", "created_at", "pk")
    )
    context = {
        "held": held,
        "reported": reported,
        "recent_actions": ModerationAction.objects.select_related("comment")[:15],
    }
    return render(request, "discussion/moderation/queue.html", context)


@moderator_required
@require_POST
def act_on_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: approve (publish a held comment, or keep a reported one) or remove."""
    comment = get_object_or_404(Comment.objects.select_related("story", "author"), pk=pk)
    action = request.POST.get("action")
    if action == "approve":
        actions.approve_comment(comment, request.user)
        messages.success(request, f"Comment by {comment.author} approved.")
    elif action == "remove":
        actions.remove_comment(comment, request.user)
        messages.success(request, f"Comment by {comment.author} removed.")
    else:
        messages.error(request, "Choose approve or remove.")
    return redirect(safe_next(request, "discussion:moderation-queue"))


@moderator_required
def reader(request: HttpRequest, username: str) -> HttpResponse:
    """One reader: their recent comments (to remove in bulk), their standing, mute and ban."""
    person = get_object_or_404(get_user_model(), username=username)
    recent = (
        Comment.objects.filter(author=person)
        .select_related("story")
        .prefetch_related(_open_reports())
        .order_by("-created_at", "-pk")[: limits.DISCUSSION_MODERATION_RECENT_COMMENTS]
    )
    standing = Reader.objects.filter(user=person).first()
    context = {
        "person": person,
        "recent": recent,
        "standing": standing,
        "muted": standing is not None and standing.is_muted,
        "may_restrict": rules.may_restrict(request.user, person),
        "mute_form": MuteForm(),
        "ban_form": BanForm(),
        "history": ModerationAction.objects.filter(target_user=person)[:20],
    }
    return render(request, "discussion/moderation/reader.html", context)


@moderator_required
@require_POST
def reader_action(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(get_user_model(), username=username)
    back = redirect("discussion:moderation-reader", username=person.get_username())
    action = request.POST.get("action")
    if action in ("remove-selected", "remove-all"):
        chosen = Comment.objects.filter(
            author=person, status__in=[Comment.Status.PUBLISHED, Comment.Status.HELD]
        )
        if action == "remove-selected":
            ids = [i for i in request.POST.getlist("comment") if i.isdigit()]
            chosen = chosen.filter(pk__in=ids)
        removed = actions.remove_comments(chosen.select_related("story", "author"), request.user)
        messages.success(request, f"Removed {removed} comment(s) by {person}.")
        return back
    if not rules.may_restrict(request.user, person):
        raise PermissionDenied("Moderators cannot mute or ban themselves or other moderators.")
    if action == "mute":
        form = MuteForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose how long to mute for.")
            return back
        until = timezone.now() + timedelta(days=form.cleaned_data["days"])
        actions.mute_reader(person, request.user, until, form.cleaned_data["reason"])
        messages.success(request, f"{person} is muted until {until:%-d %B %Y}.")
    elif action == "unmute":
        actions.unmute_reader(person, request.user)
        messages.success(request, f"{person} may post again.")
    elif action == "ban":
        form = BanForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        actions.ban_reader(person, request.user, reason)
        messages.success(request, f"{person} is banned: the account can no longer log in.")
    elif action == "unban":
        actions.unban_reader(person, request.user)
        messages.success(request, f"{person} is no longer banned.")
    else:
        messages.error(request, "Unknown action.")
    return back


@moderator_required
@require_POST
def story_comments(request: HttpRequest, slug: str) -> HttpResponse:
    """Close or reopen comments on a story."""
    story = get_object_or_404(Story, slug=slug)
    closed = request.POST.get("closed") == "1"
    actions.set_comments_closed(story, closed, request.user)
    messages.success(request, "Comments are closed." if closed else "Comments are open again.")
    return redirect(f"{story.get_absolute_url()}#comments")


def _provenance(flag: SentenceFlag, articles: dict[int, Article]) -> list[dict]:
    """Each source the flagged sentence came from, with the source sentence itself."""
    found = []
    for ref in flag.sources or []:
        article = articles.get(ref.get("id"))
        index = ref.get("sentence_index")
        source_text = ""
        if article is not None and isinstance(index, int):
            sentences = split_sentences(article.body)
            if 0 <= index < len(sentences):
                source_text = sentences[index].text
        found.append({"article": article, "id": ref.get("id"), "index": index, "text": source_text})
    return found


@editor_required
def flag_queue(request: HttpRequest) -> HttpResponse:
    flags = list(
        SentenceFlag.objects.filter(resolved_at__isnull=True)
        .select_related("story", "reporter")
        .order_by("created_at", "pk")[:200]
    )
    ids = {ref.get("id") for flag in flags for ref in flag.sources or []}
    articles = Article.objects.filter(pk__in=[i for i in ids if isinstance(i, int)])
    by_id = {a.pk: a for a in articles.select_related("outlet")}
    items = []
    for flag in flags:
        current = (flag.story.brief or {}).get("sentences", [])
        now = current[flag.sentence_index]["text"] if flag.sentence_index < len(current) else ""
        items.append(
            {
                "flag": flag,
                "provenance": _provenance(flag, by_id),
                "changed": now != flag.sentence_text,
            }
        )
    return render(request, "discussion/moderation/flags.html", {"items": items})


@editor_required
@require_POST
def resolve_flag(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_object_or_404(SentenceFlag, pk=pk, resolved_at__isnull=True)
    resolution = request.POST.get("resolution")
    if resolution not in (SentenceFlag.Resolution.FIXED, SentenceFlag.Resolution.DISMISSED):
        messages.error(request, "Choose fixed or dismissed.")
    else:
        actions.resolve_flag(flag, request.user, resolution)
        messages.success(request, f"Flag on “{flag.story}” marked {resolution}.")
    return redirect("discussion:flag-queue")
