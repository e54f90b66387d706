"""Article pages: decoding, extraction, robots.txt and pages.extract_article."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk import limits
from newsdesk.ingest.extract import ExtractionError, decode_html, extract_text
from newsdesk.ingest.models import Article, Host
from newsdesk.ingest.pages import extract_article
from newsdesk.ingest.subscriptions import subscribe

from .conftest import LocalServer, trusting

FEED_TEXT = "The feed's own summary of the story, kept when the page cannot be used."

# --- 8. Encodings of pages ----------------------------------------------------------------------


def test_windows_1252_page_declared_by_meta_charset(testdata):
    body = testdata("windows-1252-page.html")
    text = extract_text(body, "https://gazette.example/2021/06/pilot")
    assert "Zoë Marchetti guided her first container ship into Port Ellery" in text
    assert "the ferry to São Tomé" in text
    assert "is now €1,200 — a sum" in text
    assert "“quieter than the exam”" in text
    assert "\ufffd" not in text


def test_page_labelled_iso_8859_1_is_read_as_windows_1252(testdata):
    # Browsers (the WHATWG Encoding Standard) do this; Latin-1 proper would turn the euro
    # sign and curly quotes into invisible C1 control characters.
    text = extract_text(testdata("iso-8859-1-labelled-page.html"), "https://gazette.example/p")
    assert "to €2 an hour" in text
    assert "called the rise “steep”" in text
    assert not any("\x80" <= ch <= "\x9f" for ch in text)


def test_undecodable_page_is_an_extraction_error(testdata):
    body = testdata("invalid-utf-8-page.html")
    with pytest.raises(ExtractionError, match="not valid UTF-8"):
        extract_text(body, "https://gazette.example/cafe")


def test_charset_from_the_content_type_header(testdata):
    body = testdata("invalid-utf-8-page.html")  # windows-1252 bytes, no <meta charset>
    html = decode_html(body, "text/html; charset=windows-1252")
    assert "Café owners on the pier" in html
    text = extract_text(body, "https://gazette.example/cafe", "text/html; charset=windows-1252")
    assert "sold crêpes from the same kiosk" in text


def test_unknown_declared_charset_falls_back_to_utf_8():
    body = '<meta charset="no-such-charset"><p>Gull’s eye view</p>'.encode()
    assert "Gull’s eye view" in decode_html(body)


def test_page_without_article_text_is_an_extraction_error():
    with pytest.raises(ExtractionError):
        extract_text(
            b"<html><head><title>x</title></head><body><script>go()</script></body></html>"
        )
    with pytest.raises(ExtractionError, match="empty"):
        extract_text("   ")


def test_same_text_extracts_the_same_however_often_it_is_seen(testdata):
    # One wire story published by several outlets, or one page retried: every extraction must
    # return the whole text, not lose paragraphs to a process-wide "seen before" cache.
    body = testdata("article-seal-count.html")
    texts = [extract_text(body, f"https://outlet-{n}.example/seals") for n in range(6)]
    assert "sixty-one grey seal pups" in texts[0]
    assert all(text == texts[0] for text in texts)


def test_extracted_text_has_blank_line_paragraphs(testdata):
    text = extract_text(testdata("article-school-roof.html"), "https://bulletin.example/roof")
    paragraphs = text.split("\n\n")
    assert any(p.startswith("The primary school on Marrow Island reopened") for p in paragraphs)
    assert any(p.startswith("Head teacher Olwen Batista said") for p in paragraphs)
    assert "Home" not in paragraphs  # navigation is not article text


# --- extract_article over a real server ----------------------------------------------------


@pytest.fixture
def make_article(db, server):
    feed = subscribe(server.url("/feed.xml"))

    def make(path: str, published=None) -> Article:
        url = server.url(path)
        return Article.objects.create(
            feed=feed,
            outlet=feed.outlet,
            key=url,
            url=url,
            title="A story from the test server",
            feed_text=FEED_TEXT,
            published=published or timezone.now(),
        )

    return make


def _reload(article: Article) -> Article:
    return Article.objects.get(pk=article.pk)


def test_extract_article_stores_the_page_text(server, client, make_article, testdata):
    server.route(
        "/news/pilot.html",
        server.reply(200, testdata("windows-1252-page.html"), {"Content-Type": "text/html"}),
    )
    article = make_article("/news/pilot.html")
    assert extract_article(article, client) == Article.Extraction.DONE
    stored = _reload(article)
    assert stored.extraction == "done"
    assert stored.extraction_error == ""
    assert "Zoë Marchetti guided her first container ship" in stored.text
    assert stored.body == stored.text
    assert stored.extraction_attempts == 1


def test_undecodable_page_keeps_the_feed_text(server, client, make_article, testdata):
    server.route(
        "/news/cafe.html",
        server.reply(200, testdata("invalid-utf-8-page.html"), {"Content-Type": "text/html"}),
    )
    article = make_article("/news/cafe.html")
    assert extract_article(article, client) == Article.Extraction.FEED_TEXT
    stored = _reload(article)
    assert stored.extraction == "feed"
    assert "not valid UTF-8" in stored.extraction_error
    assert stored.text == ""
    assert stored.body == FEED_TEXT
    assert len(server.requests_to("/news/cafe.html")) == 1


def test_http_error_page_keeps_the_feed_text(server, client, make_article):
    server.route("/news/missing.html", server.reply(404, b"no such page"))
    article = make_article("/news/missing.html")
    assert extract_article(article, client) == "feed"
    assert _reload(article).extraction_error == "HTTP 404 for the page"


def test_oversized_page_keeps_the_feed_text(server, client, make_article):
    server.route(
        "/news/huge.html", server.reply(200, b"<p>", content_length=limits.MAX_BODY_BYTES + 1)
    )
    article = make_article("/news/huge.html")
    assert extract_article(article, client) == "feed"
    assert "cap" in _reload(article).extraction_error


def test_old_articles_are_not_fetched(server, client, make_article):
    article = make_article("/news/old.html", published=timezone.now() - timedelta(days=30))
    assert extract_article(article, client) == "feed"
    assert "EXTRACT_MAX_AGE_DAYS" in _reload(article).extraction_error
    assert server.requests == []


def test_an_extracted_article_is_not_fetched_again(server, client, make_article, testdata):
    server.route("/news/roof.html", server.reply(200, testdata("article-school-roof.html")))
    article = make_article("/news/roof.html")
    assert extract_article(article, client) == "done"
    assert extract_article(_reload(article), client) == "done"
    assert len(server.requests_to("/news/roof.html")) == 1


# --- 10. robots.txt ------------------------------------------------------------------------------


def test_robots_disallow_keeps_feed_text_and_never_requests_the_page(
    server, client, make_article, testdata
):
    server.route(
        "/robots.txt",
        server.reply(200, testdata("robots-disallow-private.txt"), {"Content-Type": "text/plain"}),
    )
    server.route("/private/roof.html", server.reply(200, testdata("article-school-roof.html")))
    server.route("/public/seals.html", server.reply(200, testdata("article-seal-count.html")))

    private = make_article("/private/roof.html")
    assert extract_article(private, client) == "feed"
    stored = _reload(private)
    assert "robots.txt" in stored.extraction_error
    assert stored.body == FEED_TEXT
    assert server.requests_to("/private/roof.html") == []

    public = make_article("/public/seals.html")
    assert extract_article(public, client) == "done"
    assert "sixty-one grey seal pups" in _reload(public).text
    assert len(server.requests_to("/public/seals.html")) == 1

    # robots.txt was read once and kept on the host row for the second article.
    assert len(server.requests_to("/robots.txt")) == 1
    host = Host.objects.get(name=f"127.0.0.1:{server.port}")
    assert "Disallow: /private/" in host.robots_txt
    assert host.robots_fetched_at is not None


def test_a_redirect_to_another_host_obeys_that_hosts_robots_txt(
    server, client, make_article, testdata
):
    # A feed's tracking link on one host leads to the page on another, whose robots.txt
    # forbids it: the page is never requested.
    publisher = LocalServer()
    try:
        publisher.route(
            "/robots.txt",
            publisher.reply(
                200, testdata("robots-disallow-private.txt"), {"Content-Type": "text/plain"}
            ),
        )
        publisher.route(
            "/private/roof.html", publisher.reply(200, testdata("article-school-roof.html"))
        )
        publisher.route(
            "/public/seals.html", publisher.reply(200, testdata("article-seal-count.html"))
        )
        for name, path in (("hidden", "/private/roof.html"), ("open", "/public/seals.html")):
            server.route(f"/r/{name}", server.reply(302, b"", {"Location": publisher.url(path)}))

        # The operator follows a feed on each: both origins are trusted.
        client = trusting(server, publisher)
        hidden = make_article("/r/hidden")
        assert extract_article(hidden, client) == "feed"
        assert "robots.txt disallows" in _reload(hidden).extraction_error
        assert publisher.requests_to("/private/roof.html") == []

        shown = make_article("/r/open")
        assert extract_article(shown, client) == "done"
        assert "sixty-one grey seal pups" in _reload(shown).text
        # Each host's robots.txt was asked for, and each host got its own row (its own lease).
        assert len(publisher.requests_to("/robots.txt")) == 1
        assert Host.objects.filter(name=f"127.0.0.1:{publisher.port}").exists()
    finally:
        publisher.close()


def test_a_redirect_loop_on_a_page_keeps_the_feed_text(server, client, make_article):
    server.route("/loop/a", server.reply(302, b"", {"Location": "/loop/b"}))
    server.route("/loop/b", server.reply(302, b"", {"Location": "/loop/a"}))
    article = make_article("/loop/a")
    assert extract_article(article, client) == "feed"
    assert "redirects" in _reload(article).extraction_error
    assert len(server.requests_to("/loop/a")) + len(server.requests_to("/loop/b")) == (
        limits.MAX_REDIRECTS + 1
    )


def test_robots_group_for_our_user_agent_applies(server, client, make_article, testdata):
    server.route("/robots.txt", server.reply(200, testdata("robots-newsdesk-disallowed.txt")))
    server.route("/news/seals.html", server.reply(200, testdata("article-seal-count.html")))
    article = make_article("/news/seals.html")
    assert extract_article(article, client) == "feed"
    assert "robots.txt" in _reload(article).extraction_error
    assert server.requests_to("/news/seals.html") == []


def test_missing_robots_txt_allows_everything(server, client, make_article, testdata):
    server.route("/news/seals.html", server.reply(200, testdata("article-seal-count.html")))
    article = make_article("/news/seals.html")  # /robots.txt answers 404
    assert extract_article(article, client) == "done"
    assert len(server.requests_to("/robots.txt")) == 1


def test_unreadable_robots_txt_disallows_for_now(server, client, make_article, testdata):
    server.route("/robots.txt", server.reply(503, b"busy"))
    server.route("/news/seals.html", server.reply(200, testdata("article-seal-count.html")))
    article = make_article("/news/seals.html")
    assert extract_article(article, client) == "feed"
    assert "robots.txt" in _reload(article).extraction_error
    assert server.requests_to("/news/seals.html") == []


def test_a_stray_broken_byte_in_a_long_utf8_page_is_repaired_not_refused():
    paragraph = "<p>The harbour ferry to Skerry Point runs twice a day in winter, said Zoë.</p>"
    body = (
        ("<html><body><article>" + paragraph * 200).encode()
        + b"\xff"
        + (paragraph + "</article></body></html>").encode()
    )
    html = decode_html(body, "text/html; charset=utf-8")
    assert html.count("\ufffd") == 1
    assert "said Zoë" in html
