"""Search over stories: one interface, SQLite FTS5 in the embedded default, PostgreSQL full text.

``index_story`` keeps a story's ``SearchDocument`` in step (called whenever a story is
rebuilt); ``search`` takes the reader's words (never their syntax: FTS operators, quotes and
brackets are dropped, so no query can raise a database error) and returns ranked hits with a
highlighted snippet. Relevance is divided by an age factor so that, of two equally good
matches, the newer story ranks first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from newsdesk import limits
from newsdesk.site.models import SearchDocument
from newsdesk.stories.models import Story

# Words of a query that are used; a 10,000-character query is cut to these.
MAX_QUERY_TERMS = 12
MAX_QUERY_CHARS = 500
_TERM = re.compile(r"\w+", re.UNICODE)
# Weights of headline, brief, body, tags, outlets: a word in the headline says far more about
# what the story is than one in the seventh paragraph of one source.
SQLITE_WEIGHTS = (10.0, 5.0, 1.0, 4.0, 2.0)
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


def index_story(story: Story, articles, tags) -> None:
    """Write the story's search document (articles: ingest Articles; tags: Tag objects).

    A story with no articles left (all split or merged away) leaves the index."""
    if not articles or story.merged_into_id:
        SearchDocument.objects.filter(story=story).delete()
        return
    document, _ = SearchDocument.objects.update_or_create(
        story=story,
        defaults={
            "headline": story.headline,
            "brief": " ".join(s["text"] for s in story.brief.get("sentences", [])),
            # Titles and the opening of each article; whole texts would bloat the index for
            # little gain in what readers search for.
            "body": "\n".join(
                f"{a.title}\n{a.body[: limits.SEARCH_CHARS_PER_ARTICLE]}" for a in articles
            ),
            "tags": " ".join(t.name for t in tags),
            "outlets": " ".join(sorted({a.outlet.name for a in articles})),
            "last_published": story.last_published,
        },
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                """UPDATE site_searchdocument SET vector =
                     setweight(to_tsvector('english', headline), 'A')
                  || setweight(to_tsvector('english', tags || ' ' || outlets), 'B')
                  || setweight(to_tsvector('english', brief), 'B')
                  || setweight(to_tsvector('english', body), 'D')
                   WHERE id = %s""",
                [document.pk],
            )


def search(
    query: str, filters: SearchFilters | None = None, limit: int = 20, offset: int = 0
) -> SearchResults:
    filters = filters or SearchFilters()
    terms = query_terms(query)
    if not terms:
        return SearchResults([], [], 0)
    where, params = _filter_sql(filters)
    run = _search_postgres if connection.vendor == "postgresql" else _search_sqlite
    rows, total = run(terms, where, params, limit, offset)
    stories = Story.objects.in_bulk([story_id for story_id, _, _ in rows])
    hits = [
        SearchHit(stories[story_id], _mark(snippet), score)
        for story_id, score, snippet in rows
        if story_id in stories
    ]
    return SearchResults(hits, terms, total)


def _filter_sql(filters: SearchFilters) -> tuple[str, list]:
    clauses, params = [], []
    if filters.outlet:
        clauses.append(
            """d.story_id IN (SELECT m.story_id FROM stories_membership m
               JOIN ingest_article a ON a.id = m.article_id
               JOIN ingest_outlet o ON o.id = a.outlet_id WHERE o.slug = %s)"""
        )
        params.append(filters.outlet)
    if filters.tag:
        clauses.append(
            """d.story_id IN (SELECT st.story_id FROM stories_storytag st
               JOIN stories_tag t ON t.id = st.tag_id WHERE t.slug = %s)"""
        )
        params.append(filters.tag)
    if filters.since:
        clauses.append("d.last_published >= %s")
        params.append(_day_start(filters.since))
    if filters.until:
        clauses.append("d.last_published < %s")
        params.append(_day_start(filters.until) + timedelta(days=1))
    return "".join(f" AND {c}" for c in clauses), params


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _age_hours_sql() -> str:
    if connection.vendor == "postgresql":
        return "EXTRACT(EPOCH FROM (%s - d.last_published)) / 3600.0"
    # The current time arrives as a Julian day number (a float), and each match's date is one
    # already (site_searchrank, migration 0005): no date is parsed per row.
    return "(%s - d.published_day) * 24.0"


def _search_sqlite(terms, where, params, limit, offset):
    # Every term quoted (so FTS5 syntax in them is inert), the last one as a prefix.
    match = " ".join(f'"{t}"' for t in terms[:-1]) + f' "{terms[-1]}"*'
    weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
    now = timezone.now().timestamp() / 86400.0 + 2440587.5  # as a Julian day number
    age = _age_hours_sql()
    # Rank first, reading each match's story and date from the narrow site_searchrank
    # (migration 0005), snippets only for the page's rows: computing snippet() for every match
    # was most of the cost on a 100k corpus (bench/site.py).
    ranked = f"""SELECT d.story_id AS story_id, f.rowid AS rid,
                   -bm25(site_searchdocument_fts, {weights})
                     / (1.0 + MAX(0.0, {age}) / %s) AS score
                 FROM site_searchdocument_fts f
                 JOIN site_searchrank d ON d.id = f.rowid
                 WHERE site_searchdocument_fts MATCH %s{where}"""
    with connection.cursor() as cursor:
        if where:
            cursor.execute(
                f"SELECT COUNT(*) FROM ({ranked})",
                [now, limits.SEARCH_RECENCY_HOURS, match, *params],
            )
        else:
            cursor.execute(
                "SELECT COUNT(*) FROM site_searchdocument_fts "
                "WHERE site_searchdocument_fts MATCH %s",
                [match],
            )
        total = cursor.fetchone()[0]
        cursor.execute(
            f"""WITH page AS ({ranked} ORDER BY score DESC, story_id DESC LIMIT %s OFFSET %s)
                SELECT page.story_id, page.score,
                  snippet(site_searchdocument_fts, -1, %s, %s, '…', 24)
                FROM page JOIN site_searchdocument_fts ON site_searchdocument_fts.rowid = page.rid
                WHERE site_searchdocument_fts MATCH %s
                ORDER BY page.score DESC, page.story_id DESC""",
            [
                now,
                limits.SEARCH_RECENCY_HOURS,
                match,
                *params,
                limit,
                offset,
                MARK_START,
                MARK_END,
                match,
            ],
        )
        rows = cursor.fetchall()
    return [(r[0], float(r[1]), r[2] or "") for r in rows], total


def _search_postgres(terms, where, params, limit, offset):
    tsquery = " & ".join(terms[:-1] + [f"{terms[-1]}:*"])
    age = _age_hours_sql()
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT COUNT(*) FROM site_searchdocument d
                JOIN stories_story s ON s.id = d.story_id
                WHERE d.vector @@ to_tsquery('english', %s){where}""",
            [tsquery, *params],
        )
        total = cursor.fetchone()[0]
        # Rank and page first, then build headlines for the page's rows only (ts_headline is
        # the expensive part).
        cursor.execute(
            f"""WITH q AS (SELECT to_tsquery('english', %s) AS query),
                page AS (
                  SELECT d.id, d.story_id,
                    ts_rank_cd(d.vector, q.query, 32) / (1.0 + GREATEST(0.0, {age}) / %s) AS score
                  FROM site_searchdocument d JOIN stories_story s ON s.id = d.story_id, q
                  WHERE d.vector @@ q.query{where}
                  ORDER BY score DESC, d.story_id DESC LIMIT %s OFFSET %s)
                SELECT page.story_id, page.score,
                  ts_headline('english',
                    d.headline || ' … ' || d.brief || ' … ' || left(d.body, 4000), q.query, %s)
                FROM page JOIN site_searchdocument d ON d.id = page.id, q
                ORDER BY page.score DESC, page.story_id DESC""",
            [
                tsquery,
                now,
                limits.SEARCH_RECENCY_HOURS,
                *params,
                limit,
                offset,
                f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15",
            ],
        )
        rows = cursor.fetchall()
    return [(r[0], float(r[1]), r[2] or "") for r in rows], total


def _mark(snippet: str) -> SafeString:
    """Escape the snippet, then turn our private markers into <mark> (never the reverse).

    Headlines, titles and texts are indexed on lines of their own: where a snippet crosses
    from one to the next, a separator keeps "…After Extra Time" and "Calder Rovers won…"
    apart."""
    marked = escape(snippet).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    parts = [part.strip() for part in marked.replace(" … ", "\n").splitlines()]
    return mark_safe(' <span class="snippet-sep">·</span> '.join(p for p in parts if p))
