"""The reader's pages: front page, story, tag, outlet and search pages, robots.txt."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from urllib.parse import quote

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django.utils.safestring import mark_safe

from newsdesk import limits
from newsdesk.core.weburl import web_url
from newsdesk.discussion.thread import DEFAULT_SORT, PAGE_PARAMETER, SORTS
from newsdesk.ingest.models import Article, Feed, Outlet
from newsdesk.search.query import MAX_QUERY_CHARS, SearchFilters, SearchResults, search
from newsdesk.site.charts import coverage_chart, display_time
from newsdesk.site.listings import (
    front_page_sections,
    front_page_stories,
    is_developing,
    listing_for,
    story_cards,
    visible_stories,
)
from newsdesk.site.middleware import is_anonymous_reader
from newsdesk.site.pagecache import listing
from newsdesk.site.params import (
    BadParameter,
    day,
    page_number,
    page_of,
    search_filters,
)
from newsdesk.stories.models import SLUG_MARKER, Story, Tag, slug_url, url_parts


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
    story = get_object_or_404(Story, slug=slug)
    if story.merged_into_id:
        # Merged by an editor: the old URL keeps working.
        return redirect(Story.objects.get(pk=story.merged_into_id), permanent=True)
    # Every key below holds the times the story and its discussion last changed, so a change
    # is a new key: nothing is ever invalidated, nothing stale is ever served.
    developing = is_developing(story)
    changed = story.page_changed_at
    version = (
        f"{story.pk}:{changed.timestamp()}:{developing}:{request.scheme}://{request.get_host()}"
    )
    # Checked here, before any cache: a bad page is a 400, and keys hold only valid values.
    comments_page = page_number(request, PAGE_PARAMETER)
    sort = request.GET.get("sort", "")
    sort = sort if sort in SORTS else DEFAULT_SORT  # an unknown order shows the default one
    anonymous = request.method in ("GET", "HEAD") and is_anonymous_reader(request)
    if anonymous:
        # A reader who is not signed in gets the page every such reader gets: cached whole.
        page_key = f"story-page:{version}:{sort}:{comments_page}"
        if cached := cache.get(page_key):
            html, etag = cached
            return _story_response(html, etag, changed)
    # The story's own part is the same for every reader until the story changes: cached too,
    # so a signed-in reader's page renders only the comments and the account bar.
    key = f"story-html:{version}"
    body = cache.get(key)
    if body is None:
        context = _story_body(request, story, developing)
        body = {
            "body_html": mark_safe(
                render_to_string("site/story_body.html", context, using="jinja2")
            ),
            **{k: context[k] for k in ("description", "canonical_url", "json_ld")},
        }
        cache.set(key, body, limits.PAGE_CACHE_SECONDS)
    response = render(request, "site/story.html", {**body, "story": story})
    if anonymous and response.status_code == 200 and not response.cookies:
        html = response.content
        etag = f'"{hashlib.md5(html, usedforsecurity=False).hexdigest()}"'
        cache.set(page_key, (html, etag), limits.PAGE_CACHE_SECONDS)
        return _story_response(html, etag, changed)
    response.headers.setdefault("Last-Modified", http_date(changed.timestamp()))
    return response


def _story_response(html: bytes, etag: str, changed) -> HttpResponse:
    response = HttpResponse(html)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(changed.timestamp())
    return response


def _when(moment) -> dict | None:
    if moment is None:
        return None
    return {"iso": timezone.localtime(moment).isoformat(), "text": display_time(moment)}


# One query for the story's sources: titles, links, outlets and wire copies, never the text.
# Plain SQL (the same on SQLite and PostgreSQL): building it through the ORM cost more than
# running it, on the path every first view of a story takes (bench/site.py).
_SOURCES_SQL = """
    SELECT a.id, a.url, a.title, a.published, o.id, o.name, o.slug, dup_o.name
    FROM stories_membership m
    JOIN ingest_article a ON a.id = m.article_id
    JOIN ingest_outlet o ON o.id = a.outlet_id
    LEFT JOIN ingest_article dup ON dup.id = m.duplicate_of_id
    LEFT JOIN ingest_outlet dup_o ON dup_o.id = dup.outlet_id
    WHERE m.story_id = %s
    ORDER BY a.published, a.id"""
_TAGS_SQL = """
    SELECT t.name, t.slug FROM stories_storytag st JOIN stories_tag t ON t.id = st.tag_id
    WHERE st.story_id = %s AND NOT t.hidden ORDER BY st.rank, st.id"""


@dataclass
class _Source:
    """What the story page shows of one source article (and what the chart needs)."""

    id: int
    url: str
    title: str
    published: datetime | None
    outlet: SimpleNamespace
    duplicate_of: str | None


def _flag_url(slug: str, index: int) -> str:
    """``reverse("discussion:flag-sentence", args=[slug, index])`` without the resolver: a
    story page links every brief sentence to its report form."""
    before, between, after = url_parts("discussion:flag-sentence", SLUG_MARKER, 987654321)
    return f"{before}{slug}{between}{index}{after}"


def _cited_outlets(
    refs: list[dict], by_id: dict[int, _Source], passages: dict[str, str]
) -> list[dict]:
    """A brief sentence's sources, one entry per outlet (a sentence several of one outlet's
    articles carry names the outlet once; its other articles follow as numbered links). Each
    link opens the article at the cited sentence where the browser supports text fragments,
    and its hover text is that sentence."""
    by_outlet: dict[str, dict] = {}
    for ref in refs:
        source = by_id.get(ref.get("id"))
        if source is None:
            continue
        number = ref.get("sentence_index", 0) + 1
        passage = passages.get(f"{ref['id']}:{number - 1}", "")
        link = {
            "url": passage_link(source.url, passage),
            "title": f"{source.outlet.name}, sentence {number}"
            + (f": “{_shorten(passage)}”" if passage else ""),
        }
        cited = by_outlet.get(source.outlet.name)
        if cited is None:
            by_outlet[source.outlet.name] = {"outlet": source.outlet.name, **link, "more": []}
        elif link["url"] != cited["url"] and link not in cited["more"]:
            cited["more"].append(link)
    return list(by_outlet.values())


# Hover text longer than this is cut at a word: a tooltip is not the place for a paragraph.
PASSAGE_HOVER_CHARS = 300


def _shorten(text: str) -> str:
    if len(text) <= PASSAGE_HOVER_CHARS:
        return text
    return text[:PASSAGE_HOVER_CHARS].rsplit(" ", 1)[0] + " …"


# A passage of at most this many words is matched whole; a longer one by its first and last
# TEXT_FRAGMENT_EDGE_WORDS words (the fragment syntax's "start,end"), which keeps the link
# short and still finds the one sentence.
TEXT_FRAGMENT_WHOLE_WORDS = 8
TEXT_FRAGMENT_EDGE_WORDS = 4


def passage_link(url: str, passage: str) -> str:
    """``url`` with a text fragment (``#:~:text=start,end``) that scrolls to and highlights
    ``passage`` in browsers that support it; others, and pages where the text has changed,
    just open the article. ``-``, ``,`` and ``&`` are escaped as the syntax requires.

    >>> passage_link("https://example.org/a", "Floods closed the coast road on Monday.")
    'https://example.org/a#:~:text=Floods%20closed%20the%20coast%20road%20on%20Monday.'
    >>> passage_link("https://example.org/a#top", "A one-off, short note")
    'https://example.org/a#top:~:text=A%20one%2Doff%2C%20short%20note'
    """
    words = passage.split()
    if not url or not words:
        return url
    if len(words) <= TEXT_FRAGMENT_WHOLE_WORDS:
        directive = _fragment_text(words)
    else:
        directive = (
            _fragment_text(words[:TEXT_FRAGMENT_EDGE_WORDS])
            + ","
            + _fragment_text(words[-TEXT_FRAGMENT_EDGE_WORDS:])
        )
    return url + (":~:" if "#" in url else "#:~:") + "text=" + directive


def _fragment_text(words: list[str]) -> str:
    return quote(" ".join(words), safe="").replace("-", "%2D")


def _story_body(request: HttpRequest, story: Story, developing: bool) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(_SOURCES_SQL, [story.pk])
        rows = cursor.fetchall()
        cursor.execute(_TAGS_SQL, [story.pk])
        tag_rows = cursor.fetchall()
    outlets_by_id: dict[int, SimpleNamespace] = {}
    sources = []
    for pk, url, title, published, outlet_id, outlet_name, outlet_slug, dup_outlet in rows:
        if isinstance(published, str):  # SQLite through a raw cursor
            published = parse_datetime(published)
        if published is not None and timezone.is_naive(published):
            published = timezone.make_aware(published, UTC)
        outlet = outlets_by_id.get(outlet_id)
        if outlet is None:
            outlet = outlets_by_id[outlet_id] = SimpleNamespace(
                name=outlet_name, url=slug_url("outlet", outlet_slug)
            )
        sources.append(_Source(pk, url, title, published, outlet, dup_outlet))
    by_id = {s.id: s for s in sources}
    sentences = []
    passages = story.brief_passages or {}
    for index, sentence in enumerate(story.brief.get("sentences", [])):
        sentences.append(
            {
                "text": sentence["text"],
                "sources": _cited_outlets(sentence.get("sources", []), by_id, passages),
                "flag_url": _flag_url(story.slug, index),
            }
        )
    tags = [{"name": name, "url": slug_url("tag", slug)} for name, slug in tag_rows]
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
        "keywords": [t["name"] for t in tags],
        "isBasedOn": [link for s in sources if (link := web_url(s.url))],
        "publisher": {"@type": "Organization", "name": "newsdesk"},
    }
    return {
        "headline": story.headline,
        "developing": developing,
        "first": _when(story.first_published) or {"iso": "", "text": ""},
        "last": _when(story.last_published),
        "outlet_count": story.outlet_count,
        "sentences": sentences,
        "articles": [
            {
                "published": _when(s.published) or {"iso": "", "text": ""},
                "title": s.title,
                "duplicate_of": s.duplicate_of,
                "url": s.url,
                "outlet": s.outlet.name,
            }
            for s in sources
        ],
        "outlets": list(outlets_by_id.values()),
        "tags": tags,
        "only_in": story.only_in,
        "chart": coverage_chart(sources),
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
