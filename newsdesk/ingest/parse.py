"""Stage 2 of ingest: turn a feed body into entries.

feedparser reads RSS 0.9x/1.0/2.0 and Atom, and sniffs their encodings; feedparser 6 does not
read JSON Feed, so ``parse_json_feed`` reads JSON Feed 1.0/1.1 (a small, fully specified
format) into the same ``Entry`` shape. Before any XML parser sees the body we refuse internal
entity declarations: an entity-expansion ("billion laughs") bomb is an error on the feed, not a
worker stuck expanding it.
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


@dataclass
class ParsedFeed:
    title: str
    link: str
    entries: list[Entry]
    # RSS <ttl>, minutes the feed may be cached.
    ttl_minutes: float | None = None
    # The parser recovered from an error: worth recording, not worth losing the items over.
    warning: str = ""


_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"}


def parse_feed(body: bytes, content_type: str = "", url: str = "") -> ParsedFeed:
    if not body.strip():
        raise FeedParseError("the response body is empty")
    stripped = body.lstrip()
    if "json" in content_type.lower() or stripped[:1] == b"{":
        return parse_json_feed(body)
    if _declares_entities(body):
        raise FeedParseError(
            "the feed declares XML entities in its DOCTYPE; refused without expanding them "
            "(an entity-expansion bomb looks like this, and real feeds never need it)"
        )
    parsed = feedparser.parse(
        # A stream, never bytes: feedparser opens bytes that name a local file as that file.
        io.BytesIO(body),
        # Content-Location is feedparser's base for relative links when it did not fetch.
        response_headers={
            "content-type": content_type or "application/xml",
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
    return ParsedFeed(
        title=parsed.feed.get("title", "").strip(),
        link=parsed.feed.get("link", ""),
        entries=[e for e in entries if e.link or e.guid],
        ttl_minutes=float(ttl) if ttl and str(ttl).strip().isdigit() else None,
        warning=warning,
    )


def _declares_entities(body: bytes) -> bool:
    """An ``<!ENTITY`` declaration with a DOCTYPE before it, anywhere in the body.

    NUL bytes are dropped first so UTF-16/32 documents are seen too; the whole body is searched
    (a long comment can push the DOCTYPE far in) and nothing inside the subset (a ``]`` in an
    attribute default) ends the search early. Two linear scans, whatever the body holds.
    """
    probe = body.replace(b"\x00", b"")
    entity = _ENTITY_DECL.search(probe)
    return bool(entity and _DOCTYPE.search(probe, 0, entity.start()))


def _entry(raw: feedparser.FeedParserDict) -> Entry:
    content = raw.get("content") or []
    html = content[0].get("value", "") if content else raw.get("summary", "")
    struct = raw.get("published_parsed") or raw.get("updated_parsed")
    published = datetime.fromtimestamp(calendar.timegm(struct), UTC) if struct else None
    return Entry(
        guid=raw.get("id", "") or "",
        link=raw.get("link", "") or "",
        title=html_to_text(raw.get("title", "")),
        published=published,
        text=html_to_text(html),
        author=raw.get("author", "") or "",
        categories=[t.get("term", "") for t in raw.get("tags", []) if t.get("term")],
    )


def parse_json_feed(body: bytes) -> ParsedFeed:
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise FeedParseError(f"JSON Feed is not UTF-8 (RFC 8259 requires it): {error}") from error
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
        entries.append(
            Entry(
                guid=str(item.get("id", "")),
                link=str(item.get("url") or item.get("external_url") or ""),
                title=str(item.get("title") or ""),
                published=_iso_date(item.get("date_published") or item.get("date_modified")),
                text=html_to_text(html) if html else str(item.get("content_text") or ""),
                author=", ".join(str(a.get("name", "")) for a in authors if isinstance(a, dict)),
                categories=[str(t) for t in item.get("tags") or [] if isinstance(t, str)],
            )
        )
    return ParsedFeed(
        title=str(document.get("title") or ""),
        link=str(document.get("home_page_url") or ""),
        entries=[e for e in entries if e.link or e.guid],
    )


def _iso_date(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


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
