"""An install made before search was its own app keeps its index: site's migration 0006 moves
the documents into the search app's table, and search finds them there."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("site", "0005_search_rank"), ("search", None)]


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest_after")
def test_a_story_indexed_by_the_old_site_app_is_found_after_the_upgrade():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    assert "search_searchdocument" not in _tables()
    others = [n for n in executor.loader.graph.leaf_nodes() if n[0] not in ("site", "search")]
    old = executor.loader.project_state([*others, BEFORE[0]]).apps
    Story = old.get_model("stories", "Story")
    OldDocument = old.get_model("site", "SearchDocument")
    published = timezone.now() - timedelta(hours=3)
    story = Story.objects.create(
        slug="kelpwater-harbour", headline="Kelpwater harbour reopens", last_published=published
    )
    Story.objects.create(slug="another", headline="Ferry strike ends", last_published=published)
    # What the old index_story wrote, the tsvector by its SQL on PostgreSQL.
    document = OldDocument.objects.create(
        story=story,
        headline=story.headline,
        brief="The harbour reopened to the ferry after the storm.",
        body="Kelpwater harbour reopens\nDivers cleared the wreck from the channel.",
        tags="Kelpwater",
        outlets="The Lantern",
        last_published=published,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"""UPDATE {OldDocument._meta.db_table} SET vector =
                     setweight(to_tsvector('english', headline), 'A')
                  || setweight(to_tsvector('english', tags || ' ' || outlets), 'B')
                  || setweight(to_tsvector('english', brief), 'B')
                  || setweight(to_tsvector('english', body), 'D')
                   WHERE id = %s""",
                [document.pk],
            )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from newsdesk.search.models import SearchDocument
    from newsdesk.search.query import SearchFilters, search

    assert not {"site_searchdocument", "site_searchdocument_fts", "site_searchrank"} & _tables()
    moved = SearchDocument.objects.get()
    assert (moved.story_id, moved.headline, moved.last_published) == (
        story.pk,
        "Kelpwater harbour reopens",
        published,
    )
    for words in ("Kelpwater", "divers wreck", "kelpw", "Lantern"):
        results = search(words)
        assert [h.story.pk for h in results.hits] == [story.pk] and results.total == 1, words
    assert "<mark>Divers</mark>" in search("divers").hits[0].snippet
    assert (
        search("Kelpwater", SearchFilters(since=(published + timedelta(days=2)).date())).total == 0
    )
    assert search("ferry strike").total == 0  # the other story was never indexed
