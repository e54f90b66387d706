"""Migration 0003 on rows stored before links and text were checked."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("ingest", "0002_article_grouping_features")]
AFTER = [("ingest", "0003_fetch_policy_and_claims")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest_after")
def test_old_rows_keep_only_web_links_and_the_operators_literal_origins():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Outlet, Feed, Article = (old.get_model("ingest", n) for n in ("Outlet", "Feed", "Article"))
    outlet = Outlet.objects.create(
        name="Courier", slug="courier", family="courier", homepage=" JaVaScRiPt:alert(1)"
    )
    local = Feed.objects.create(url="http://127.0.0.1:8001/feed.xml", outlet=outlet)
    Feed.objects.create(url="https://courier.example/feed.xml", outlet=outlet)
    now = timezone.now()
    for key, url in [
        ("a", "javascript:alert(1)"),
        ("b", "HTTPS://courier.example/b"),
        ("c", "https://courier.example/c"),
    ]:
        Article.objects.create(
            feed=local,
            outlet=outlet,
            key=key,
            url=url,
            published=now,
            title="Storm closes the causeway" + ("\x00" if connection.vendor == "sqlite" else ""),
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Outlet, Feed, Article = (new.get_model("ingest", n) for n in ("Outlet", "Feed", "Article"))
    assert Outlet.objects.get().homepage == ""
    assert dict(Feed.objects.values_list("url", "trusted_origin")) == {
        "http://127.0.0.1:8001/feed.xml": "http://127.0.0.1:8001",
        "https://courier.example/feed.xml": "",
    }
    rows = {a.key: a for a in Article.objects.all()}
    assert rows["a"].url == "" and rows["a"].extraction_error.startswith(
        "link dropped: a javascript:"
    )
    # A web link stays one (SQLite's LIKE may leave its scheme's case as it was).
    assert rows["b"].url.lower() == "https://courier.example/b"
    assert rows["c"].url == "https://courier.example/c"
    assert all(a.title == "Storm closes the causeway" for a in rows.values())
