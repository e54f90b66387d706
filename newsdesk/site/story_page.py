"""The story page: its sources, the outlets each brief sentence cites with links to the cited
passages, its JSON-LD, and its caching (whole page for readers not signed in, the story's own
part for everyone, keyed in pagecache.py; ETag and Last-Modified).

Every key holds the time the story or its discussion last changed, so a change is a new key:
nothing is ever invalidated, nothing stale is ever served.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from urllib.parse import quote

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django.utils.safestring import mark_safe

from newsdesk import limits
from newsdesk.core.weburl import web_url
from newsdesk.discussion.thread import DEFAULT_SORT, PAGE_PARAMETER, SORTS
from newsdesk.ingest.models import Article, Outlet
from newsdesk.site import links, pagecache
from newsdesk.site.charts import coverage_chart, display_time
from newsdesk.site.listings import is_developing
from newsdesk.site.middleware import is_anonymous_reader
from newsdesk.site.params import page_number
from newsdesk.stories.models import Membership, Story, StoryTag, Tag, slug_url


def page_stories() -> QuerySet:
    """Stories as their page reads them: with when their discussion last changed, in the same
    query (a repeat view by a reader not signed in is that one query)."""
    return Story.objects.select_related("discussion_change")


def page_changed_at(story: Story) -> datetime:
    """When anything on the story's page last changed: the story or its discussion (a story
    from ``page_stories``)."""
    try:
        discussion_changed = story.discussion_change.changed_at
    except ObjectDoesNotExist:  # no discussion yet
        return story.updated_at
    return discussion_changed if discussion_changed > story.updated_at else story.updated_at


def story_response(request: HttpRequest, story: Story) -> HttpResponse:
    """The page of ``story`` (from ``page_stories``, not merged away) for this request."""
    developing = is_developing(story)
    changed = page_changed_at(story)
    version = pagecache.story_version(request, story.pk, changed, developing)
    # Checked here, before any cache: a bad page is a 400, and keys hold only valid values.
    comments_page = page_number(request, PAGE_PARAMETER)
    sort = request.GET.get("sort", "")
    sort = sort if sort in SORTS else DEFAULT_SORT  # an unknown order shows the default one
    anonymous = request.method in ("GET", "HEAD") and is_anonymous_reader(request)
    if anonymous:
        # A reader who is not signed in gets the page every such reader gets: cached whole.
        page_key = pagecache.story_page_key(version, sort, comments_page)
        if cached := cache.get(page_key):
            html, etag = cached
            return _story_response(html, etag, changed)
    # The story's own part is the same for every reader until the story changes: cached too,
    # so a signed-in reader's page renders only the comments and the account bar.
    key = pagecache.story_body_key(version)
    body = cache.get(key)
    if body is None:
        context = story_body(request, story, developing)
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
# One query each (the story page is the hottest uncached page); table names from the models.
_MEMBERSHIP, _ARTICLE = Membership._meta.db_table, Article._meta.db_table
_OUTLET, _STORY_TAG, _TAG = Outlet._meta.db_table, StoryTag._meta.db_table, Tag._meta.db_table
_SOURCES_SQL = f"""
    SELECT a.id, a.url, a.title, a.published, o.id, o.name, o.slug, dup_o.name
    FROM {_MEMBERSHIP} m
    JOIN {_ARTICLE} a ON a.id = m.article_id
    JOIN {_OUTLET} o ON o.id = a.outlet_id
    LEFT JOIN {_ARTICLE} dup ON dup.id = m.duplicate_of_id
    LEFT JOIN {_OUTLET} dup_o ON dup_o.id = dup.outlet_id
    WHERE m.story_id = %s
    ORDER BY a.published, a.id"""
_TAGS_SQL = f"""
    SELECT t.name, t.slug FROM {_STORY_TAG} st JOIN {_TAG} t ON t.id = st.tag_id
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


def story_body(request: HttpRequest, story: Story, developing: bool) -> dict:
    """The story's own part of its page as plain values for site/story_body.html, with the
    head's description, canonical URL and JSON-LD."""
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
                # Every brief sentence links to its report form.
                "flag_url": links.url("discussion:flag-sentence", story.slug, index),
            }
        )
    # What later reports updated stays on the timeline, under the article that said it.
    earlier: dict[int, list[dict]] = {}
    for report in story.brief.get("earlier", []):
        newer = by_id.get(report.get("updated_by", {}).get("id"))
        earlier.setdefault(report.get("source", {}).get("id"), []).append(
            {"text": report.get("text", ""), "updated_by": newer.outlet.name if newer else ""}
        )
    tags = [{"name": name, "url": slug_url("tag", slug)} for name, slug in tag_rows]
    canonical = request.build_absolute_uri(story.get_absolute_url())
    description = sentences[0]["text"] if sentences else story.headline
    json_ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.headline[:110],
        "description": description,
        "datePublished": story.first_published.isoformat() if story.first_published else None,
        "dateModified": story.last_published.isoformat() if story.last_published else None,
        "url": canonical,
        "mainEntityOfPage": canonical,
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
                "earlier": earlier.get(s.id, []),
            }
            for s in sources
        ],
        "outlets": list(outlets_by_id.values()),
        "tags": tags,
        "only_in": story.only_in,
        "chart": coverage_chart(sources),
        "description": description,
        "canonical_url": canonical,
        # Escaped for a <script> element: "</" cannot close it early.
        "json_ld": json.dumps(json_ld, ensure_ascii=False).replace("</", "<\\/"),
    }
