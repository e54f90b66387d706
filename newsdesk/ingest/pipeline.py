"""Ingest's steps: fetch -> parse -> store a feed's entries, then (``pages.py``) extract each
article's page; one feed or article at a time.

Reads top to bottom like Miniflux's ``RefreshFeed``; each stage (``fetch``, ``parse``,
``extract``) knows nothing of the others or of the database. Every outcome, good or bad, is
written on the feed or the article, and a crash at any point loses nothing:

- entries and the feed's new validators are stored in one transaction, so a crash between them
  cannot leave validators that would hide unstored entries behind a 304;
- articles are keyed by canonical URL (or GUID) with a unique constraint, so a re-run or a
  resumed run never stores one twice;
- extraction and story processing are states on the article (``extraction``,
  ``processed_at``): a resumed run picks up exactly what was left;
- one feed or one article fails alone: ``refresh_feed`` and ``pages.extract_article`` catch
  anything raised while handling their item, record it there (a feed backs off), and the pass
  goes on.

A whole pass, and the tasks that chain these steps to grouping, are in ``newsdesk.orchestrate``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.db import transaction
from django.utils import timezone

from newsdesk import limits
from newsdesk.core.boilerplate import strip_repeated_text
from newsdesk.ingest import schedule
from newsdesk.ingest.fetch import (
    FetchClient,
    FetchError,
    fetch,
    parse_max_age,
    parse_retry_after,
)
from newsdesk.ingest.hosts import (
    HostBlocked,
    HostBusy,
    block_host,
    host_of,
    host_slot,
)
from newsdesk.ingest.models import Article, Feed
from newsdesk.ingest.outcomes import FeedStatus
from newsdesk.ingest.parse import FeedParseError, ParsedFeed, parse_feed

log = logging.getLogger("newsdesk.ingest")

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "application/json;q=0.8, text/xml;q=0.8, */*;q=0.5"
)
# Query parameters that only track the reader; two URLs differing in them are one article.
TRACKING_PARAMETERS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ocid")


@dataclass
class FeedOutcome:
    feed_id: int
    status: FeedStatus
    new_article_ids: list[int] = field(default_factory=list)
    message: str = ""


# --- Feeds -----------------------------------------------------------------------------------


def refresh_feed(feed: Feed, client: FetchClient, force: bool = False) -> FeedOutcome:
    """Fetch, parse and store one feed. Whatever goes wrong is recorded on the feed, which
    backs off; nothing raised here stops a pass or a worker."""
    try:
        return _refresh_feed(feed, client, force)
    except Exception as error:  # noqa: BLE001 - one feed's failure must not end the pass
        log.exception("feed %s: unexpected error", feed.url)
        return _feed_crashed(feed, error)


def _refresh_feed(feed: Feed, client: FetchClient, force: bool) -> FeedOutcome:
    now = timezone.now()
    if feed.gone:
        message = "feed answered 410 Gone; polling stopped"
        return FeedOutcome(feed.pk, FeedStatus.GONE, message=message)
    if not force and feed.next_fetch_at > now:
        return FeedOutcome(feed.pk, FeedStatus.NOT_DUE)
    try:
        with host_slot(feed.url):
            result = fetch(
                feed.url,
                client=client,
                etag=feed.etag,
                last_modified=feed.last_modified,
                accept=FEED_ACCEPT,
            )
    except HostBusy as busy:
        return FeedOutcome(feed.pk, FeedStatus.BUSY, message=str(busy))
    except HostBlocked as blocked:
        return FeedOutcome(feed.pk, FeedStatus.BLOCKED, message=str(blocked))
    except FetchError as error:
        return _feed_failed(feed, str(error))

    feed.last_fetched_at = timezone.now()
    feed.last_status = result.status
    if result.permanent_url and not Feed.objects.filter(url=result.permanent_url).exists():
        feed.url = result.permanent_url

    if result.status == 304:
        # A 304 that carries validators replaces ours (feedbin#726, FreshRSS#6056).
        feed.etag = _header_for(result.etag, "etag") or feed.etag
        feed.last_modified = _header_for(result.last_modified, "last_modified") or (
            feed.last_modified
        )
        return _feed_succeeded(feed, parse_max_age(result.headers.get("cache-control")), None, [])
    if result.status == 410:
        feed.gone = True
        feed.last_error, feed.last_error_at = "410 Gone: the outlet removed this feed", now
        feed.save()
        return FeedOutcome(feed.pk, FeedStatus.GONE, message=feed.last_error)
    if result.status in (429, 503):
        wait = parse_retry_after(result.headers.get("retry-after"))
        if wait is not None:
            block_host(feed.url, wait)
        return _feed_failed(feed, f"HTTP {result.status} from {host_of(feed.url)}", wait)
    if result.status != 200:
        return _feed_failed(feed, f"HTTP {result.status} for {result.url}")
    try:
        parsed = parse_feed(result.body, result.content_type, result.url)
    except FeedParseError as error:
        return _feed_failed(feed, f"parse error: {error}")
    # Validators are kept only with the entries they describe: those of an error response or
    # of a body we could not parse would hide the feed behind 304s. A 200 without them clears
    # the old ones, which no longer describe what the server has.
    feed.etag = _header_for(result.etag, "etag")
    feed.last_modified = _header_for(result.last_modified, "last_modified")
    return _feed_succeeded(
        feed, parse_max_age(result.headers.get("cache-control")), parsed, parsed.entries
    )


def _header_for(value: str | None, column: str) -> str:
    """A validator header for a Feed column, or "" when it is too long to store whole."""
    value = value or ""
    return value if len(value) <= Feed._meta.get_field(column).max_length else ""


def _feed_failed(feed: Feed, message: str, wait: float | None = None) -> FeedOutcome:
    now = timezone.now()
    feed.error_count += 1
    feed.last_error, feed.last_error_at = message, now
    delay = wait if wait is not None else schedule.backoff_seconds(feed.error_count)
    feed.next_fetch_at = now + timedelta(seconds=delay)
    feed.save()
    log.warning("feed %s: %s (next try in %.0f s)", feed.url, message, delay)
    return FeedOutcome(feed.pk, FeedStatus.ERROR, message=message)


def _feed_crashed(feed: Feed, error: Exception) -> FeedOutcome:
    # Written with UPDATE from the row's own count: the in-memory feed may hold whatever
    # half-done change failed, and must not be saved.
    message = f"unexpected error: {type(error).__name__}: {error}"[:2000]
    now = timezone.now()
    count = (Feed.objects.filter(pk=feed.pk).values_list("error_count", flat=True).first() or 0) + 1
    delay = schedule.backoff_seconds(count)
    Feed.objects.filter(pk=feed.pk).update(
        error_count=count,
        last_error=message,
        last_error_at=now,
        next_fetch_at=now + timedelta(seconds=delay),
    )
    return FeedOutcome(feed.pk, FeedStatus.ERROR, message=message)


def _feed_succeeded(feed, max_age, parsed: ParsedFeed | None, entries) -> FeedOutcome:
    now = timezone.now()
    ttl = parsed.ttl_minutes if parsed else None
    if parsed is not None:
        # Capped as polling is: max-age=99999999999 must not overflow the integer column.
        asked = min(max(max_age or 0, (ttl or 0) * 60), limits.MAX_POLL_INTERVAL_SECONDS)
        feed.requested_interval = int(asked) or None
    interval = schedule.interval_after_success(max_age or feed.requested_interval, ttl)
    feed.next_fetch_at = now + timedelta(seconds=interval)
    feed.error_count, feed.last_success_at = 0, now
    feed.last_error = parsed.warning if parsed else ""
    with transaction.atomic():
        new_ids = _store_entries(feed, entries) if parsed else []
        if parsed and parsed.title:
            feed.title = parsed.title[:500]
            _name_outlet_from_feed(feed, parsed)
        feed.save()
    status = FeedStatus.OK if parsed else FeedStatus.NOT_MODIFIED
    return FeedOutcome(feed.pk, status, new_ids, f"{len(new_ids)} new")


def _name_outlet_from_feed(feed: Feed, parsed: ParsedFeed) -> None:
    # An outlet auto-named after its host takes the feed's own title, exactly as written.
    outlet = feed.outlet
    if outlet.name == host_of(feed.url):
        outlet.name = parsed.title[:200]
        outlet.homepage = outlet.homepage or parsed.link[:2000]
        outlet.save(update_fields=["name", "homepage"])


def canonical_url(url: str) -> str:
    """The article's identity URL: no fragment, no tracking parameters, host lower-cased."""
    parts = urlsplit(url.strip())
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(TRACKING_PARAMETERS)
    ]
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(query), "")
    )


def _store_entries(feed: Feed, entries) -> list[int]:
    now = timezone.now()
    records = {}
    # What the feed repeats on every item (channel blurbs, subscribe lines, links) is not the
    # item's text: it would group, tag and brief the feed's items together.
    texts = strip_repeated_text([entry.text for entry in entries])
    for entry, text in zip(entries, texts, strict=True):
        key = canonical_url(entry.link) if entry.link else f"guid:{feed.pk}:{entry.guid}"
        published = entry.published or now
        # A date in the future is a feed error; taken literally it would pin the article on top.
        published = min(published, now)
        article = Article(
            feed=feed,
            outlet_id=feed.outlet_id,
            key=key[:2000],
            url=entry.link[:2000],
            guid=entry.guid[:2000],
            title=entry.title,
            author=entry.author[:500],
            categories=entry.categories[:20],
            feed_text=text[: limits.MAX_ARTICLE_CHARS],
            published=published,
        )
        if entry.link_error:
            # The outlet's link was dropped (parse.py): the feed's text is the article.
            article.extraction = Article.Extraction.FEED_TEXT
            article.extraction_error = f"link dropped: {entry.link_error}"
        records.setdefault(key[:2000], article)
    known = set(Article.objects.filter(key__in=list(records)).values_list("key", flat=True))
    fresh = [a for k, a in records.items() if k not in known]
    # ignore_conflicts: another worker may store the same article between our read and write.
    Article.objects.bulk_create(fresh, ignore_conflicts=True)
    return list(
        Article.objects.filter(key__in=[a.key for a in fresh], feed=feed).values_list(
            "pk", flat=True
        )
    )


# --- Articles (the page itself: pages.py) -------------------------------------------------------


def pending_articles():
    return Article.objects.filter(extraction=Article.Extraction.PENDING).order_by("published")
