"""parse_feed(): formats, encodings, hostile and malformed documents."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk import limits
from newsdesk.ingest.parse import FeedParseError, html_to_text, parse_feed

TESTDATA = Path(__file__).resolve().parent / "testdata"

# --- 9. Formats -----------------------------------------------------------------------------


def test_rss2(testdata):
    feed = parse_feed(testdata("rss2-basic.xml"), "application/rss+xml")
    assert feed.title == "The Lantern Bay Courier"
    assert feed.link == "https://courier.example/"
    assert feed.ttl_minutes == 45
    assert [e.title for e in feed.entries] == [
        "Harbour council approves a levy on noisy ferries",
        "Lighthouse restorers find a logbook from 1891",
        "Spring timetable adds an early crossing to Marrow Island",
    ]
    first, second, _ = feed.entries
    assert first.link == "https://courier.example/2021/03/harbour-levy"
    assert first.guid == "courier-2021-0301"
    assert first.published == datetime(2021, 3, 2, 9, 15, tzinfo=UTC)
    assert first.categories == ["Politics", "Transport"]
    assert first.author == "Wren Adebayo"
    # HTML in the description becomes paragraphs of plain text.
    assert first.text == "Councillors voted seven to two for the levy.\n\nQuiet boats pay nothing."
    # +0100 is converted to UTC.
    assert second.published == datetime(2021, 3, 3, 13, 30, tzinfo=UTC)
    assert second.categories == ["Heritage"]


def test_atom(testdata):
    feed = parse_feed(testdata("atom-basic.xml"), "application/atom+xml")
    assert feed.title == "Port Ellery Gazette"
    assert feed.link == "https://gazette.example/"
    first, second = feed.entries
    assert first.title == "Tide gauge on the north quay is replaced after forty years"
    assert first.link == "https://gazette.example/2021/04/tide-gauge"
    assert first.guid == "urn:uuid:gazette-entry-1"
    assert first.published == datetime(2021, 4, 5, 8, 20, tzinfo=UTC)  # <published>, not <updated>
    assert first.categories == ["Science", "Coast"]
    assert first.author == "Idris Kowalczyk"
    assert first.text == "The new gauge reports every minute."
    assert second.categories == ["Culture"]
    assert second.text == "Forty singers took the silver cup home."  # <content> is preferred


@pytest.mark.parametrize("content_type", ["application/feed+json", "application/json", ""])
def test_json_feed_1_1(testdata, content_type):
    feed = parse_feed(testdata("jsonfeed-1.1.json"), content_type)
    assert feed.title == "Kestrel Valley Wire"
    assert feed.link == "https://wire.example/"
    first, second = feed.entries
    assert first.title == "Late frost spares most of the valley's orchards"
    assert first.link == "https://wire.example/2021/05/orchard-frost"
    assert first.guid == "wire-2021-05-01"
    assert first.published == datetime(2021, 5, 1, 5, 30, tzinfo=UTC)
    assert first.categories == ["Farming", "Weather"]
    assert first.author == "Tomasz Oyelaran"
    assert (
        first.text == "Growers lit braziers through the night.\n\nOnly the highest rows were lost."
    )
    assert second.title == "Old rail halt at Sedgeford reopens as a café"
    assert second.text == "The waiting room now serves soup to walkers."
    assert second.published == datetime(2021, 5, 2, 12, 0, tzinfo=UTC)
    assert second.categories == ["Business"]


def test_json_feed_1_0_single_author(testdata):
    document = json.loads(testdata("jsonfeed-1.1.json"))
    document["version"] = "https://jsonfeed.org/version/1"
    item = document["items"][0]
    item["author"] = item.pop("authors")[0]
    feed = parse_feed(json.dumps(document).encode(), "application/json")
    assert feed.entries[0].author == "Tomasz Oyelaran"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "not valid JSON"),
        (b'{"title": "an object, but no version"}', "not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}', '"items" list'),
        (b'{"version": "https://jsonfeed.org/version/1.1", "title": "\xe9t\xe9"}', "UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    ],
    ids=["truncated", "no-version", "items-not-a-list", "not-utf-8", "deeply-nested"],
)
def test_broken_json_feeds_are_parse_errors(body, message):
    with pytest.raises(FeedParseError, match=message):
        parse_feed(body, "application/feed+json")


def test_relative_links_are_resolved_against_the_feed_url(testdata):
    feed = parse_feed(
        testdata("atom-relative-links.xml"),
        "application/atom+xml",
        "https://gazette.example/feeds/all.atom",
    )
    assert [e.link for e in feed.entries] == [
        "https://gazette.example/2021/04/dredging",
        # xml:base on the entry wins over the feed's address.
        "https://gazette.example/sections/coast/cliff-path",
    ]


def test_items_per_feed_are_capped():
    count = limits.MAX_ITEMS_PER_FEED + 7
    items = "".join(
        f"<item><title>Buoy {n} relit</title><link>https://buoys.example/{n}</link></item>"
        for n in range(count)
    )
    body = f'<rss version="2.0"><channel><title>Buoys</title>{items}</channel></rss>'.encode()
    entries = parse_feed(body, "application/rss+xml").entries
    assert len(entries) == limits.MAX_ITEMS_PER_FEED
    assert entries[-1].link == f"https://buoys.example/{limits.MAX_ITEMS_PER_FEED - 1}"


def test_items_without_link_or_guid_are_dropped():
    body = (
        b'<rss version="2.0"><channel><title>T</title>'
        b"<item><title>No address at all</title></item>"
        b"<item><title>Has a guid</title><guid isPermaLink='false'>g-1</guid></item>"
        b"</channel></rss>"
    )
    entries = parse_feed(body, "application/rss+xml").entries
    assert [(e.title, e.guid, e.link) for e in entries] == [("Has a guid", "g-1", "")]


# --- 8. Encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["application/rss+xml", "text/xml", ""])
def test_iso_8859_1_feed(testdata, content_type):
    body = testdata("iso-8859-1.xml")
    assert "Zoë".encode() not in body  # the fixture really is Latin-1
    feed = parse_feed(body, content_type)
    assert [e.title for e in feed.entries] == [
        "Zoë Marchetti becomes the harbour's first woman pilot",
        "Ferry link to São Tomé festival fully booked",
    ]
    assert feed.entries[1].text == "The café on the pier sold out of pastéis by noon."


def test_windows_1252_feed(testdata):
    feed = parse_feed(testdata("windows-1252.xml"), "application/rss+xml")
    assert feed.title == "Port Ellery Gazette — windows-1252"
    assert feed.entries[0].title == "Harbour levy rises to €5 for “loud” boats"
    assert feed.entries[0].text == "The council’s vote — seven to two — takes effect in July."
    assert feed.entries[1].title == "Zoë’s bakery wins the São Tomé cake prize"
    assert feed.entries[1].text == "Judges called the crust “perfect…”"


def test_feed_labelled_iso_8859_1_with_windows_1252_bytes(testdata):
    # Common in the wild: the declaration says Latin-1, the bytes hold the euro sign (0x80).
    feed = parse_feed(testdata("iso-8859-1-with-windows-1252-bytes.xml"), "application/xml")
    assert feed.entries[0].title == "Parking on the quay now costs €2 an hour"
    assert feed.entries[0].text == "Residents call it “steep”."
    assert "\x80" not in feed.entries[0].title


# --- 6. Entity bombs ----------------------------------------------------------------------------


def _bomb_variants(testdata) -> dict[str, bytes]:
    bomb = testdata("entity-bomb.xml")
    text = bomb.decode("utf-8")
    # A long comment before the DOCTYPE (XML allows it) moves the declarations far in.
    comment = "<!-- " + "The gulls gather on the breakwater at dusk. " * 2000 + "-->\n"
    declaration, rest = text.split("\n", 1)
    return {
        "plain": bomb,
        "utf-16": text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"),
        "after-long-comment": (declaration + "\n" + comment + rest).encode("utf-8"),
        "bracket-in-attlist": testdata("entity-bomb-bracket-in-attlist.xml"),
    }


@pytest.mark.parametrize("variant", ["plain", "utf-16", "after-long-comment", "bracket-in-attlist"])
def test_entity_bomb_is_refused_with_a_clear_message(testdata, variant):
    body = _bomb_variants(testdata)[variant]
    with pytest.raises(FeedParseError) as raised:
        parse_feed(body, "application/rss+xml")
    message = str(raised.value)
    assert "declares XML entities" in message
    assert "without expanding them" in message


def test_ordinary_doctype_without_entities_still_parses():
    body = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "http://dtd.example/rss-0.91.dtd">\n'
        b'<rss version="0.91"><channel><title>Old style</title>'
        b"<item><title>Pier lamps repainted</title><link>https://old.example/1</link></item>"
        b"</channel></rss>"
    )
    assert [e.title for e in parse_feed(body, "text/xml").entries] == ["Pier lamps repainted"]


# --- 7. Malformed feeds -------------------------------------------------------------------------


def test_malformed_feed_without_entries_is_a_parse_error_with_the_parsers_message(testdata):
    with pytest.raises(FeedParseError) as raised:
        parse_feed(testdata("malformed-unclosed-tag.xml"), "application/rss+xml")
    assert "not a readable feed" in str(raised.value)
    assert "mismatched tag" in str(raised.value)


def test_recoverable_error_still_yields_entries_with_a_warning(testdata):
    feed = parse_feed(testdata("recoverable-bare-ampersand.xml"), "application/rss+xml")
    assert [e.title for e in feed.entries] == [
        "Fish & chip shop on the quay wins a hygiene award",
        "Sailing club elects its first junior commodore",
    ]
    assert feed.entries[1].published == datetime(2021, 3, 11, 12, 0, tzinfo=UTC)
    assert "not well-formed" in feed.warning


def test_a_valid_feed_has_no_warning(testdata):
    assert parse_feed(testdata("rss2-basic.xml"), "application/rss+xml").warning == ""


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"<html><head><title>Home</title></head><body><p>Hi</p></body></html>", "not a feed"),
        (b"Service temporarily unavailable", "not"),
    ],
    ids=["empty", "whitespace", "html-page", "plain-text"],
)
def test_bodies_that_are_not_feeds(body, message):
    with pytest.raises(FeedParseError, match=message):
        parse_feed(body, "application/xml")


def test_a_body_naming_a_local_file_is_not_read_as_that_file():
    # feedparser opens bytes that are a path; a hostile server must not make us read our disk.
    path = TESTDATA / "rss2-basic.xml"
    assert path.exists()
    with pytest.raises(FeedParseError):
        parse_feed(str(path).encode(), "application/rss+xml")


# --- html_to_text -------------------------------------------------------------------------------


def test_html_to_text_keeps_paragraphs_and_drops_scripts():
    html = (
        "<div><p>First  line\nwraps.</p><script>alert('x')</script>"
        "<style>p{}</style><ul><li>One</li><li>Two</li></ul>Tail<br>end</div>"
    )
    assert html_to_text(html) == "First line wraps.\n\nOne\n\nTwo\n\nTail\n\nend"


def test_html_to_text_of_plain_text_collapses_whitespace():
    assert html_to_text("  two   words \n") == "two words"
    assert html_to_text("") == ""
