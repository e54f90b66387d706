"""refresh_feed(): what each HTTP outcome does to a Feed, through a real local server."""

from __future__ import annotations

import random
from datetime import timedelta
from email.utils import format_datetime

import pytest
from django.utils import timezone

from newsdesk import limits
from newsdesk.ingest import schedule
from newsdesk.ingest.models import Article, Feed, Host
from newsdesk.ingest.pipeline import refresh_feed
from newsdesk.ingest.subscriptions import subscribe

pytestmark = pytest.mark.django_db

LM_1 = "Mon, 01 Mar 2021 10:00:00 GMT"
LM_2 = "Tue, 02 Mar 2021 10:00:00 GMT"


def _reload(feed: Feed) -> Feed:
    return Feed.objects.get(pk=feed.pk)


def _articles(feed: Feed) -> set[str]:
    return set(Article.objects.filter(feed=feed).values_list("key", flat=True))


@pytest.fixture
def feed(server):
    return subscribe(server.url("/feed.xml"))


@pytest.fixture
def stored_feed(server, client, feed, testdata):
    """A feed whose three articles from rss2-basic.xml are already stored."""
    server.route("/feed.xml", server.feed(testdata("rss2-basic.xml")))
    outcome = refresh_feed(feed, client, force=True)
    assert outcome.status == "ok" and len(outcome.new_article_ids) == 3
    return _reload(feed)


# --- 1. Conditional GET -----------------------------------------------------------------------


def test_conditional_get_round_trip(server, client, feed, testdata):
    body = testdata("rss2-basic.xml")
    server.route(
        "/feed.xml",
        server.feed(body, ETag='"v1"', Last_Modified=LM_1),
        # The 304 carries new validators: they must replace the old ones.
        server.reply(304, b"", {"ETag": '"v2"', "Last-Modified": LM_2}),
        # A 200 without validators: the old ones no longer describe anything.
        server.feed(body),
        server.feed(body),
    )

    first = refresh_feed(feed, client, force=True)
    assert first.status == "ok"
    assert len(first.new_article_ids) == 3
    feed = _reload(feed)
    assert (feed.etag, feed.last_modified) == ('"v1"', LM_1)
    assert server.requests[0].header("if-none-match") is None

    second = refresh_feed(feed, client, force=True)
    sent = server.requests[1]
    assert sent.header("if-none-match") == '"v1"'
    assert sent.header("if-modified-since") == LM_1
    assert second.status == "not-modified"
    assert second.new_article_ids == []
    assert Article.objects.filter(feed=feed).count() == 3
    feed = _reload(feed)
    assert feed.last_status == 304
    assert (feed.etag, feed.last_modified) == ('"v2"', LM_2)  # feedbin#726 / FreshRSS#6056

    third = refresh_feed(feed, client, force=True)
    sent = server.requests[2]
    assert sent.header("if-none-match") == '"v2"'
    assert sent.header("if-modified-since") == LM_2
    assert third.status == "ok" and third.new_article_ids == []
    feed = _reload(feed)
    assert (feed.etag, feed.last_modified) == ("", "")

    refresh_feed(feed, client, force=True)
    sent = server.requests[3]
    assert sent.header("if-none-match") is None
    assert sent.header("if-modified-since") is None


def test_a_304_without_validators_keeps_the_stored_ones(server, client, feed, testdata):
    server.route(
        "/feed.xml",
        server.feed(testdata("rss2-basic.xml"), ETag='"v1"', Last_Modified=LM_1),
        server.reply(304, b""),
    )
    refresh_feed(feed, client, force=True)
    outcome = refresh_feed(_reload(feed), client, force=True)
    assert outcome.status == "not-modified"
    feed = _reload(feed)
    assert (feed.etag, feed.last_modified) == ('"v1"', LM_1)


def test_validators_of_an_unparseable_body_are_not_kept(server, client, feed, testdata):
    # Keeping them would let the next poll get a 304 and report the broken feed as healthy.
    server.route(
        "/feed.xml",
        server.feed(testdata("rss2-basic.xml"), ETag='"good"'),
        server.feed(testdata("malformed-unclosed-tag.xml"), ETag='"broken"'),
        server.feed(testdata("malformed-unclosed-tag.xml"), ETag='"broken"'),
    )
    refresh_feed(feed, client, force=True)
    assert refresh_feed(_reload(feed), client, force=True).status == "error"
    assert _reload(feed).etag == '"good"'
    assert refresh_feed(_reload(feed), client, force=True).status == "error"
    assert server.requests[2].header("if-none-match") == '"good"'


def test_validators_of_an_error_response_are_not_kept(server, client, feed, testdata):
    server.route(
        "/feed.xml",
        server.feed(testdata("rss2-basic.xml"), ETag='"good"', Last_Modified=LM_1),
        server.reply(500, b"oops", {"ETag": '"error-page"', "Last-Modified": LM_2}),
    )
    refresh_feed(feed, client, force=True)
    assert refresh_feed(_reload(feed), client, force=True).status == "error"
    feed = _reload(feed)
    assert (feed.etag, feed.last_modified) == ('"good"', LM_1)


def test_an_etag_too_long_for_its_column_is_not_stored_cut(server, client, feed, testdata):
    limit = Feed._meta.get_field("etag").max_length
    server.route("/feed.xml", server.feed(testdata("rss2-basic.xml"), ETag='"' + "e" * limit + '"'))
    assert refresh_feed(feed, client, force=True).status == "ok"
    assert _reload(feed).etag == ""  # a cut ETag would never match; none is better


# --- 2. Retry-After ---------------------------------------------------------------------------


def test_429_with_retry_after_seconds_blocks_host_and_delays_feed(server, client, feed):
    server.route("/feed.xml", server.reply(429, b"slow down", {"Retry-After": "120"}))
    before = timezone.now()
    outcome = refresh_feed(feed, client, force=True)
    after = timezone.now()

    assert outcome.status == "error"
    feed = _reload(feed)
    assert before + timedelta(seconds=120) <= feed.next_fetch_at <= after + timedelta(seconds=120)
    assert feed.error_count == 1
    assert "429" in feed.last_error
    host = Host.objects.get(name=f"127.0.0.1:{server.port}")
    assert before + timedelta(seconds=120) <= host.blocked_until <= after + timedelta(seconds=120)

    # While blocked, even a forced refresh does not contact the host.
    asked = len(server.requests)
    assert refresh_feed(feed, client, force=True).status == "blocked"
    assert len(server.requests) == asked


def test_503_with_retry_after_http_date(server, client, feed):
    when = timezone.now() + timedelta(seconds=300)
    server.route(
        "/feed.xml",
        server.reply(503, b"maintenance", {"Retry-After": format_datetime(when, usegmt=True)}),
    )
    outcome = refresh_feed(feed, client, force=True)
    assert outcome.status == "error"
    feed = _reload(feed)
    # The HTTP-date has whole seconds, so allow a little either side.
    assert abs((feed.next_fetch_at - when).total_seconds()) < 3
    assert "503" in feed.last_error
    host = Host.objects.get(name=f"127.0.0.1:{server.port}")
    assert abs((host.blocked_until - when).total_seconds()) < 3


def test_absurd_retry_after_is_capped(server, client, feed):
    server.route("/feed.xml", server.reply(429, b"", {"Retry-After": "999999999999"}))
    before = timezone.now()
    refresh_feed(feed, client, force=True)
    delay = (_reload(feed).next_fetch_at - before).total_seconds()
    assert limits.MAX_RETRY_AFTER_SECONDS - 5 <= delay <= limits.MAX_RETRY_AFTER_SECONDS + 5


def test_429_without_retry_after_backs_off_and_does_not_block(server, client, feed):
    server.route("/feed.xml", server.reply(429, b""))
    refresh_feed(feed, client, force=True)
    host = Host.objects.get(name=f"127.0.0.1:{server.port}")
    assert host.blocked_until is None
    assert _reload(feed).error_count == 1


# --- 3. Backoff -------------------------------------------------------------------------------


def _bounds(n: int) -> tuple[float, float]:
    base = min(limits.BACKOFF_BASE_SECONDS * 2 ** (n - 1), limits.BACKOFF_MAX_SECONDS)
    return base * (1 - limits.BACKOFF_JITTER), base * (1 + limits.BACKOFF_JITTER)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5, 6, 7])
def test_backoff_seconds_stays_within_jitter_bounds(seed):
    rng = random.Random(seed)
    for n in range(1, 12):
        low, high = _bounds(n)
        assert low <= schedule.backoff_seconds(n, rng) <= high


def test_backoff_seconds_is_reproducible_with_a_seeded_rng():
    assert schedule.backoff_seconds(3, random.Random(42)) == schedule.backoff_seconds(
        3, random.Random(42)
    )


def test_backoff_seconds_is_capped_for_huge_error_counts():
    high = limits.BACKOFF_MAX_SECONDS * (1 + limits.BACKOFF_JITTER)
    for n in (40, 1000, 10**6):
        assert schedule.backoff_seconds(n, random.Random(n)) <= high


def test_repeated_500s_back_off_exponentially_and_success_resets(server, client, feed, testdata):
    server.route("/feed.xml", server.reply(500, b"broken"))
    delays = []
    for n in range(1, 5):
        before = timezone.now()
        outcome = refresh_feed(_reload(feed), client, force=True)
        after = timezone.now()
        assert outcome.status == "error"
        stored = _reload(feed)
        assert stored.error_count == n
        assert "HTTP 500" in stored.last_error
        low, high = _bounds(n)
        assert before + timedelta(seconds=low) <= stored.next_fetch_at
        assert stored.next_fetch_at <= after + timedelta(seconds=high)
        delays.append((stored.next_fetch_at - before).total_seconds())
    assert delays == sorted(delays)  # the jitter bands of n and n+1 do not overlap

    server.route("/feed.xml", server.feed(testdata("rss2-basic.xml")))
    assert refresh_feed(_reload(feed), client, force=True).status == "ok"
    stored = _reload(feed)
    assert stored.error_count == 0
    assert stored.last_error == ""
    assert stored.last_success_at is not None


def test_a_feed_not_yet_due_is_not_fetched(server, client, feed):
    feed.next_fetch_at = timezone.now() + timedelta(hours=1)
    feed.save()
    assert refresh_feed(feed, client).status == "not-due"
    assert server.requests == []


def test_poll_interval_follows_ttl_and_a_huge_max_age_is_capped(server, client, feed, testdata):
    server.route("/feed.xml", server.feed(testdata("rss2-basic.xml")))  # <ttl>45</ttl>
    before = timezone.now()
    refresh_feed(feed, client, force=True)
    stored = _reload(feed)
    assert stored.requested_interval == 45 * 60
    assert abs((stored.next_fetch_at - before).total_seconds() - 45 * 60) < 5

    server.route(
        "/feed.xml",
        server.feed(testdata("rss2-basic.xml"), Cache_Control="max-age=99999999999"),
    )
    before = timezone.now()
    refresh_feed(stored, client, force=True)
    stored = _reload(feed)
    # Bounded so it fits the integer column on every database, and polling is clamped anyway.
    assert stored.requested_interval <= limits.MAX_POLL_INTERVAL_SECONDS
    delay = (stored.next_fetch_at - before).total_seconds()
    assert abs(delay - limits.MAX_POLL_INTERVAL_SECONDS) < 5


# --- 4. 410 Gone ------------------------------------------------------------------------------


def test_410_gone_stops_polling_for_good(server, client, feed):
    server.route("/feed.xml", server.reply(410, b"gone"))
    outcome = refresh_feed(feed, client, force=True)
    assert outcome.status == "gone"
    stored = _reload(feed)
    assert stored.gone is True
    assert "410" in stored.last_error
    assert len(server.requests) == 1

    later = refresh_feed(stored, client, force=True)
    assert later.status == "gone"
    assert len(server.requests) == 1  # the server was not asked again


# --- 5. Caps and redirects through refresh_feed ------------------------------------------------


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_body_over_the_cap_is_a_recorded_error(server, client, stored_feed, chunked):
    cap = limits.MAX_BODY_BYTES
    if chunked:
        reply = server.reply(200, b" " * (cap + 65536), chunked=True, chunk_size=1 << 20)
    else:
        reply = server.reply(200, b"<rss>", content_length=cap + 1)
    server.route("/feed.xml", reply)
    outcome = refresh_feed(stored_feed, client, force=True)  # must not raise
    assert outcome.status == "error"
    stored = _reload(stored_feed)
    assert f"{cap:,}-byte cap" in stored.last_error
    assert stored.error_count == 1
    assert len(_articles(stored)) == 3


def test_redirect_loop_is_a_recorded_error(server, client, feed):
    server.route("/feed.xml", server.reply(302, b"", {"Location": "/elsewhere.xml"}))
    server.route("/elsewhere.xml", server.reply(302, b"", {"Location": "/feed.xml"}))
    assert refresh_feed(feed, client, force=True).status == "error"
    assert "redirect" in _reload(feed).last_error


def test_permanent_redirect_updates_the_feed_url(server, client, feed, testdata):
    server.route("/feed.xml", server.reply(301, b"", {"Location": "/moved/feed.xml"}))
    server.route("/moved/feed.xml", server.feed(testdata("rss2-basic.xml")))
    assert refresh_feed(feed, client, force=True).status == "ok"
    assert _reload(feed).url == server.url("/moved/feed.xml")

    refresh_feed(_reload(feed), client, force=True)
    assert len(server.requests_to("/feed.xml")) == 1  # the old address is not used again


def test_temporary_redirect_keeps_the_feed_url(server, client, feed, testdata):
    server.route("/feed.xml", server.reply(302, b"", {"Location": "/today/feed.xml"}))
    server.route("/today/feed.xml", server.feed(testdata("rss2-basic.xml")))
    assert refresh_feed(feed, client, force=True).status == "ok"
    assert _reload(feed).url == server.url("/feed.xml")


# --- 6 and 7. Hostile and malformed feeds keep what was stored ---------------------------------


def test_entity_bomb_is_a_recorded_error_and_articles_are_kept(
    server, client, stored_feed, testdata
):
    keys = _articles(stored_feed)
    title = stored_feed.title
    server.route("/feed.xml", server.feed(testdata("entity-bomb.xml")))
    outcome = refresh_feed(stored_feed, client, force=True)
    assert outcome.status == "error"
    stored = _reload(stored_feed)
    assert "entities" in stored.last_error
    assert stored.error_count == 1
    assert _articles(stored) == keys
    assert stored.title == title


def test_malformed_feed_records_the_parser_message_and_keeps_articles(
    server, client, stored_feed, testdata
):
    keys = _articles(stored_feed)
    server.route("/feed.xml", server.feed(testdata("malformed-unclosed-tag.xml")))
    outcome = refresh_feed(stored_feed, client, force=True)
    assert outcome.status == "error"
    stored = _reload(stored_feed)
    assert stored.last_error.startswith("parse error:")
    assert "mismatched tag" in stored.last_error  # expat's own words
    assert _articles(stored) == keys


def test_recoverable_feed_stores_entries_and_records_the_warning(server, client, feed, testdata):
    server.route("/feed.xml", server.feed(testdata("recoverable-bare-ampersand.xml")))
    outcome = refresh_feed(feed, client, force=True)
    assert outcome.status == "ok"
    assert len(outcome.new_article_ids) == 2
    stored = _reload(feed)
    assert stored.error_count == 0
    assert "not well-formed" in stored.last_error
    titles = set(Article.objects.filter(feed=feed).values_list("title", flat=True))
    assert "Fish & chip shop on the quay wins a hygiene award" in titles


def test_feed_names_its_auto_named_outlet(server, client, feed, testdata):
    assert feed.outlet.name == f"127.0.0.1:{server.port}"
    server.route("/feed.xml", server.feed(testdata("rss2-basic.xml")))
    refresh_feed(feed, client, force=True)
    stored = _reload(feed)
    assert stored.title == "The Lantern Bay Courier"
    assert stored.outlet.name == "The Lantern Bay Courier"
