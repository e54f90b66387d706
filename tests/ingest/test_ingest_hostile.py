"""A hostile outlet on 127.0.0.1: each way a feed can try to reach in, script the site, explode
the parser or stop ingest, run through the real pipeline.

The outlet is the ``server`` fixture, subscribed by its literal address, so its own origin is
trusted as the operator's. ``internal`` is a second server on another port that stands for
what must never be reached (a LAN admin page, a cloud metadata address): every page it serves
holds ``INTERNAL_MARKER``, and no test may find that marker anywhere or see a request there.
"""

from __future__ import annotations

import gzip
import threading
import zlib
from collections.abc import Iterator
from datetime import timedelta
from email.utils import format_datetime

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from newsdesk.ingest.decompress import BoundedDecoder
from newsdesk.ingest.fetch import BodyTooLarge, FetchError, fetch
from newsdesk.ingest.models import Article, Feed, Outlet
from newsdesk.ingest.pages import extract_article
from newsdesk.ingest.parse import parse_feed
from newsdesk.ingest.pipeline import refresh_feed
from newsdesk.ingest.subscriptions import subscribe
from newsdesk.orchestrate import ingest_pass, refresh_feed_task

from .conftest import LocalServer

INTERNAL_MARKER = "INTERNAL-ONLY-7f3a"
INTERNAL_PAGE = (
    "<html><head><title>Admin</title></head><body><article><h1>Internal minutes</h1>"
    + f"<p>{INTERNAL_MARKER}: the quarterly figures for the harbour board are confidential.</p>"
    * 12
    + "</article></body></html>"
).encode()
LIGHTHOUSE_PHRASE = "the Gannet Point lamp"
LIGHTHOUSE_PAGE = (
    "<html><head><title>Keeper retires</title></head><body><article>"
    "<h1>Lighthouse keeper retires after forty winters</h1>"
    + f"<p>After forty winters tending {LIGHTHOUSE_PHRASE}, the keeper hands over in March "
    "to a crew of two who trained on the mainland.</p>" * 6 + "</article></body></html>"
).encode()


@pytest.fixture
def internal() -> Iterator[LocalServer]:
    local = LocalServer()
    for path in ("/admin/minutes.html", "/feed.xml", "/robots.txt", "/"):
        local.route(path, local.reply(200, INTERNAL_PAGE, {"Content-Type": "text/html"}))
    try:
        yield local
    finally:
        local.close()


@pytest.fixture
def published() -> str:
    return format_datetime(timezone.now() - timedelta(hours=1), usegmt=True)


def _page(body: bytes = LIGHTHOUSE_PAGE):
    return LocalServer.reply(200, body, {"Content-Type": "text/html; charset=utf-8"})


def _assert_no_marker_anywhere() -> None:
    for article in Article.objects.all():
        for value in (article.title, article.text, article.feed_text, article.url):
            assert INTERNAL_MARKER not in value
    for feed in Feed.objects.all():
        assert INTERNAL_MARKER not in feed.title


# --- Internal addresses ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_no_internal_page_reaches_the_database(server, internal, fill_template, published):
    body = fill_template(
        "hostile-internal-links.xml",
        outlet=server.base,
        internal=internal.base,
        outlet_port=str(server.port),
        published=published,
    )
    server.route("/feed.xml", server.feed(body))
    server.route("/news/lighthouse.html", _page())
    # Served on the outlet's own port, but asked for as "localhost": not the trusted origin.
    server.route("/news/camera.html", _page(INTERNAL_PAGE))
    server.route(
        "/go/tides", server.reply(302, b"", {"Location": internal.url("/admin/minutes.html")})
    )
    subscribe(server.url("/feed.xml"))

    ingest_pass(progress=False, threads=2)

    assert internal.requests == []
    assert server.requests_to("/news/camera.html") == []
    _assert_no_marker_anywhere()
    articles = {a.title: a for a in Article.objects.all()}
    assert articles["Lighthouse keeper retires after forty winters"].extraction == "done"
    assert LIGHTHOUSE_PHRASE in articles["Lighthouse keeper retires after forty winters"].text
    for title in (
        "Council minutes published in full",
        "Harbour camera back online",
        "Tide tables for the spring",
    ):
        article = articles[title]
        assert article.extraction == "feed"
        assert "refused: private address" in article.extraction_error
        assert article.feed_text  # the feed's own text is kept
        assert article.processed_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_feed_redirected_inward_is_refused_and_backs_off(server, internal, client):
    server.route("/moved.xml", server.reply(302, b"", {"Location": internal.url("/feed.xml")}))
    feed = subscribe(server.url("/moved.xml"))
    outcome = refresh_feed(feed, client)
    feed.refresh_from_db()
    assert outcome.status == "error"
    assert "refused: private address" in feed.last_error
    assert feed.error_count == 1 and feed.next_fetch_at > timezone.now()
    assert feed.url == server.url("/moved.xml")
    assert internal.requests == []


@pytest.mark.django_db(transaction=True)
def test_robots_txt_redirected_inward_is_refused(server, internal, client, published):
    server.route("/robots.txt", server.reply(302, b"", {"Location": internal.url("/robots.txt")}))
    server.route("/news/lighthouse.html", _page())
    feed = subscribe(server.url("/feed.xml"))
    article = Article.objects.create(
        feed=feed,
        outlet=feed.outlet,
        key="k",
        url=server.url("/news/lighthouse.html"),
        feed_text="The keeper hands over the lamp in March.",
        published=timezone.now(),
    )
    assert extract_article(article, client) == "feed"
    article.refresh_from_db()
    assert "refused: private address" in article.extraction_error
    assert internal.requests == []


# --- Script links --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "content_type", "items"),
    [
        ("hostile-script-links.xml", "application/rss+xml", 6),
        ("hostile-script-links.json", "application/feed+json", 3),
    ],
    ids=["rss", "json-feed"],
)
@pytest.mark.django_db(transaction=True)
def test_script_and_data_links_are_never_stored(
    server, client, fill_template, published, fixture, content_type, items
):
    iso = (timezone.now() - timedelta(hours=1)).isoformat()
    body = fill_template(fixture, published=published if fixture.endswith(".xml") else iso)
    server.route("/feed", server.feed(body, content_type))
    feed = subscribe(server.url("/feed"))
    assert refresh_feed(feed, client).status == "ok"

    articles = list(Article.objects.all())
    assert len(articles) == items  # nothing lost: the items stay, by their GUIDs
    for article in articles:
        assert article.url == ""
        assert article.extraction == "feed"
        assert article.extraction_error.startswith("link dropped: a ")
        assert "only absolute http(s) links are kept" in article.extraction_error
    outlet = Outlet.objects.get()
    assert outlet.name.startswith("Skerry Sound Courier")
    assert outlet.homepage == ""
    feed.refresh_from_db()
    assert "homepage dropped" in feed.last_error and "item link(s) dropped" in feed.last_error


@pytest.mark.django_db(transaction=True)
def test_a_page_redirecting_to_script_fails_alone_and_the_pass_goes_on(server, published):
    server.route("/news/lighthouse.html", _page())
    server.route("/go/script", server.reply(302, b"", {"Location": " JaVaScRiPt:alert(1)"}))
    server.route("/go/data", server.reply(302, b"", {"Location": "data:text/html,<b>x</b>"}))
    items = "".join(
        f"<item><title>{title}</title><link>{link}</link><pubDate>{published}</pubDate>"
        f"<guid isPermaLink='false'>{title}</guid>"
        f"<description>{title}, as the feed tells it.</description></item>"
        for title, link in [
            ("Lighthouse keeper retires", server.url("/news/lighthouse.html")),
            ("Ferry strike called off", server.url("/go/script")),
            ("Quay repairs finished", server.url("/go/data")),
            ("Buoy relit off the point", "http://127.0.0.1:notaport/buoy"),
        ]
    )
    body = f'<rss version="2.0"><channel><title>Herald</title>{items}</channel></rss>'.encode()
    server.route("/feed.xml", server.feed(body))
    subscribe(server.url("/feed.xml"))
    # An article stored before links were checked, with a port that is not a number.
    feed = Feed.objects.get()
    Article.objects.create(
        feed=feed,
        outlet=feed.outlet,
        key="legacy",
        url="http://127.0.0.1:notaport/old",
        title="Harbour wall inspected",
        feed_text="Engineers found no cracks.",
        published=timezone.now(),
    )

    first = ingest_pass(progress=False, threads=2)
    second = ingest_pass(progress=False, threads=2)

    assert first.feeds == {"ok": 1} and second.feeds == {"ok": 1}
    articles = {a.title: a for a in Article.objects.all()}
    assert articles["Lighthouse keeper retires"].extraction == "done"
    for title in ("Ferry strike called off", "Quay repairs finished"):
        assert articles[title].extraction == "feed"
        assert "not a web" in articles[title].extraction_error
    assert "link dropped" in articles["Buoy relit off the point"].extraction_error
    assert "no page URL" in articles["Harbour wall inspected"].extraction_error
    # Every article was grouped, the poisoned ones with their feed text.
    assert all(a.processed_at is not None for a in articles.values())


@pytest.mark.django_db(transaction=True)
def test_newsdesk_ingest_ends_with_a_summary_and_exit_0_when_items_fail(server, capsys):
    server.route("/feed.xml", server.reply(302, b"", {"Location": "javascript:alert(1)"}))
    server.route("/broken.xml", server.feed(b"<html><body>Not a feed</body></html>"))
    subscribe(server.url("/feed.xml"))
    subscribe(server.url("/broken.xml"))
    call_command("ingest", "--no-progress")  # raises (exit status 1) if the pass itself failed
    out = capsys.readouterr().out
    assert "2 feeds: 2 failed" in out
    assert "2 feed(s) failed this pass" in out
    assert all(f.error_count == 1 for f in Feed.objects.all())


@pytest.mark.django_db(transaction=True)
def test_a_failing_feed_backs_off_under_the_worker(server):
    server.route("/feed.xml", server.reply(302, b"", {"Location": "data:text/xml,<rss/>"}))
    feed = subscribe(server.url("/feed.xml"))
    result = refresh_feed_task.call(feed.pk)
    feed.refresh_from_db()
    assert result.startswith("error")
    assert feed.error_count == 1
    assert "not a web address" in feed.last_error
    assert feed.next_fetch_at > timezone.now() + timedelta(minutes=2)


@pytest.mark.django_db(transaction=True)
def test_an_unexpected_exception_in_one_feed_is_recorded_with_backoff(server, client, monkeypatch):
    from newsdesk.ingest import pipeline

    def explode(*args, **kwargs):
        raise RuntimeError("parser bug")

    server.route("/feed.xml", server.feed(b"<rss version='2.0'><channel></channel></rss>"))
    feed = subscribe(server.url("/feed.xml"))
    monkeypatch.setattr(pipeline, "parse_feed", explode)
    outcome = refresh_feed(feed, client)
    feed.refresh_from_db()
    assert outcome.status == "error"
    assert feed.last_error == "unexpected error: RuntimeError: parser bug"
    assert feed.error_count == 1 and feed.next_fetch_at > timezone.now()


# --- Parsers that cannot be made to explode ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_utf_7_entity_bomb_is_refused(server, client, testdata):
    body = testdata("hostile-utf-7-entity-bomb.xml")
    assert b"<!ENTITY" not in body  # a byte search cannot see it
    server.route("/feed.xml", server.feed(body, "application/rss+xml; charset=utf-7"))
    feed = subscribe(server.url("/feed.xml"))
    assert refresh_feed(feed, client).status == "error"
    feed.refresh_from_db()
    assert "declares XML entities" in feed.last_error
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "fixture", ["entity-bomb.xml", "hostile-xxe-external-entity.xml"], ids=["billion-laughs", "xxe"]
)
@pytest.mark.django_db(transaction=True)
def test_entity_bombs_and_external_entities_are_refused(server, client, testdata, fixture):
    server.route("/feed.xml", server.feed(testdata(fixture)))
    feed = subscribe(server.url("/feed.xml"))
    assert refresh_feed(feed, client).status == "error"
    feed.refresh_from_db()
    assert "declares XML entities" in feed.last_error
    assert not Article.objects.exists()


def test_a_bad_byte_in_a_utf_8_feed_is_replaced_not_a_reason_to_guess(testdata):
    feed = parse_feed(testdata("hostile-bad-byte-in-utf-8.xml"), "application/rss+xml")
    assert feed.title == "Zoë's Quayside — news"
    assert [e.title for e in feed.entries] == [
        "Mooring fee now €4 for “small” boats",
        "São Tomé ferry sails on time",
    ]
    assert feed.entries[0].text == "The caf\ufffd reopens."


@pytest.mark.parametrize(
    "date", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "not a date"]
)
def test_a_date_out_of_range_is_no_date_not_a_failed_feed(date):
    body = (
        '{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", '
        f'"url": "https://tern.example/1", "date_published": "{date}"}}]}}'
    ).encode()
    assert parse_feed(body, "application/feed+json").entries[0].published is None


@pytest.mark.django_db(transaction=True)
def test_nul_bytes_are_stripped_and_every_site_feed_serialises(server, fill_template, published):
    body = fill_template("hostile-nul-bytes.xml", outlet=server.base, published=published)
    assert b"\x00" in body
    server.route("/feed.xml", server.feed(body))
    server.route("/news/causeway.html", server.reply(404, b"gone"))
    subscribe(server.url("/feed.xml"))
    ingest_pass(progress=False, threads=1)

    article = Article.objects.get()
    for value in (article.title, article.feed_text, article.author, *article.categories):
        assert not any(ord(c) < 32 and c not in "\t\n\r" for c in value)
    assert article.title == "Storm closes the causeway"
    assert article.categories == ["Weather"]
    assert article.processed_at is not None
    site = Client()
    outlet = Outlet.objects.get()
    for url in ("/feed.rss", "/feed.atom", f"/outlets/{outlet.slug}/feed.rss"):
        response = site.get(url)
        assert response.status_code == 200, url
        assert b"\x00" not in response.content


# --- Compression -------------------------------------------------------------------------------


def test_nested_gzip_bomb_is_cut_at_the_cap(server, client):
    packed = gzip.compress(gzip.compress(b"\0" * 20_000_000))
    assert len(packed) < 2000
    server.route("/bomb", server.reply(200, packed, {"Content-Encoding": "gzip, gzip"}))
    with pytest.raises(BodyTooLarge, match="while streaming"):
        fetch(server.url("/bomb"), client=client, max_bytes=1_000_000)


def test_more_than_two_content_encodings_are_refused(server, client):
    packed = gzip.compress(gzip.compress(gzip.compress(b"<rss/>")))
    server.route("/deep", server.reply(200, packed, {"Content-Encoding": "gzip, gzip, gzip"}))
    with pytest.raises(FetchError, match="3 layers"):
        fetch(server.url("/deep"), client=client)


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [
        ("gzip", gzip.compress),
        ("gzip, gzip", lambda b: gzip.compress(gzip.compress(b))),
        ("deflate", zlib.compress),
        ("deflate", lambda b: zlib.compress(b)[2:-4]),  # raw deflate, as some servers send
        ("identity", lambda b: b),
    ],
    ids=["gzip", "gzip-gzip", "deflate-zlib", "deflate-raw", "identity"],
)
def test_ordinary_encodings_still_decode(server, client, encoding, pack):
    text = b"<rss><channel><title>Tern colony grows</title></channel></rss>" * 500
    server.route("/f", server.reply(200, pack(text), {"Content-Encoding": encoding}))
    assert fetch(server.url("/f"), client=client).body == text


def test_bytes_after_the_end_of_a_gzip_stream_count_against_the_cap(server, client):
    packed = gzip.compress(b"<rss/>") + b"\0" * 200_000
    server.route("/tail", server.reply(200, packed, {"Content-Encoding": "gzip"}, chunked=True))
    with pytest.raises(BodyTooLarge, match="while streaming"):
        fetch(server.url("/tail"), client=client, max_bytes=100_000)


def test_decompression_works_in_bounded_steps():
    # However large the ratio, no piece handed on is bigger than the step.
    decoder = BoundedDecoder("gzip, gzip", max_bytes=50_000_000, step=65536)
    pieces = list(decoder.feed(gzip.compress(gzip.compress(b"\0" * 5_000_000))))
    assert sum(map(len, pieces)) == 5_000_000
    assert max(map(len, pieces)) <= 65536


# --- Sizes, loops ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_huge_feed_and_redirect_loop_are_feed_errors(server, client):
    server.route("/huge.xml", server.reply(200, b"<rss>" + b" " * 16_000_000, chunked=True))
    server.route("/loop.xml", server.reply(302, b"", {"Location": "/loop.xml"}))
    huge, loop = subscribe(server.url("/huge.xml")), subscribe(server.url("/loop.xml"))
    assert refresh_feed(huge, client).status == "error"
    assert refresh_feed(loop, client).status == "error"
    huge.refresh_from_db()
    loop.refresh_from_db()
    assert "cap" in huge.last_error
    assert "redirects" in loop.last_error


# --- One fetch per page ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_page_claimed_by_another_worker_is_not_fetched(server, client):
    server.route("/news/lighthouse.html", _page())
    feed = subscribe(server.url("/feed.xml"))
    article = Article.objects.create(
        feed=feed,
        outlet=feed.outlet,
        key="k",
        url=server.url("/news/lighthouse.html"),
        feed_text="text",
        published=timezone.now(),
        claimed_until=timezone.now() + timedelta(minutes=5),
    )
    assert extract_article(article, client) == "claimed"
    assert server.requests_to("/news/lighthouse.html") == []
    # A claim that ran out (its worker died) is taken over.
    Article.objects.filter(pk=article.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    assert extract_article(article, client) == "done"


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_fetch_a_page_once(server):
    from .conftest import trusting

    server.route(
        "/news/lighthouse.html",
        LocalServer.reply(200, LIGHTHOUSE_PAGE, {"Content-Type": "text/html"}, delay=0.3),
    )
    feed = subscribe(server.url("/feed.xml"))
    article = Article.objects.create(
        feed=feed,
        outlet=feed.outlet,
        key="k",
        url=server.url("/news/lighthouse.html"),
        feed_text="text",
        published=timezone.now(),
    )
    start = threading.Barrier(4)
    states = []

    def worker():
        from django.db import connection

        try:
            with trusting(server) as http:
                mine = Article.objects.get(pk=article.pk)
                start.wait()
                states.append(extract_article(mine, http))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(server.requests_to("/news/lighthouse.html")) == 1
    assert sorted(states) == ["claimed", "claimed", "claimed", "done"]


# --- Names that resolve inward -----------------------------------------------------------------


@pytest.fixture
def resolver(monkeypatch):
    """Answers for host names, as a (hostile) DNS server would give them; counts the lookups."""
    from newsdesk.ingest import policy

    answers: dict[str, str] = {}
    lookups: list[str] = []
    real = policy.socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        lookups.append(host)
        if host in answers:
            return real(answers[host], port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(policy.socket, "getaddrinfo", getaddrinfo)
    return answers, lookups


def test_a_name_resolving_to_loopback_is_refused_at_connect(server, client, resolver):
    answers, _ = resolver
    answers["news.gannet.example"] = "127.0.0.1"
    server.route("/x", server.reply(200, INTERNAL_PAGE))
    with pytest.raises(FetchError, match="refused: private address"):
        fetch(f"http://news.gannet.example:{server.port}/x", client=client)
    assert server.requests == []


def test_an_allowed_name_connects_to_the_address_it_resolved_once_and_keeps_its_host(
    server, resolver
):
    from newsdesk.ingest.fetch import make_client
    from newsdesk.ingest.policy import FetchPolicy

    answers, lookups = resolver
    answers["feeds.intranet"] = "127.0.0.1"
    server.route("/feed.xml", server.reply(200, b"<rss/>"))
    with make_client(FetchPolicy(allow=("feeds.intranet",))) as client:
        result = fetch(f"http://feeds.intranet:{server.port}/feed.xml", client=client)
    assert result.body == b"<rss/>"
    # The name was resolved once, by the policy; the socket was opened to the address itself.
    assert [name for name in lookups if not name[0].isdigit()] == ["feeds.intranet"]
    assert "127.0.0.1" in lookups
    assert server.requests[0].header("host") == f"feeds.intranet:{server.port}"


def test_allow_list_cidr_admits_an_internal_server(server):
    from newsdesk.ingest.fetch import make_client
    from newsdesk.ingest.policy import FetchPolicy

    server.route("/feed.xml", server.reply(200, b"<rss/>"))
    with make_client(FetchPolicy(allow=())) as strict, pytest.raises(FetchError, match="refused"):
        fetch(server.url("/feed.xml"), client=strict)
    with make_client(FetchPolicy(allow=("127.0.0.0/8",))) as widened:
        assert fetch(server.url("/feed.xml"), client=widened).body == b"<rss/>"


@pytest.mark.django_db
def test_feeds_add_warns_when_a_name_resolves_to_a_private_address(resolver, capsys):
    answers, _ = resolver
    answers["feeds.intranet"] = "127.0.0.1"
    # Checked (the default), the name is refused outright and nothing is added.
    with pytest.raises(CommandError, match="refused: private address"):
        call_command("feeds", "add", "http://feeds.intranet/rss.xml")
    assert not Feed.objects.exists()
    # Unchecked, it is added with a warning; a literal address is the operator's own.
    call_command("feeds", "add", "--no-check", "http://feeds.intranet/rss.xml")
    call_command("feeds", "add", "--no-check", "http://127.0.0.1:8001/rss.xml")
    err = capsys.readouterr().err
    assert err.count("warning: refused: private address") == 1
    assert "feeds.intranet is 127.0.0.1" in err and "NEWSDESK_FETCH_ALLOW" in err
    assert dict(Feed.objects.values_list("url", "trusted_origin")) == {
        "http://feeds.intranet/rss.xml": "",
        "http://127.0.0.1:8001/rss.xml": "http://127.0.0.1:8001",
    }
