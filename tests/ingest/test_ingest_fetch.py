"""fetch(): caps, deadlines, redirects and request headers, against a real local server."""

from __future__ import annotations

import gzip
import socket
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from newsdesk import limits
from newsdesk.ingest.fetch import (
    BodyTooLarge,
    FetchError,
    FetchTimeout,
    RedirectError,
    fetch,
    make_client,
    parse_max_age,
    parse_retry_after,
)
from newsdesk.ingest.policy import FetchPolicy, trusted_origin_for

# --- Request headers --------------------------------------------------------------------------


def test_fetch_sends_user_agent_accept_and_conditional_headers(server, client):
    server.route("/feed.xml", server.reply(200, b"<rss/>"))
    result = fetch(
        server.url("/feed.xml"),
        client=client,
        etag='"abc"',
        last_modified="Mon, 01 Mar 2021 10:00:00 GMT",
        accept="application/rss+xml",
    )
    assert result.status == 200
    assert result.body == b"<rss/>"
    [seen] = server.requests_to("/feed.xml")
    assert seen.header("user-agent") == limits.USER_AGENT
    assert seen.header("accept") == "application/rss+xml"
    assert seen.header("if-none-match") == '"abc"'
    assert seen.header("if-modified-since") == "Mon, 01 Mar 2021 10:00:00 GMT"


def test_fetch_without_validators_sends_no_conditional_headers(server, client):
    server.route("/feed.xml", server.reply(200, b"<rss/>"))
    fetch(server.url("/feed.xml"), client=client)
    [seen] = server.requests_to("/feed.xml")
    assert seen.header("if-none-match") is None
    assert seen.header("if-modified-since") is None


def test_fetch_result_exposes_validators_and_content_type(server, client):
    server.route(
        "/feed.xml",
        server.feed(b"<rss/>", ETag='"v7"', Last_Modified="Tue, 02 Mar 2021 10:00:00 GMT"),
    )
    result = fetch(server.url("/feed.xml"), client=client)
    assert result.etag == '"v7"'
    assert result.last_modified == "Tue, 02 Mar 2021 10:00:00 GMT"
    assert result.content_type == "application/rss+xml"
    assert result.history == []
    assert result.permanent_url is None


# --- Body cap --------------------------------------------------------------------------------


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_body_over_the_cap_raises_body_too_large(server, client, chunked):
    server.route("/big", server.reply(200, b"x" * 5000, chunked=chunked, chunk_size=512))
    with pytest.raises(BodyTooLarge) as raised:
        fetch(server.url("/big"), client=client, max_bytes=1000)
    assert "1,000-byte cap" in str(raised.value)
    # With a Content-Length the body is refused before reading; chunked is cut while streaming.
    assert ("announced" in str(raised.value)) is (not chunked)
    assert ("while streaming" in str(raised.value)) is chunked


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_body_exactly_at_the_cap_is_accepted(server, client, chunked):
    server.route("/exact", server.reply(200, b"y" * 1000, chunked=chunked, chunk_size=300))
    result = fetch(server.url("/exact"), client=client, max_bytes=1000)
    assert result.body == b"y" * 1000


def test_content_length_over_the_cap_is_refused_before_the_body_arrives(server, client):
    # The server announces 10 MB but sends 10 bytes and hangs up: only the header is read.
    server.route("/liar", server.reply(200, b"0123456789", content_length=10_000_000))
    with pytest.raises(BodyTooLarge, match="10,000,000 bytes announced"):
        fetch(server.url("/liar"), client=client, max_bytes=1000)


def test_cap_counts_decoded_bytes_of_a_compression_bomb(server, client):
    packed = gzip.compress(b"\0" * 200_000)
    assert len(packed) < 1000  # the Content-Length check alone would let it through
    server.route("/bomb.gz", server.reply(200, packed, {"Content-Encoding": "gzip"}))
    with pytest.raises(BodyTooLarge, match="while streaming"):
        fetch(server.url("/bomb.gz"), client=client, max_bytes=50_000)


# --- Deadlines -------------------------------------------------------------------------------


def test_server_dripping_bytes_past_the_deadline_times_out(server, client):
    # One byte every 0.2 s for 60 bytes (12 s): no single read is slow, the whole is.
    server.route("/drip", server.reply(200, b"d" * 60, chunk_size=1, drip=0.2))
    with pytest.raises(FetchTimeout, match="no complete response within 1 s"):
        fetch(server.url("/drip"), client=client, timeout=1)


def test_server_slow_to_answer_times_out(server, client):
    server.route("/sleepy", server.reply(200, b"late", delay=5))
    with pytest.raises(FetchTimeout, match="no complete response within 0.5 s"):
        fetch(server.url("/sleepy"), client=client, timeout=0.5)


def test_server_dripping_its_headers_past_the_deadline_times_out():
    # A status line, then one header byte every 0.2 s: each read is quick, h11 keeps waiting
    # for the end of the headers, and only the request's deadline can stop it.
    listener = socket.create_server(("127.0.0.1", 0))
    stop, hung_up = threading.Event(), threading.Event()

    def drip() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            for _ in range(150):  # 30 s at most
                if stop.wait(0.2):
                    return
                try:
                    connection.sendall(b"a")
                except OSError:
                    hung_up.set()  # the client gave up on us: its deadline, not ours
                    return

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
    try:
        with (
            make_client(
                FetchPolicy(trusted_origins=frozenset({trusted_origin_for(url)}))
            ) as client,
            pytest.raises(FetchTimeout, match="no complete response within 1 s"),
        ):
            fetch(url, client=client, timeout=1)
        # The client closed the connection while the server still had bytes to drip: the
        # deadline ended the request, not the server running out of headers.
        thread.join(timeout=30)
        assert hung_up.is_set()
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=5)


def test_fast_server_within_the_deadline_is_fine(server, client):
    server.route("/quick", server.reply(200, b"q" * 10, chunk_size=2, drip=0.05))
    assert fetch(server.url("/quick"), client=client, timeout=3).body == b"q" * 10


def test_connection_refused_is_a_fetch_error(client, server):
    url = server.url("/gone-away")
    server.close()  # nothing listens on that port any more
    with pytest.raises(FetchError) as raised:
        fetch(url, client=client, timeout=2)
    assert not isinstance(raised.value, (FetchTimeout, BodyTooLarge, RedirectError))


# --- Redirects -------------------------------------------------------------------------------


def _hops(server, count: int, status: int = 302) -> None:
    """/hop/N redirects to /hop/N-1 ... /hop/0 answers 200."""
    server.route("/hop/0", server.reply(200, b"arrived"))
    for n in range(1, count + 1):
        server.route(f"/hop/{n}", server.reply(status, b"", {"Location": f"/hop/{n - 1}"}))


def test_redirect_loop_raises_redirect_error(server, client):
    server.route("/a", server.reply(302, b"", {"Location": "/b"}))
    server.route("/b", server.reply(302, b"", {"Location": "/a"}))
    with pytest.raises(RedirectError, match="redirect loop"):
        fetch(server.url("/a"), client=client)
    # It gave up after MAX_REDIRECTS hops, not after looping for ever.
    assert len(server.requests) == limits.MAX_REDIRECTS + 1


def test_max_redirects_are_followed(server, client):
    assert limits.MAX_REDIRECTS == 5
    _hops(server, limits.MAX_REDIRECTS)
    result = fetch(server.url(f"/hop/{limits.MAX_REDIRECTS}"), client=client)
    assert result.status == 200
    assert result.body == b"arrived"
    assert result.url == server.url("/hop/0")
    assert result.history == [302] * limits.MAX_REDIRECTS


def test_one_redirect_more_than_max_fails(server, client):
    _hops(server, limits.MAX_REDIRECTS + 1)
    with pytest.raises(RedirectError):
        fetch(server.url(f"/hop/{limits.MAX_REDIRECTS + 1}"), client=client)
    assert server.requests_to("/hop/0") == []


def test_permanent_redirects_report_the_new_url(server, client):
    _hops(server, 2, status=301)
    result = fetch(server.url("/hop/2"), client=client)
    assert result.permanent_url == server.url("/hop/0")
    assert result.history == [301, 301]


def test_a_temporary_hop_in_the_chain_is_not_permanent(server, client):
    server.route("/old", server.reply(301, b"", {"Location": "/moving"}))
    server.route("/moving", server.reply(302, b"", {"Location": "/new"}))
    server.route("/new", server.reply(200, b"here"))
    result = fetch(server.url("/old"), client=client)
    assert result.url == server.url("/new")
    assert result.permanent_url is None


# --- Header parsing --------------------------------------------------------------------------


def test_parse_retry_after_delta_seconds():
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 7 ") == 7.0
    assert parse_retry_after("0") == 0.0


def test_parse_retry_after_http_date():
    now = datetime(2021, 3, 2, 12, 0, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=300), usegmt=True)
    assert parse_retry_after(later, now=now) == pytest.approx(300.0)
    earlier = format_datetime(now - timedelta(hours=1), usegmt=True)
    assert parse_retry_after(earlier, now=now) == 0.0


def test_parse_retry_after_caps_absurd_values():
    cap = limits.MAX_RETRY_AFTER_SECONDS
    assert parse_retry_after(str(int(cap) + 1)) == cap
    assert parse_retry_after("9" * 400) == cap
    now = datetime(2021, 3, 2, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now=now) == cap


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1.5e3", "Thursday at noon"])
def test_parse_retry_after_ignores_what_it_cannot_read(value):
    assert parse_retry_after(value) is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("max-age=600", 600.0),
        ("public, max-age=900, must-revalidate", 900.0),
        ('max-age="60"', 60.0),
        ("s-maxage=100", None),
        ("no-cache", None),
        ("max-age=soon", None),
        (None, None),
    ],
)
def test_parse_max_age(header, expected):
    assert parse_max_age(header) == expected
