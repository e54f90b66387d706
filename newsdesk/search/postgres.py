"""The PostgreSQL side of search: a weighted tsvector per document, ranked by ts_rank_cd.

Imported only on PostgreSQL: django.contrib.postgres.search needs psycopg, which SQLite installs
do not have.
"""

from __future__ import annotations

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db.models import ExpressionWrapper, F, TextField, Value
from django.db.models.functions import Concat, Extract, Greatest, Left
from django.utils import timezone

from newsdesk import limits
from newsdesk.search.models import SearchDocument
from newsdesk.search.query import MARK_END, MARK_START

CONFIG = "english"
# Label weights (A > B > D): the headline says most about what the story is; tags, outlets and
# the brief next; the articles' text least.
_WEIGHTED = (("A", ("headline",)), ("B", ("tags", "outlets")), ("B", ("brief",)), ("D", ("body",)))
# ts_rank_cd normalisation 32: rank / (rank + 1), so scores stay in 0..1.
_NORMALIZATION = 32


def document_vector():
    """The expression ``vector`` is set to from the document's own columns."""
    parts = [SearchVector(*columns, config=CONFIG, weight=w) for w, columns in _WEIGHTED]
    vector = parts[0]
    for part in parts[1:]:
        vector = vector + part
    return vector


def search_postgres(terms, filtered, limit, offset):
    """Rows (story_id, score, snippet) for a page of matches, and how many match in all.

    ``filtered`` narrows a SearchDocument queryset by the reader's filters."""
    query = SearchQuery(
        " & ".join(terms[:-1] + [f"{terms[-1]}:*"]), search_type="raw", config=CONFIG
    )
    vector = ExpressionWrapper(F("vector"), output_field=SearchVectorField())
    matches = filtered(SearchDocument.objects.alias(matched=vector).filter(matched=query))
    total = matches.count()
    # Relevance divided by an age factor: 1 + the hours since the story's last article over
    # SEARCH_RECENCY_HOURS.
    age_hours = Extract(Value(timezone.now()) - F("last_published"), "epoch") / Value(3600.0)
    score = SearchRank(vector, query, normalization=_NORMALIZATION, cover_density=True) / (
        Value(1.0) + Greatest(Value(0.0), age_hours) / Value(limits.SEARCH_RECENCY_HOURS)
    )
    page = list(
        matches.annotate(score=score)
        .order_by("-score", "-story_id")
        .values_list("pk", "story_id", "score")[offset : offset + limit]
    )
    # Headlines for the page's rows only: ts_headline is the expensive part.
    text = Concat(
        "headline",
        Value(" … "),
        "brief",
        Value(" … "),
        Left("body", 4000),
        output_field=TextField(),
    )
    snippets = dict(
        SearchDocument.objects.filter(pk__in=[pk for pk, _, _ in page])
        .annotate(
            snippet=SearchHeadline(
                text,
                query,
                config=CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_END,
                max_words=35,
                min_words=15,
            )
        )
        .values_list("pk", "snippet")
    )
    return [(story_id, float(score), snippets.get(pk) or "") for pk, story_id, score in page], total
