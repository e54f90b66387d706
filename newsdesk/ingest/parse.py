"""Stage 2 of ingest: turn a feed body into entries.

feedparser reads RSS 0.9x/1.0/2.0 and Atom; feedparser 6 does not read JSON Feed, so
``parse_json_feed`` reads JSON Feed 1.0/1.1 (a small, fully specified format) into the same
``Entry`` shape. An XML body is decoded first (``encoding.py``), then any entity declaration is
refused, then feedparser gets UTF-8: whatever encoding hides ``<!ENTITY`` from a byte search
(UTF-7, UTF-16) is decoded before the search, so an entity-expansion ("billion laughs") bomb is
an error on the feed and no parser, strict or loose, ever expands one.

Every link goes through ``clean.web_url`` (http(s) only; a dropped link is said on the entry
and in the feed's warning) and every string through ``clean.clean_text``.
"""

from __future__ import annotations

import calendar
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import feedparser
import lxml.html

from newsdesk import limits
from newsdesk.ingest.clean import clean_text, web_url
from newsdesk.ingest.encoding import decode_feed


class FeedParseError(Exception):
    """The body is not a feed we can read; the message is the parser's, for the feed's record."""


@dataclass
class Entry:
    guid: str
    link: str
    title: str
    published: datetime | None
    text: str
    author: str = ""
    categories: list[str] = field(default_factory=list)
    # Why the outlet's link was dropped (not an absolute http(s) URL), if it was.
    link_error: str = ""


@dataclass
class ParsedFeed:
    title: str
    link: str
    entries: list[Entry]
    # RSS <ttl>, minutes the feed may be cached.
    ttl_minutes: float | None = None
    # The parser recovered from an error: worth recording, not worth losing the items over.
    warning: str = ""


_DOCTYPE = re.compile(r"<!\s*DOCTYPE", re.IGNORECASE)
_ENTITY_DECL = re.compile(r"<!\s*ENTITY", re.IGNORECASE)
# At most one broken byte per this many bytes of a JSON Feed is replaced rather than refused.
MAX_BROKEN_BYTES_RATIO = 10_000
_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"}


def parse_feed(body: bytes, content_type: str = "", url: str = "") -> ParsedFeed:
    if not body.strip():
        raise FeedParseError("the response body is empty")
    stripped = body.lstrip()
    if "json" in content_type.lower() or stripped[:1] == b"{":
        return parse_json_feed(body)
    text = clean_text(decode_feed(body, content_type))
    if _declares_entities(text):
        raise FeedParseError(
            "the feed declares XML entities in its DOCTYPE; refused without expanding them "
            "(an entity-expansion bomb looks like this, and real feeds never need it)"
        )
    parsed = feedparser.parse(
        # A stream, never bytes: feedparser opens bytes that name a local file as that file.
        io.BytesIO(('<?xml version="1.0" encoding="utf-8"?>\n' + text).encode("utf-8")),
        # Content-Location is feedparser's base for relative links when it did not fetch.
        response_headers={
            "content-type": "application/xml; charset=utf-8",
            "content-location": url,
        },
        sanitize_html=False,
        resolve_relative_uris=True,
    )
    warning = ""
    if parsed.get("bozo"):
        warning = f"{type(parsed.bozo_exception).__name__}: {parsed.bozo_exception}"
    if not parsed.entries:
        if warning:
            raise FeedParseError(f"not a readable feed: {warning}")
        if not parsed.get("version"):
            raise FeedParseError("not a feed: no RSS, Atom or JSON Feed document found")
    entries = [_entry(e) for e in parsed.entries[: limits.MAX_ITEMS_PER_FEED]]
    ttl = parsed.feed.get("ttl")
    return _finish(
        ParsedFeed(
            title=clean_text(parsed.feed.get("title", "")).strip(),
            link="",
            entries=entries,
            ttl_minutes=float(ttl) if ttl and str(ttl).strip().isdigit() else None,
            warning=warning,
        ),
        parsed.feed.get("link", ""),
    )


def _finish(feed: ParsedFeed, homepage: object) -> ParsedFeed:
    """Keep the homepage only if it is a web link; drop entries with neither link nor GUID;
    say in the feed's warning what was dropped."""
    notes = [feed.warning] if feed.warning else []
    feed.link, why = web_url(homepage) if homepage else ("", "")
    if why:
        notes.append(f"homepage dropped: {why}")
    dropped = [e.link_error for e in feed.entries if e.link_error]
    if dropped:
        notes.append(f"{len(dropped)} item link(s) dropped, e.g. {dropped[0]}")
    feed.entries = [e for e in feed.entries if e.link or e.guid]
    feed.warning = "; ".join(notes)
    return feed


def _declares_entities(text: str) -> bool:
    """An ``<!ENTITY`` declaration with a DOCTYPE before it, anywhere in the decoded text.

    The whole text is searched (a long comment can push the DOCTYPE far in) and nothing inside
    the subset (a ``]`` in an attribute default) ends the search early. Two linear scans.
    """
    entity = _ENTITY_DECL.search(text)
    return bool(entity and _DOCTYPE.search(text, 0, entity.start()))


def _link(*candidates: object) -> tuple[str, str]:
    """The first candidate that is a web link, or ("", why the first non-empty one is not)."""
    why = ""
    for candidate in candidates:
        if not candidate:
            continue
        url, reason = web_url(candidate)
        if url:
            return url, ""
        why = why or reason
    return "", why


def _entry(raw: feedparser.FeedParserDict) -> Entry:
    content = raw.get("content") or []
    html = content[0].get("value", "") if content else raw.get("summary", "")
    struct = raw.get("published_parsed") or raw.get("updated_parsed")
    try:
        published = datetime.fromtimestamp(calendar.timegm(struct), UTC) if struct else None
    except (ValueError, OverflowError, OSError):
        published = None  # a date no calendar holds is no date
    link, link_error = _link(raw.get("link", ""))
    return Entry(
        guid=clean_text(raw.get("id", "") or ""),
        link=link,
        title=clean_text(html_to_text(raw.get("title", ""))),
        published=published,
        text=clean_text(html_to_text(html)),
        author=clean_text(raw.get("author", "") or ""),
        categories=[
            clean_text(t.get("term", "")) for t in raw.get("tags", []) if clean_text(t.get("term"))
        ],
        link_error=link_error,
    )


def parse_json_feed(body: bytes) -> ParsedFeed:
    text = body.decode("utf-8-sig", "replace")
    # A stray broken byte is replaced; a body of them is another charset, which JSON may not be.
    broken = text.count("\ufffd") - body.count("\ufffd".encode())
    if broken * MAX_BROKEN_BYTES_RATIO > len(body):
        raise FeedParseError("JSON Feed is not UTF-8 (RFC 8259 requires it)")
    try:
        document = json.loads(clean_text(text))
    except (json.JSONDecodeError, RecursionError) as error:
        raise FeedParseError(f"not valid JSON: {error}") from error
    if not isinstance(document, dict) or "jsonfeed.org/version" not in str(
        document.get("version", "")
    ):
        raise FeedParseError('not a JSON Feed: no "version": "https://jsonfeed.org/version/1.1"')
    items = document.get("items")
    if not isinstance(items, list):
        raise FeedParseError('JSON Feed has no "items" list')
    entries = []
    for item in items[: limits.MAX_ITEMS_PER_FEED]:
        if not isinstance(item, dict):
            continue
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        html = item.get("content_html") or ""
        link, link_error = _link(item.get("url"), item.get("external_url"))
        entries.append(
            Entry(
                guid=clean_text(str(item.get("id", ""))),
                link=link,
                title=clean_text(str(item.get("title") or "")),
                published=_iso_date(item.get("date_published") or item.get("date_modified")),
                text=clean_text(
                    html_to_text(html) if html else str(item.get("content_text") or "")
                ),
                author=clean_text(
                    ", ".join(str(a.get("name", "")) for a in authors if isinstance(a, dict))
                ),
                categories=[clean_text(t) for t in item.get("tags") or [] if isinstance(t, str)],
                link_error=link_error,
            )
        )
    return _finish(
        ParsedFeed(title=clean_text(str(document.get("title") or "")), link="", entries=entries),
        document.get("home_page_url"),
    )


def _iso_date(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        # In UTC now: 9999-12-31T23:59:59-12:00 overflows, and would later, in a comparison.
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        return None


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment, paragraphs kept as blank lines; script and style dropped."""
    if not html or "<" not in html:
        return " ".join(html.split()) if html else ""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:  # noqa: BLE001 - lxml raises several types on hostile markup
        return re.sub(r"<[^>]+>", " ", html).strip()
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.tail = "\n\n" + (element.tail or "")
    text = root.text_content()
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)
