"""12. Idempotent ingest: whole passes, a resumed crash, and article identity."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

import pytest
from django.utils import timezone

from newsdesk.ingest.models import Article, Feed
from newsdesk.ingest.pages import extract_article
from newsdesk.ingest.pipeline import canonical_url, refresh_feed
from newsdesk.ingest.subscriptions import subscribe
from newsdesk.orchestrate import ingest_pass
from newsdesk.stories.models import Story

PAGES = {
    "/articles/school-roof.html": "article-school-roof.html",
    "/articles/seal-count.html": "article-seal-count.html",
    "/articles/post-office.html": "article-post-office.html",
}
# What each page says, to check the stored text came from that page.
PHRASES = {
    "/articles/school-roof.html": "Head teacher Olwen Batista said",
    "/articles/seal-count.html": "sixty-one grey seal pups",
    "/articles/post-office.html": "Postmistress Ruth Okonkwo said",
}


# --- canonical_url ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/story?utm_source=x", "https://a.example/story"),
        ("https://a.example/story#comments", "https://a.example/story"),
        (
            "https://a.example/story?id=7&utm_medium=email&fbclid=abc&gclid=1#top",
            "https://a.example/story?id=7",
        ),
        ("https://A.Example/Story?UTM_Campaign=spring", "https://a.example/Story"),
        ("HTTPS://a.example", "https://a.example/"),
        ("  https://a.example/x?b=2&a=1  ", "https://a.example/x?b=2&a=1"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_canonical_url_keeps_meaningful_parameters_apart():
    assert canonical_url("https://a.example/s?id=1") != canonical_url("https://a.example/s?id=2")


# --- Whole passes against a local site ---------------------------------------------------------


@pytest.fixture
def site(server, testdata, fill_template):
    """The test server as a small news site: a feed with conditional GET, and its pages."""
    published = format_datetime(timezone.now() - timedelta(hours=1), usegmt=True)
    body = fill_template("rss2-local-pages.xml", base=server.base, published=published)

    def feed(seen):
        if seen.header("if-none-match") == '"bulletin-1"':
            return server.reply(304, b"", {"ETag": '"bulletin-1"'})
        return server.feed(body, ETag='"bulletin-1"')

    server.route("/feed.xml", feed)
    for path, name in PAGES.items():
        server.route(path, server.reply(200, testdata(name), {"Content-Type": "text/html"}))
    return server


def _expected_keys(server) -> set[str]:
    return {server.url(path) for path in PAGES}


def _page_requests(server) -> dict[str, int]:
    return {path: len(server.requests_to(path)) for path in PAGES}


def _check_all_done(server) -> None:
    articles = list(Article.objects.all())
    assert {a.key for a in articles} == _expected_keys(server)
    for article in articles:
        path = article.key.removeprefix(server.base)
        assert article.extraction == "done", article.extraction_error
        assert PHRASES[path] in article.text
        assert article.processed_at is not None


@pytest.mark.django_db(transaction=True)
def test_two_passes_store_each_article_once(site):
    subscribe(site.url("/feed.xml"))

    first = ingest_pass(progress=False, threads=2)
    assert first.feeds == {"ok": 1}
    assert first.extraction == {"done": 3}
    assert first.processed == 3
    _check_all_done(site)
    # Each story was refreshed once at the end of the pass, with all its articles.
    stories = Story.objects.filter(memberships__isnull=False).distinct()
    assert stories.exists()
    for story in stories:
        assert story.headline and story.refresh_requested_at is None
        assert story.article_count == story.memberships.count()

    second = ingest_pass(progress=False, threads=2)
    assert second.feeds == {"not-modified": 1}
    assert second.extraction == {}
    assert second.processed == 0
    assert Article.objects.count() == 3
    _check_all_done(site)
    # Each page was fetched once over both passes; the feed twice, the second time conditionally.
    assert _page_requests(site) == {path: 1 for path in PAGES}
    feed_requests = site.requests_to("/feed.xml")
    assert len(feed_requests) == 2
    assert feed_requests[1].header("if-none-match") == '"bulletin-1"'


@pytest.mark.django_db(transaction=True)
def test_tracking_parameters_and_fragments_fold_into_one_article(site):
    subscribe(site.url("/feed.xml"))
    ingest_pass(progress=False, threads=1)
    # The feed lists school-roof twice (?utm_... and #comments) and post-office with ?fbclid.
    assert Article.objects.filter(key=site.url("/articles/school-roof.html")).count() == 1
    assert Article.objects.filter(key=site.url("/articles/post-office.html")).count() == 1
    roof = Article.objects.get(key=site.url("/articles/school-roof.html"))
    assert roof.title == "Island school reopens after the roof repair"  # the first listing
    assert "utm_source" in roof.url  # the link as the feed gave it is kept for display


@pytest.mark.django_db(transaction=True)
def test_resuming_after_a_crash_finishes_the_work_without_duplicates(site, client):
    feed = subscribe(site.url("/feed.xml"))
    # The "crashed" run: entries stored, one page extracted, nothing grouped.
    outcome = refresh_feed(feed, client, force=True)
    assert len(outcome.new_article_ids) == 3
    first = Article.objects.get(key=site.url("/articles/seal-count.html"))
    assert extract_article(first, client) == "done"
    assert Article.objects.filter(extraction="pending").count() == 2
    assert Article.objects.filter(processed_at__isnull=False).count() == 0

    report = ingest_pass(progress=False, threads=2)
    assert report.extraction == {"done": 2}
    assert report.processed == 3
    assert Article.objects.count() == 3
    _check_all_done(site)
    assert _page_requests(site) == {path: 1 for path in PAGES}

    # And once more, for good measure: nothing left to do, nothing stored twice.
    again = ingest_pass(progress=False, threads=2)
    assert (again.extraction, again.processed) == ({}, 0)
    assert Article.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_refreshing_the_same_feed_twice_stores_nothing_new(server, client, testdata):
    server.route("/feed.xml", server.feed(testdata("rss2-basic.xml")))  # no validators: 200 twice
    feed = subscribe(server.url("/feed.xml"))
    assert len(refresh_feed(feed, client, force=True).new_article_ids) == 3
    again = refresh_feed(Feed.objects.get(pk=feed.pk), client, force=True)
    assert again.status == "ok"
    assert again.new_article_ids == []
    assert Article.objects.count() == 3


@pytest.mark.django_db
def test_subscribe_is_idempotent_and_checks_the_url():
    first = subscribe("https://courier.example/rss.xml", outlet_name="Lantern Bay Courier")
    again = subscribe("  https://courier.example/rss.xml ")
    assert again.pk == first.pk
    assert Feed.objects.count() == 1
    assert first.outlet.name == "Lantern Bay Courier"
    for bad in ("courier.example/rss.xml", "ftp://courier.example/rss.xml", "https://"):
        with pytest.raises(ValueError, match="not an http"):
            subscribe(bad)
