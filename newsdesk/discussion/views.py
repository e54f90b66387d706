"""Readers' pages: post, reply, edit, delete and report comments; flag a brief sentence;
profiles. Every page works without JavaScript: each action has a page of its own, and the
story page's script only brings the reply form inline."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from newsdesk import limits
from newsdesk.discussion import actions, limiter, rules, throttle
from newsdesk.discussion.forms import CommentForm, ReportCommentForm, SentenceFlagForm
from newsdesk.discussion.models import Comment, SentenceFlag
from newsdesk.discussion.thread import DEFAULT_SORT, PAGE_PARAMETER, build_threads, page_of
from newsdesk.site.params import page_of as checked_page
from newsdesk.stories.models import Story


def _story_or_404(slug: str) -> Story:
    return get_object_or_404(Story, slug=slug, merged_into__isnull=True)


def _comment_url(comment: Comment) -> str:
    """The story page showing ``comment``: the comments page its thread is on, by default sort."""
    story = comment.story
    ids = [story.pk, *Story.objects.filter(merged_into=story).values_list("pk", flat=True)]
    threads, _ = build_threads(
        list(Comment.objects.filter(story_id__in=ids)), comment.author_id, DEFAULT_SORT
    )
    page = page_of(threads, comment, limits.DISCUSSION_THREADS_PER_PAGE)
    query = f"?{PAGE_PARAMETER}={page}" if page > 1 else ""
    return f"{story.get_absolute_url()}{query}#{comment.anchor}"


def _posted_message(request: HttpRequest, comment: Comment) -> None:
    if comment.status == Comment.Status.HELD:
        messages.info(
            request,
            "Thanks. Your comment waits for a moderator before others can see it "
            f"({comment.held_reason}).",
        )
    else:
        messages.success(request, "Your comment is published.")


def _form_page(request, template: str, context: dict, status: int) -> HttpResponse:
    return render(request, f"discussion/{template}", context, status=status)


@require_http_methods(["GET", "POST"])
def post_comment(request: HttpRequest, slug: str) -> HttpResponse:
    """A comment on the story (the form is on the story page; this page shows its errors)."""
    story = _story_or_404(slug)
    if request.method == "GET":
        return redirect(f"{story.get_absolute_url()}#comments")
    if not request.user.is_authenticated:
        return redirect_to_login(f"{story.get_absolute_url()}#comments")
    return _save_new_comment(request, story, parent=None)


@require_http_methods(["GET", "POST"])
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    parent = get_object_or_404(Comment.objects.select_related("story", "author"), pk=pk)
    if not rules.can_reply_to(parent):
        raise Http404("This comment cannot be replied to.")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        return _save_new_comment(request, parent.story, parent=parent)
    form = CommentForm(label=f"Your reply to {parent.author.get_username()}")
    return _form_page(
        request, "reply.html", {"form": form, "parent": parent, "story": parent.story}, 200
    )


def _save_new_comment(request: HttpRequest, story: Story, parent: Comment | None):
    address = throttle.client_ip(request)
    label = f"Your reply to {parent.author.get_username()}" if parent else None
    form = CommentForm(request.POST, label=label)
    refusal = rules.posting_refusal(request.user, story, address)
    if refusal is None and form.is_valid():
        try:
            comment = actions.post_comment(
                story, request.user, form.cleaned_data["body"], address, parent=parent
            )
        except actions.LimitReached as reached:
            refusal = reached.refusal
        else:
            _posted_message(request, comment)
            return redirect(_comment_url(comment))
    if refusal is not None:
        form.is_valid()  # keeps the reader's text in the form
        form.add_error(None, refusal.message)
    context = {"form": form, "parent": parent, "story": story}
    template = "reply.html" if parent else "comment_form.html"
    return _form_page(request, template, context, refusal.status if refusal else 400)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("story"), pk=pk)
    if comment.author_id != request.user.pk:
        raise PermissionDenied("Only its author can edit a comment.")
    if not rules.can_edit(request.user, comment) or rules.comments_closed(comment.story):
        messages.error(request, "This comment can no longer be edited.")
        return redirect(_comment_url(comment))
    if reader := rules.active_mute(request.user):
        messages.error(request, f"Your account is muted until {reader.muted_until:%-d %B %Y}.")
        return redirect(_comment_url(comment))
    form = CommentForm(request.POST or None, initial={"body": comment.body}, label="Your comment")
    if request.method == "POST" and form.is_valid():
        actions.edit_comment(comment, form.cleaned_data["body"])
        if comment.status == Comment.Status.HELD:
            messages.info(request, "Saved. Your comment waits for a moderator.")
        else:
            messages.success(request, "Your comment is updated.")
        return redirect(_comment_url(comment))
    context = {"form": form, "comment": comment, "deadline": rules.edit_deadline(comment)}
    return _form_page(request, "edit.html", context, 400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("story"), pk=pk)
    if comment.author_id != request.user.pk:
        raise PermissionDenied("Only its author can delete a comment.")
    if not rules.can_delete(request.user, comment):
        raise Http404("This comment is already gone.")
    if request.method == "POST":
        actions.delete_comment(comment)
        messages.success(request, "Your comment is deleted.")
        return redirect(f"{comment.story.get_absolute_url()}#comments")
    return _form_page(request, "delete.html", {"comment": comment}, 200)


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("story", "author"), pk=pk)
    if not rules.can_report(request.user, comment):
        raise PermissionDenied("You cannot report this comment.")
    form = ReportCommentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        refusal = rules.report_refusal(request.user)
        if refusal:
            form.add_error(None, refusal.message)
            status = refusal.status
        elif form.is_valid():
            try:
                new = actions.report_comment(
                    comment, request.user, form.cleaned_data["reason"], form.cleaned_data["note"]
                )
            except actions.LimitReached as reached:
                form.add_error(None, reached.refusal.message)
                context = {"form": form, "comment": comment}
                return _form_page(request, "report.html", context, reached.refusal.status)
            messages.success(
                request,
                "Thank you: a moderator will look at this comment."
                if new
                else "You have already reported this comment; a moderator will look at it.",
            )
            return redirect(_comment_url(comment))
        else:
            status = 400
    return _form_page(request, "report.html", {"form": form, "comment": comment}, status)


def comment_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    """A comment's lasting address: its place on the story page."""
    comment = get_object_or_404(Comment.objects.select_related("story"), pk=pk)
    story = comment.story
    if story.merged_into_id:
        story = story.merged_into
    return redirect(f"{story.get_absolute_url()}#{comment.anchor}")


@require_http_methods(["GET", "POST"])
def flag_sentence(request: HttpRequest, slug: str, index: int) -> HttpResponse:
    """Report inaccuracy: open to every reader, account or not (a reader who spots an error
    should not have to sign up first). Flags are only ever shown to editors, and a per-address
    rate limit keeps a script from flooding their queue."""
    story = _story_or_404(slug)
    sentences = story.brief.get("sentences", []) if isinstance(story.brief, dict) else []
    if index >= len(sentences):
        raise Http404("The brief has no such sentence (it may have been rewritten).")
    sentence = sentences[index]
    form = SentenceFlagForm(request.POST or None)
    status = 200
    if request.method == "POST":
        address = throttle.client_ip(request)
        if form.is_valid():
            # Counted and stored in one locked step: reports sent together share the limit.
            with limiter.counted(f"flag-ip:{address}"):
                hour_ago = timezone.now() - timedelta(hours=1)
                recent = SentenceFlag.objects.filter(client_ip=address, created_at__gte=hour_ago)
                allowed = recent.count() < limits.DISCUSSION_SENTENCE_FLAGS_PER_IP_PER_HOUR
                already = recent.filter(
                    story=story, sentence_index=index, resolved_at__isnull=True
                ).exists()
                if allowed and not already:
                    SentenceFlag.objects.create(
                        story=story,
                        sentence_index=index,
                        sentence_text=sentence.get("text", ""),
                        sources=sentence.get("sources", []),
                        kind=form.cleaned_data["kind"],
                        note=form.cleaned_data["note"],
                        reporter=request.user if request.user.is_authenticated else None,
                        client_ip=address,
                    )
            if allowed:
                messages.success(request, "Thank you: an editor will check this sentence.")
                return redirect(f"{story.get_absolute_url()}#brief-sentence-{index}")
            form.add_error(
                None, "We have had many reports from your network this hour; please try later."
            )
            status = 429
        else:
            status = 400
    context = {"form": form, "story": story, "index": index, "sentence": sentence}
    return _form_page(request, "flag_sentence.html", context, status)


def profile(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(get_user_model(), username=username)
    own = request.user.is_authenticated and request.user.pk == person.pk
    shown = [Comment.Status.PUBLISHED, Comment.Status.HELD] if own else [Comment.Status.PUBLISHED]
    comments = (
        Comment.objects.filter(author=person, status__in=shown)
        .select_related("story")
        .order_by("-created_at", "-pk")
    )
    page = checked_page(Paginator(comments, 20), request)
    context = {
        "person": person,
        "page": page,
        "own": own,
        "is_moderator": rules.is_moderator(request.user),
        "mute": rules.active_mute(person) if own else None,
    }
    return render(request, "discussion/profile.html", context)


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    return redirect("discussion:profile", username=request.user.get_username())
