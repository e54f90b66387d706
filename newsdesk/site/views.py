"""The reader's pages: front page, story, tag, outlet and search pages, robots.txt.

Thin views: what a listing shows comes from listings.py, a story page from story_page.py."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from newsdesk import limits
from newsdesk.ingest.models import Article, Feed, Outlet
from newsdesk.search.query import MAX_QUERY_CHARS, SearchFilters, SearchResults, search
from newsdesk.site.listings import (
    front_page_sections,
    front_page_stories,
    listing_for,
    story_cards,
    visible_stories,
)
from newsdesk.site.pagecache import listing
from newsdesk.site.params import (
    BadParameter,
    day,
    page_number,
    page_of,
    search_filters,
)
from newsdesk.site.story_page import page_stories, story_response
from newsdesk.stories.models import Story, Tag


def _page(request: HttpRequest, queryset):
    return page_of(Paginator(queryset, limits.STORIES_PER_PAGE), request)


@listing
def front_page(request: HttpRequest) -> HttpResponse:
    top = front_page_stories(limits.STORIES_PER_PAGE)
    context = {
        "top_cards": story_cards(top[: limits.FRONT_PAGE_TOP]),
        "sections": [
            (tag, story_cards(stories))
            for tag, stories in front_page_sections(top[limits.FRONT_PAGE_TOP :])
        ],
        "feed_base": "/",
    }
    if not top:
        context["waiting"] = _waiting()
    return render(request, "site/front.html", context)


def _waiting() -> dict[str, int]:
    """What an empty front page is waiting for: followed feeds, and articles stored but not
    yet in a story (a first import extracts every page before grouping, see
    ``limits.GROUPING_TASK_PRIORITY``, so a new reader sees work in progress, not nothing)."""
    return {
        "feeds": Feed.objects.filter(gone=False).count(),
        "articles": Article.objects.filter(processed_at__isnull=True).count(),
    }


def story_page(request: HttpRequest, slug: str) -> HttpResponse:
    story = get_object_or_404(page_stories(), slug=slug)
    if story.merged_into_id:
        # Merged by an editor: the old URL keeps working.
        return redirect(Story.objects.get(pk=story.merged_into_id), permanent=True)
    return story_response(request, story)


def tag_page(request: HttpRequest, slug: str) -> HttpResponse:
    merged = Tag.objects.filter(slug=slug, merged_into__isnull=False).first()
    if merged:
        # An editor merged this tag: its address leads to the tag it became.
        return redirect(merged.merged_into, permanent=True)
    return _tag_listing(request, slug)


@listing
def _tag_listing(request: HttpRequest, slug: str) -> HttpResponse:
    listing = listing_for("tag", slug)
    context = {
        "listing": listing,
        "page": (page := _page(request, listing.stories)),
        "cards": story_cards(page),
        "related": _related_tags(listing.stories, exclude_slug=slug),
        "feed_base": listing.feed_base,
    }
    return render(request, "site/tag.html", context)


def _related_tags(stories, exclude_slug: str, count: int = 8):
    """Tags that most often share a story with this one (among its newest 200 stories)."""
    return (
        Tag.objects.filter(story_tags__story__in=stories.values("pk")[:200], hidden=False)
        .exclude(slug=exclude_slug)
        .annotate(shared=Count("story_tags"))
        .order_by("-shared", "name")[:count]
    )


@listing
def outlet_page(request: HttpRequest, slug: str) -> HttpResponse:
    listing = listing_for("outlet", slug)
    outlet = get_object_or_404(Outlet, slug=slug)
    # Stories only this outlet's publisher covered: nobody else corroborates them.
    alone = (
        visible_stories()
        .filter(memberships__article__outlet=outlet, outlet_count=1)
        .distinct()
        .order_by("-last_published")[:10]
    )
    context = {
        "listing": listing,
        "outlet": outlet,
        "page": (page := _page(request, listing.stories)),
        "cards": story_cards(page),
        "alone": alone,
        "feed_base": listing.feed_base,
    }
    return render(request, "site/outlet.html", context)


def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    problems: list[str] = []
    page_size = limits.SEARCH_RESULTS_PER_PAGE
    try:
        filters = search_filters(
            request.GET.get("outlet", ""),
            request.GET.get("tag", ""),
            day(request.GET.get("from", ""), "from"),
            day(request.GET.get("to", ""), "to"),
        )
        page = page_number(request)
    except BadParameter as bad:
        # The search page again, with the reader's words and the reason: a 400.
        return _search_response(request, query, SearchFilters(), [str(bad)], 1, None, 400)
    results = search(query, filters, limit=page_size, offset=(page - 1) * page_size)
    if len(query) > MAX_QUERY_CHARS:
        problems.append(
            f"Your search was long; only its first {MAX_QUERY_CHARS} characters were used."
        )
    if query.strip() and not results.terms:
        problems.append("Search for words: punctuation and symbols alone match nothing.")
    pages = max(1, -(-results.total // page_size))
    if page > pages:
        problems.append(f"There is no page {page}: there are {pages} page(s) of results.")
        return _search_response(request, query, filters, problems, page, None, 400)
    return _search_response(request, query, filters, problems, page, results, 200)


def _search_response(request, query, filters, problems, page, results, status) -> HttpResponse:
    page_size = limits.SEARCH_RESULTS_PER_PAGE
    pages = max(1, -(-results.total // page_size)) if results else 1
    results = results or SearchResults([], [], 0)
    context = {
        "query": query,
        "results": results,
        "filters": filters,
        "problems": problems,
        "page": page,
        "pages": pages,
        "outlets": Outlet.objects.order_by("name"),
        "next_page": page + 1 if page < pages else None,
        "previous_page": page - 1 if 1 < page <= pages else None,
        "feed_base": reverse("search") + "/",
        "feed_query": "?q=" + query[:500] if query.strip() else "",
        "refused": status != 200,  # the form and the reason only
    }
    return render(request, "site/search.html", context, status=status)


def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search",
        "Disallow: /accounts/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True, "stories": Story.objects.count()})


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """404 for the whole site: JSON under /api/, a page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": f"no such API address: {request.path[:200]}; see /api/openapi.json"},
            status=404,
        )
    return render(request, "site/404.html", {"path": request.path[:200]}, status=404)
