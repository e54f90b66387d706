"""Search over stories: one interface, SQLite FTS5 in the embedded default, PostgreSQL full text.

``search`` takes the reader's words (never their syntax: FTS operators, quotes and brackets are
dropped, so no query can raise a database error) and returns ranked hits with a highlighted
snippet. Relevance is divided by an age factor so that, of two equally good matches, the newer
story ranks first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from newsdesk.stories.models import Membership, Story, StoryTag

# Words of a query that are used; a 10,000-character query is cut to these.
MAX_QUERY_TERMS = 12
MAX_QUERY_CHARS = 500
_TERM = re.compile(r"\w+", re.UNICODE)
MARK_START, MARK_END = "\x02", "\x03"


@dataclass(frozen=True)
class SearchFilters:
    outlet: str = ""  # outlet slug
    tag: str = ""  # tag slug
    since: date | None = None
    until: date | None = None


@dataclass
class SearchHit:
    story: Story
    snippet: SafeString
    score: float


@dataclass
class SearchResults:
    hits: list[SearchHit]
    terms: list[str]
    total: int


def query_terms(query: str) -> list[str]:
    """The words of a query, lower-cased, de-duplicated, capped; everything else ignored."""
    seen: list[str] = []
    for term in _TERM.findall(query[:MAX_QUERY_CHARS].lower()):
        term = term.strip("_")
        if term and term not in seen:
            seen.append(term)
    return seen[:MAX_QUERY_TERMS]


def search(
    query: str, filters: SearchFilters | None = None, limit: int = 20, offset: int = 0
) -> SearchResults:
    filters = filters or SearchFilters()
    terms = query_terms(query)
    if not terms:
        return SearchResults([], [], 0)
    if connection.vendor == "postgresql":
        from newsdesk.search.postgres import search_postgres

        rows, total = search_postgres(terms, lambda docs: _filtered(docs, filters), limit, offset)
    else:
        from newsdesk.search.sqlite import search_sqlite

        where, params = _filter_sql(filters)
        rows, total = search_sqlite(terms, where, params, limit, offset)
    stories = Story.objects.in_bulk([story_id for story_id, _, _ in rows])
    hits = [
        SearchHit(stories[story_id], _mark(snippet), score)
        for story_id, score, snippet in rows
        if story_id in stories
    ]
    return SearchResults(hits, terms, total)


def _stories_with(filters: SearchFilters) -> list:
    """Querysets of story ids each filter keeps (outlet, tag)."""
    kept = []
    if filters.outlet:
        kept.append(
            Membership.objects.filter(article__outlet__slug=filters.outlet).values("story_id")
        )
    if filters.tag:
        kept.append(StoryTag.objects.filter(tag__slug=filters.tag).values("story_id"))
    return kept


def _date_range(filters: SearchFilters) -> tuple[datetime | None, datetime | None]:
    """From the start of ``since`` to before the day after ``until``, in the site's zone."""
    start = _day_start(filters.since) if filters.since else None
    end = _day_start(filters.until) + timedelta(days=1) if filters.until else None
    return start, end


def _filtered(documents, filters: SearchFilters):
    """A SearchDocument queryset narrowed by the filters."""
    for story_ids in _stories_with(filters):
        documents = documents.filter(story_id__in=story_ids)
    start, end = _date_range(filters)
    if start:
        documents = documents.filter(last_published__gte=start)
    if end:
        documents = documents.filter(last_published__lt=end)
    return documents


def _filter_sql(filters: SearchFilters) -> tuple[str, list]:
    """The filters as SQL on the ranking row ``d`` (SQLite), the subqueries built by the ORM."""
    clauses, params = [], []
    for story_ids in _stories_with(filters):
        sql, sub_params = story_ids.query.sql_with_params()
        clauses.append(f"d.story_id IN ({sql})")
        params.extend(sub_params)
    start, end = _date_range(filters)
    if start:
        clauses.append("d.last_published >= %s")
        params.append(start)
    if end:
        clauses.append("d.last_published < %s")
        params.append(end)
    return "".join(f" AND {c}" for c in clauses), params


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _mark(snippet: str) -> SafeString:
    """Escape the snippet, then turn our private markers into <mark> (never the reverse).

    Headlines, titles and texts are indexed on lines of their own: where a snippet crosses
    from one to the next, a separator keeps "…After Extra Time" and "Calder Rovers won…"
    apart."""
    marked = escape(snippet).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    parts = [part.strip() for part in marked.replace(" … ", "\n").splitlines()]
    return mark_safe(' <span class="snippet-sep">·</span> '.join(p for p in parts if p))
