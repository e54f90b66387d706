"""The SQLite side of search: FTS5 ranked by bm25, divided by an age factor.

The FTS5 table and the narrow ranking table are made by this app's migration 0001 and kept in
step with ``SearchDocument`` by triggers; they are not Django models, so their names are here.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from newsdesk import limits
from newsdesk.search.models import SearchDocument
from newsdesk.search.query import MARK_END, MARK_START

FTS_TABLE = f"{SearchDocument._meta.db_table}_fts"
# Each document's id, story and date, the date as a Julian day number: ranking reads these for
# every match, and from this narrow table no long row is walked and no date parsed per row.
RANK_TABLE = f"{SearchDocument._meta.app_label}_searchrank"
# Weights of headline, brief, body, tags, outlets: a word in the headline says far more about
# what the story is than one in the seventh paragraph of one source.
SQLITE_WEIGHTS = (10.0, 5.0, 1.0, 4.0, 2.0)


def search_sqlite(terms, where, params, limit, offset):
    """Rows (story_id, score, snippet) for a page of matches, and how many match in all.

    ``where`` (with ``params``) narrows the matches; it names the ranking row ``d``."""
    # Every term quoted (so FTS5 syntax in them is inert), the last one as a prefix.
    match = " ".join(f'"{t}"' for t in terms[:-1]) + f' "{terms[-1]}"*'
    weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
    now = timezone.now().timestamp() / 86400.0 + 2440587.5  # as a Julian day number
    age = "(%s - d.published_day) * 24.0"
    # Rank first, snippets only for the page's rows: snippet() is the costly part.
    ranked = f"""SELECT d.story_id AS story_id, f.rowid AS rid,
                   -bm25({FTS_TABLE}, {weights})
                     / (1.0 + MAX(0.0, {age}) / %s) AS score
                 FROM {FTS_TABLE} f
                 JOIN {RANK_TABLE} d ON d.id = f.rowid
                 WHERE {FTS_TABLE} MATCH %s{where}"""
    with connection.cursor() as cursor:
        if where:
            cursor.execute(
                f"SELECT COUNT(*) FROM ({ranked})",
                [now, limits.SEARCH_RECENCY_HOURS, match, *params],
            )
        else:
            cursor.execute(f"SELECT COUNT(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
        total = cursor.fetchone()[0]
        cursor.execute(
            f"""WITH page AS ({ranked} ORDER BY score DESC, story_id DESC LIMIT %s OFFSET %s)
                SELECT page.story_id, page.score,
                  snippet({FTS_TABLE}, -1, %s, %s, '…', 24)
                FROM page JOIN {FTS_TABLE} ON {FTS_TABLE}.rowid = page.rid
                WHERE {FTS_TABLE} MATCH %s
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
