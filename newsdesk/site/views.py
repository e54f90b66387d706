"""The reader's pages: front page, story, tag, outlet and search pages, robots.txt."""

from __future__ import annotations

import json
from datetime import date

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.views.decorators.http import condition

from newsdesk import limits
from newsdesk.ingest.models import Article, Outlet
from newsdesk.site.charts import coverage_chart
from newsdesk.site.listings import (
    front_page_sections,
    front_page_stories,
    is_developing,
    listing_for,
    visible_stories,
)
from newsdesk.site.search import MAX_QUERY_CHARS, SearchFilters, search
from newsdesk.stories.models import Story, Tag


def site_last_modified(request: HttpRequest, *args, **kwargs):
    """When anything a listing shows last changed: answers If-Modified-Since with a 304."""
    return Story.objects.aggregate(latest=Max("updated_at"))["latest"]


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, limits.STORIES_PER_PAGE).get_page(request.GET.get("page"))


@condition(last_modified_func=site_last_modified)
def front_page(request: HttpRequest) -> HttpResponse:
    top = front_page_stories(limits.STORIES_PER_PAGE)
    context = {
        "top": top[: limits.FRONT_PAGE_TOP],
        "sections": front_page_sections(top[limits.FRONT_PAGE_TOP :]),
        "feed_base": "/",
    }
    return render(request, "site/front.html", context)


def story_last_modified(request: HttpRequest, slug: str):
    return Story.objects.filter(slug=slug).values_list("updated_at", flat=True).first()


def story_page(request: HttpRequest, slug: str) -> HttpResponse:
    story = get_object_or_404(Story, slug=slug)
    if story.merged_into_id:
        # Merged by an editor: the old URL keeps working.
        return redirect(story.merged_into, permanent=True)
    # The story's own part is the same for every reader until the story changes: its HTML is
    # cached under a key holding the update time, so a change is a new key (nothing to
    # invalidate). Comments and the account bar are rendered per reader around it.
    developing = is_developing(story)
    key = f"story-html:{story.pk}:{story.updated_at.timestamp()}:{developing}:{request.get_host()}"
    body = cache.get(key)
    if body is None:
        context = {**_story_body(request, story), "story": story, "developing": developing}
        body = {
            "body_html": mark_safe(render_to_string("site/_story_body.html", context, request)),
            **{k: context[k] for k in ("description", "canonical_url", "json_ld")},
        }
        cache.set(key, body, limits.PAGE_CACHE_SECONDS)
    response = render(request, "site/story.html", {**body, "story": story})
    response.headers.setdefault("Last-Modified", http_date(story.updated_at.timestamp()))
    return response


def _story_body(request: HttpRequest, story: Story) -> dict:
    articles = list(
        Article.objects.filter(membership__story=story)
        .select_related("outlet", "membership__duplicate_of__outlet")
        # The page shows titles and links, never the text.
        .defer("text", "feed_text", "grouping_features")
        .order_by("published", "pk")
    )
    by_id = {a.pk: a for a in articles}
    sentences = []
    for sentence in story.brief.get("sentences", []):
        sources = [
            {"article": by_id[ref["id"]], "sentence_index": ref["sentence_index"]}
            for ref in sentence.get("sources", [])
            if ref.get("id") in by_id
        ]
        sentences.append({"text": sentence["text"], "sources": sources})
    outlets = list({a.outlet.pk: a.outlet for a in articles}.values())
    tags = [st.tag for st in story.story_tags.filter(tag__hidden=False).select_related("tag")]
    url = request.build_absolute_uri(story.get_absolute_url())
    description = sentences[0]["text"] if sentences else story.headline
    json_ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.headline[:110],
        "description": description,
        "datePublished": story.first_published.isoformat() if story.first_published else None,
        "dateModified": story.last_published.isoformat() if story.last_published else None,
        "url": url,
        "mainEntityOfPage": url,
        "keywords": [t.name for t in tags],
        "isBasedOn": [a.url for a in articles if a.url],
        "publisher": {"@type": "Organization", "name": "newsdesk"},
    }
    return {
        "sentences": sentences,
        "articles": articles,
        "outlets": outlets,
        "tags": tags,
        "only_in": story.only_in,
        "chart": coverage_chart(articles),
        "description": description,
        "canonical_url": url,
        # Escaped for a <script> element: "</" cannot close it early.
        "json_ld": json.dumps(json_ld, ensure_ascii=False).replace("</", "<\\/"),
    }


def tag_page(request: HttpRequest, slug: str) -> HttpResponse:
    merged = Tag.objects.filter(slug=slug, merged_into__isnull=False).first()
    if merged:
        # An editor merged this tag: its address leads to the tag it became.
        return redirect(merged.merged_into, permanent=True)
    return _tag_listing(request, slug)


@condition(last_modified_func=site_last_modified)
def _tag_listing(request: HttpRequest, slug: str) -> HttpResponse:
    listing = listing_for("tag", slug)
    context = {
        "listing": listing,
        "page": _page(request, listing.stories),
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


@condition(last_modified_func=site_last_modified)
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
        "page": _page(request, listing.stories),
        "alone": alone,
        "feed_base": listing.feed_base,
    }
    return render(request, "site/outlet.html", context)


def _date_param(request: HttpRequest, name: str, problems: list[str]) -> date | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(
            f"“{raw[:40]}” is not a date like 2026-11-21; the {name} filter was ignored."
        )
        return None


def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    problems: list[str] = []
    filters = SearchFilters(
        outlet=request.GET.get("outlet", "")[:200],
        tag=request.GET.get("tag", "")[:200],
        since=_date_param(request, "from", problems),
        until=_date_param(request, "to", problems),
    )
    page_size = limits.SEARCH_RESULTS_PER_PAGE
    try:
        page = max(1, min(int(request.GET.get("page", 1)), 10_000))
    except ValueError:
        page = 1
    results = search(query, filters, limit=page_size, offset=(page - 1) * page_size)
    if len(query) > MAX_QUERY_CHARS:
        problems.append(
            f"Your search was long; only its first {MAX_QUERY_CHARS} characters were used."
        )
    if query.strip() and not results.terms:
        problems.append("Search for words: punctuation and symbols alone match nothing.")
    pages = max(1, -(-results.total // page_size))
    if results.total and page > pages:
        problems.append(f"There are only {pages} page(s) of results.")
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
    }
    return render(request, "site/search.html", context)


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
