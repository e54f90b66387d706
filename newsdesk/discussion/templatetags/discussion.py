"""Template tags that bring the discussion into the site's templates without touching their
views: ``{% comments_for story %}``, ``{{ text|render_comment }}``, ``{% moderation_counts %}``.
"""

from __future__ import annotations

from django import template
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db import connection
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from newsdesk import limits
from newsdesk.discussion import rules
from newsdesk.discussion.forms import CommentForm
from newsdesk.discussion.markup import render_comment as render_markup
from newsdesk.discussion.models import Comment, DiscussionChange, SentenceFlag
from newsdesk.discussion.moderation import queue_counts
from newsdesk.discussion.thread import DEFAULT_SORT, PAGE_PARAMETER, SORTS, Node, build_threads
from newsdesk.site.params import page_of
from newsdesk.stories.models import Story

register = template.Library()


@register.filter
def render_comment(text: str):
    """A comment body as sanitised HTML (the only way comment text reaches a page)."""
    return render_markup(text or "")


def _annotate(nodes: list[Node], user) -> None:
    for node in nodes:
        comment = node.comment
        node.can_reply = node.shown and user.is_authenticated and rules.can_reply_to(comment)
        node.can_edit = node.shown and rules.can_edit(user, comment)
        node.can_delete = node.shown and rules.can_delete(user, comment)
        node.can_report = node.shown and rules.can_report(user, comment)
        _annotate(node.children, user)


_DISCUSSED_SQL = (
    f"SELECT s.id FROM {Story._meta.db_table} s"
    f" JOIN {DiscussionChange._meta.db_table} d ON d.story_id = s.id"
    " WHERE s.id = %s OR s.merged_into_id = %s"
)


@register.simple_tag(takes_context=True)
def comments_for(context, story) -> str:
    """The comments section of a story page: the form, sorting, and the threads (rendered with
    Jinja2, newsdesk/discussion/jinja2/discussion/comment_section.html)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user") or AnonymousUser()
    sort = request.GET.get("sort", DEFAULT_SORT) if request is not None else DEFAULT_SORT
    if sort not in SORTS:
        sort = DEFAULT_SORT
    # Comments made on stories an editor later merged into this one come along.
    # The ids first: an OR across a join made SQLite scan every comment on the site
    # (bench/site.py); story_id IN (...) uses the index.
    # Only stories whose discussion ever changed (a DiscussionChange row) can have comments or
    # be closed: on most stories this one query is all the section needs.
    # Plain SQL: built through the ORM this one query cost a tenth of an uncached story page.
    with connection.cursor() as cursor:
        cursor.execute(_DISCUSSED_SQL, [story.pk, story.pk])
        discussed = [pk for (pk,) in cursor.fetchall()]
    comments = (
        list(Comment.objects.filter(story_id__in=discussed).select_related("author"))
        if discussed
        else []
    )
    threads, total = build_threads(comments, user.pk if user.is_authenticated else None, sort)
    closed = story.pk in discussed and rules.comments_closed(story)
    paginator = Paginator(threads, limits.DISCUSSION_THREADS_PER_PAGE)
    # A comments page past the last is a 400 (params.BadParameter), as on every listing.
    page = page_of(paginator, request, PAGE_PARAMETER) if request is not None else paginator.page(1)
    threads = list(page)  # only this page's threads are annotated and rendered
    _annotate(threads, user)
    if closed:
        for node in threads:
            _close(node)
    section = {
        "story": story,
        "threads": threads,
        "page": page,
        "page_parameter": PAGE_PARAMETER,
        "total": total,
        "sort": sort,
        "sorts": SORTS,
        "closed": closed,
        "user": user,
        "request": request,
        "form": CommentForm() if user.is_authenticated else None,  # only readers post
        "mute": rules.active_mute(user) if user.is_authenticated else None,
        "is_moderator": rules.is_moderator(user),
    }
    # With the request, Jinja2 gets csrf_input for the forms. Its output is escaped HTML.
    return mark_safe(  # noqa: S308 - Jinja2 autoescapes every value it renders
        render_to_string(
            "discussion/comment_section.html", section, request=request, using="jinja2"
        )
    )


def _close(node: Node) -> None:
    # On a closed story nobody replies or edits; authors may still delete, readers report.
    node.can_reply = node.can_edit = False
    for child in node.children:
        _close(child)


@register.simple_tag
def moderation_counts(user) -> dict[str, int | None]:
    """Items waiting in the queues this user may see (None: not theirs to see)."""
    counts: dict[str, int | None] = {"comments": None, "flags": None}
    if rules.is_moderator(user):
        counts["comments"] = queue_counts()["total"]
    if rules.is_editor(user):
        counts["flags"] = SentenceFlag.objects.filter(resolved_at__isnull=True).count()
    return counts
