"""Stage 3's driver: one article's page, fetched once, under robots.txt and the host's lease.

``extract_article`` claims the page first (a conditional UPDATE on the article row, atomic on
SQLite and PostgreSQL), so two passes or workers never fetch it twice; follows redirects one
hop at a time so each host's robots.txt and lease apply; and keeps the feed's text, with the
reason, whatever goes wrong, exceptions included. ``pipeline.py`` runs it for a pass and
``tasks.py`` as a task.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from newsdesk import limits
from newsdesk.ingest.clean import web_url
from newsdesk.ingest.extract import ExtractionError, extract_text
from newsdesk.ingest.fetch import FetchClient, FetchError, fetch, parse_retry_after
from newsdesk.ingest.hosts import HostBlocked, HostBusy, block_host, host_slot, robots_allows
from newsdesk.ingest.models import Article
from newsdesk.ingest.outcomes import PageOutcome

log = logging.getLogger("newsdesk.ingest")


def extract_article(article: Article, client: FetchClient) -> PageOutcome:
    """Fetch the article's page and keep its text; on any failure keep the feed's text.

    The page is claimed first (a conditional UPDATE), so two workers or two passes never fetch
    it twice: the one that loses the claim returns "claimed". Whatever goes wrong is recorded
    on the article, which keeps its feed text; nothing raised here stops a pass or a worker."""
    if article.extraction != Article.Extraction.PENDING:
        return PageOutcome(article.extraction)
    now = timezone.now()
    claimed = (
        Article.objects.filter(pk=article.pk, extraction=Article.Extraction.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + timedelta(seconds=limits.ARTICLE_CLAIM_SECONDS))
    )
    if not claimed:
        return PageOutcome.CLAIMED
    try:
        return _extract_article(article, client)
    except Exception as error:  # noqa: BLE001 - one article's failure must not end the pass
        log.exception("article %s: unexpected error", article.url or article.key)
        article.extraction = Article.Extraction.FEED_TEXT
        article.extraction_error = f"unexpected error: {type(error).__name__}: {error}"[:2000]
        Article.objects.filter(pk=article.pk).update(
            extraction=article.extraction,
            extraction_error=article.extraction_error,
            claimed_until=None,
        )
        return PageOutcome(article.extraction)


def _extract_article(article: Article, client: FetchClient) -> PageOutcome:
    age = timezone.now() - article.published
    url, why = web_url(article.url)
    if not url:
        return _keep_feed_text(article, f"no page URL in the feed ({why})")
    if age > timedelta(days=limits.EXTRACT_MAX_AGE_DAYS):
        return _keep_feed_text(article, "older than EXTRACT_MAX_AGE_DAYS; page not fetched")
    article.extraction_attempts += 1
    # Redirects one hop at a time: a feed's tracking link (feedproxy, t.co, an outlet's own
    # short links) usually leads to another host, whose robots.txt and one-connection lease
    # apply to the page as much as to a direct link. fetch() checks each hop's address.
    hops = 0
    while True:
        try:
            with host_slot(url) as host:
                if not robots_allows(url, host, client):
                    return _keep_feed_text(article, f"robots.txt disallows fetching {url}")
                result = fetch(
                    url,
                    client=client,
                    accept="text/html,application/xhtml+xml",
                    follow_redirects=False,
                )
        except (HostBusy, HostBlocked) as error:
            if article.extraction_attempts >= 3:
                return _keep_feed_text(article, str(error))
            article.claimed_until = None
            article.save(update_fields=["extraction_attempts", "claimed_until"])
            return PageOutcome.RETRY
        except FetchError as error:
            return _keep_feed_text(article, str(error))
        target = result.redirect_target
        if target is None:
            break
        hops += 1
        target, why = web_url(target)
        if hops > limits.MAX_REDIRECTS or not target:
            return _keep_feed_text(
                article,
                f"{article.url}: more than {limits.MAX_REDIRECTS} redirects, or one "
                f"to an address that is not a web page ({why or 'a loop?'})",
            )
        url = target
    if result.status in (429, 503):
        wait = parse_retry_after(result.headers.get("retry-after"))
        if wait is not None:
            block_host(url, wait)
    if result.status != 200:
        return _keep_feed_text(article, f"HTTP {result.status} for the page")
    try:
        text = extract_text(result.body, result.url, result.content_type)
    except ExtractionError as error:
        return _keep_feed_text(article, str(error))
    article.text, article.extraction, article.extraction_error = text, Article.Extraction.DONE, ""
    article.claimed_until = None
    article.save(
        update_fields=[
            "text",
            "extraction",
            "extraction_error",
            "extraction_attempts",
            "claimed_until",
        ]
    )
    return PageOutcome(article.extraction)


def _keep_feed_text(article: Article, reason: str) -> PageOutcome:
    article.extraction = Article.Extraction.FEED_TEXT
    article.extraction_error = reason
    article.claimed_until = None
    article.save(
        update_fields=["extraction", "extraction_error", "extraction_attempts", "claimed_until"]
    )
    log.info("article %s: %s; keeping the feed's text", article.url or article.key, reason)
    return PageOutcome(article.extraction)
