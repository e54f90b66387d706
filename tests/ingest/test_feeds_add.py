"""``newsdesk feeds add``: the address is fetched once, through ingest's fetcher, and what it is
decides what happens: a feed is subscribed and described, a web page's feed is found through
``<link rel="alternate">``, a dead address adds nothing. Real HTTP on 127.0.0.1, real database.
"""

from __future__ import annotations

import socket
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from newsdesk.ingest.discover import feed_links
from newsdesk.ingest.models import Feed
from newsdesk.ingest.subscriptions import subscribe

pytestmark = pytest.mark.django_db


def feeds_add(*args: str) -> str:
    out = StringIO()
    call_command("feeds", "add", *args, stdout=out)
    return out.getvalue()


def dead_address() -> str:
    """A 127.0.0.1 port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.xml"


def test_a_live_feed_is_subscribed_and_described(server, testdata):
    server.route("/feed.xml", server.feed(testdata("rss2-basic.xml")))
    said = feeds_add(server.url("/feed.xml"))
    assert said.startswith('subscribed: "The Lantern Bay Courier", RSS 2.0 with 3 items')
    feed = Feed.objects.get()
    assert feed.url == server.url("/feed.xml")
    assert feed.outlet.name == "The Lantern Bay Courier"  # the feed's own title, as written
    # Checked through ingest's fetcher: its User-Agent, one request.
    (request,) = server.requests_to("/feed.xml")
    assert request.header("user-agent").startswith("newsdesk")


def test_an_atom_feed_is_named_as_atom(server, testdata):
    server.route("/atom.xml", server.feed(testdata("atom-basic.xml"), "application/atom+xml"))
    assert '"Port Ellery Gazette", Atom with' in feeds_add(server.url("/atom.xml"))


def test_a_dead_address_adds_nothing_and_says_why():
    url = dead_address()
    with pytest.raises(CommandError, match=r"could not subscribe: .*(refused|ConnectError)"):
        feeds_add(url)
    assert not Feed.objects.exists()


def test_an_error_status_adds_nothing(server):
    with pytest.raises(CommandError, match="answered HTTP 404"):
        feeds_add(server.url("/nowhere.xml"))
    assert not Feed.objects.exists()


def test_a_page_linking_one_feed_subscribes_to_that_feed(server, testdata):
    page = testdata("page-linking-one-feed.html")
    server.route("/", server.reply(200, page, {"Content-Type": "text/html; charset=utf-8"}))
    server.route("/feed.xml", server.feed(testdata("rss2-basic.xml")))
    said = feeds_add(server.url("/"))
    assert f"is a web page; its feed is {server.url('/feed.xml')}" in said
    assert "subscribed:" in said
    assert list(Feed.objects.values_list("url", flat=True)) == [server.url("/feed.xml")]


def test_a_page_cannot_point_the_subscription_at_an_address_the_operator_did_not_type(server):
    # The operator typed the page's address (its origin is trusted); the page announces a
    # feed on another private origin ("localhost" is not the "127.0.0.1" typed): refused.
    inward = server.url("/feed.xml").replace("127.0.0.1", "localhost")
    page = f'<html><head><link rel="alternate" type="application/rss+xml" href="{inward}">'
    server.route("/", server.reply(200, page.encode(), {"Content-Type": "text/html"}))
    server.route("/feed.xml", server.feed(b"<rss><channel><title>Inside</title></channel></rss>"))
    with pytest.raises(CommandError, match="refused: private address"):
        feeds_add(server.url("/"))
    assert not Feed.objects.exists()
    assert server.requests_to("/") and not server.requests_to("/feed.xml")


def test_a_feed_found_from_a_typed_address_trusts_only_that_address():
    feed = subscribe("http://localhost:9/feed.xml", typed_url="https://news.example/")
    assert feed.trusted_origin == ""
    typed = subscribe("http://127.0.0.1:9/feed.xml", typed_url="http://127.0.0.1:9/")
    assert typed.trusted_origin == "http://127.0.0.1:9"


def test_a_page_linking_two_feeds_lists_them_and_subscribes_to_neither(server, testdata):
    page = testdata("page-linking-two-feeds.html")
    server.route("/", server.reply(200, page, {"Content-Type": "text/html"}))
    out = StringIO()
    with pytest.raises(CommandError, match="nothing subscribed: choose one"):
        call_command("feeds", "add", server.url("/"), stdout=out)
    listed = out.getvalue()
    assert "links 2 feeds" in listed
    assert f'{server.url("/feed.xml")}  (RSS, "All stories")' in listed
    assert f'{server.url("/sport/atom.xml")}  (Atom, "Sport")' in listed  # made absolute
    assert not Feed.objects.exists()


def test_a_page_linking_no_feed_adds_nothing(server, testdata):
    page = testdata("page-linking-no-feed.html")
    server.route("/", server.reply(200, page, {"Content-Type": "text/html"}))
    with pytest.raises(CommandError, match="web page that links no feed"):
        feeds_add(server.url("/"))
    assert not Feed.objects.exists()


def test_a_duplicate_is_reported_and_not_added_twice(server, testdata):
    server.route("/feed.xml", server.feed(testdata("rss2-basic.xml")))
    feeds_add(server.url("/feed.xml"))
    again = feeds_add(server.url("/feed.xml"))
    assert again.startswith(f"already subscribed: {server.url('/feed.xml')}")
    assert "nothing added" in again
    assert Feed.objects.count() == 1
    assert len(server.requests_to("/feed.xml")) == 1  # the second add fetched nothing


def test_a_page_whose_feed_is_followed_already_is_reported_as_such(server, testdata):
    page = testdata("page-linking-one-feed.html")
    server.route("/", server.reply(200, page, {"Content-Type": "text/html"}))
    server.route("/feed.xml", server.feed(testdata("rss2-basic.xml")))
    feeds_add(server.url("/feed.xml"))
    assert "already subscribed" in feeds_add(server.url("/"))
    assert Feed.objects.count() == 1


def test_no_check_subscribes_without_fetching():
    url = dead_address()
    said = feeds_add(url, "--no-check")
    assert said.startswith(f"subscribed without checking: {url}")
    assert Feed.objects.get().url == url


def test_feeds_list_says_when_there_are_none_and_how_each_feed_is():
    out = StringIO()
    call_command("feeds", "list", stdout=out)
    assert out.getvalue().startswith("No feeds yet.")
    feeds_add(dead_address(), "--no-check")
    out = StringIO()
    call_command("feeds", "list", stdout=out)
    assert "not fetched yet; first poll now" in out.getvalue()
    assert "1 feed: 1 not fetched yet" in out.getvalue()


def test_feed_links_keep_only_feed_types_once_each_in_page_order():
    html = b"""<html><head>
      <link rel="alternate" type="application/feed+json" href="/feed.json">
      <link rel="Alternate" type="application/RSS+XML" href="/feed.xml">
      <link rel="alternate" type="application/rss+xml" href="/feed.xml">
      <link rel="alternate" type="text/html" href="/print/">
      <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
    </head></html>"""
    links = feed_links(html, "https://gazette.example/news/")
    assert [(link.url, link.format) for link in links] == [
        ("https://gazette.example/feed.json", "JSON Feed"),
        ("https://gazette.example/feed.xml", "RSS"),
    ]


def test_a_permanently_moved_feed_is_subscribed_at_its_new_address(server, testdata):
    server.route("/old.xml", server.reply(301, b"", {"Location": "/feed.xml"}))
    server.route("/temporary.xml", server.reply(302, b"", {"Location": "/feed.xml"}))
    server.route("/feed.xml", server.feed(testdata("rss2-basic.xml")))
    feeds_add(server.url("/old.xml"))
    assert list(Feed.objects.values_list("url", flat=True)) == [server.url("/feed.xml")]
    Feed.objects.all().delete()
    feeds_add(server.url("/temporary.xml"))  # a temporary redirect keeps the address given
    assert list(Feed.objects.values_list("url", flat=True)) == [server.url("/temporary.xml")]
