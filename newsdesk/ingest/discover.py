"""What an address an operator gives ``feeds add`` really is: a feed, or a page that links one.

The address is fetched once through the fetcher ingest uses (``fetch``, inside ``host_slot``:
the same caps, timeouts, User-Agent and per-host politeness). A feed is parsed and described
(title, format, number of items); a web page is searched for
``<link rel="alternate" type="application/rss+xml|atom+xml|feed+json">``, as Miniflux and
FreshRSS do. Nothing here writes to the database except the host's politeness state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

import lxml.html

from newsdesk.ingest.fetch import FetchError, make_client
from newsdesk.ingest.fetch import fetch as fetch_url
from newsdesk.ingest.hosts import HostBlocked, HostBusy, host_slot
from newsdesk.ingest.parse import FeedParseError, ParsedFeed, parse_feed
from newsdesk.ingest.policy import FetchPolicy, trusted_origin_for

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "application/json;q=0.8, text/xml;q=0.8, text/html;q=0.5, */*;q=0.3"
)
FEED_LINK_TYPES = {
    "application/rss+xml": "RSS",
    "application/atom+xml": "Atom",
    "application/feed+json": "JSON Feed",
    "application/json": "JSON Feed",
    "application/rdf+xml": "RSS",
}


class NotAFeed(Exception):
    """The address could not be fetched, or is neither a feed nor a page that links one."""


@dataclass
class FeedLink:
    url: str
    title: str
    format: str


@dataclass
class Checked:
    """What the address turned out to be: a feed (``feed`` set, ``url`` the address to
    subscribe to), or a page with the feeds it ``links``."""

    url: str
    feed: ParsedFeed | None = None
    format: str = ""
    links: list[FeedLink] = field(default_factory=list)


def check_address(url: str, typed_url: str = "") -> Checked:
    """Fetch ``url`` once; a feed comes back parsed, a web page with the feeds it links.

    The origin of ``typed_url`` (the address the operator gave, ``url`` itself by default) is
    trusted as ingest will trust it (``policy.trusted_origin_for``); nothing else is."""
    typed_origin = trusted_origin_for(typed_url or url)
    policy = FetchPolicy(trusted_origins=frozenset({typed_origin} - {""}))
    try:
        with make_client(policy) as client, host_slot(url):
            result = fetch_url(url, client=client, accept=FEED_ACCEPT)
    except (HostBusy, HostBlocked, FetchError) as error:
        raise NotAFeed(str(error)) from error
    if result.status != 200:
        raise NotAFeed(f"{result.url} answered HTTP {result.status}")
    if _looks_like_html(result.body, result.content_type):
        links = feed_links(result.body, result.url)
        if not links:
            raise NotAFeed(
                f"{result.url} is a web page that links no feed "
                '(no <link rel="alternate"> of an RSS, Atom or JSON Feed type); '
                "give the feed's own address"
            )
        return Checked(url=result.url, links=links)
    try:
        parsed = parse_feed(result.body, result.content_type, result.url)
    except FeedParseError as error:
        raise NotAFeed(f"{result.url} is not a feed newsdesk can read: {error}") from error
    # Followed as ingest follows it: a permanent redirect moves the subscription, a temporary
    # one does not.
    return Checked(url=result.permanent_url or url, feed=parsed, format=feed_format(result.body))


def feed_links(html: bytes, base_url: str) -> list[FeedLink]:
    """The feeds a page announces, in page order, each once, as absolute http(s) URLs."""
    try:
        document = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    found: dict[str, FeedLink] = {}
    for link in document.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        if "alternate" not in rel or kind not in FEED_LINK_TYPES or not href:
            continue
        absolute = urljoin(base_url, href)
        if absolute.startswith(("http://", "https://")) and absolute not in found:
            found[absolute] = FeedLink(
                absolute, (link.get("title") or "").strip(), FEED_LINK_TYPES[kind]
            )
    return list(found.values())


_RSS_VERSION = re.compile(rb"<rss[^>]*\bversion\s*=\s*[\"']([0-9.]+)", re.IGNORECASE)


def feed_format(body: bytes) -> str:
    """RSS (with its version), Atom, RSS 1.0 (RDF) or JSON Feed, from the document's start."""
    head = body[:4096].replace(b"\x00", b"").lstrip()
    if head[:1] == b"{":
        return "JSON Feed"
    if version := _RSS_VERSION.search(head):
        return f"RSS {version.group(1).decode()}"
    if re.search(rb"<rss\b", head, re.IGNORECASE):
        return "RSS"
    if re.search(rb"<(\w+:)?feed\b", head):
        return "Atom"
    if re.search(rb"<rdf:RDF\b", head):
        return "RSS 1.0"
    return "feed"


def _looks_like_html(body: bytes, content_type: str) -> bool:
    kind = content_type.lower()
    if "html" in kind:
        return True
    if "xml" in kind or "json" in kind:
        return False
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))
