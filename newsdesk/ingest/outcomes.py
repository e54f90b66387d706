"""The words ingest reports in: what a feed fetch, a page extraction or a feed's health came to.

String enums, so they compare equal to, and print as, the words they stand for (a pass's
tallies, the task results and the command output show those words)."""

from __future__ import annotations

from enum import StrEnum


class FeedStatus(StrEnum):
    """What one refresh of a feed came to (``pipeline.refresh_feed``)."""

    OK = "ok"
    NOT_MODIFIED = "not-modified"
    NOT_DUE = "not-due"
    ERROR = "error"
    GONE = "gone"
    BUSY = "busy"  # another worker holds the host
    BLOCKED = "blocked"  # the host asked us to wait (429/503 with Retry-After)


class PageOutcome(StrEnum):
    """What one extraction of an article's page came to (``pages.extract_article``)."""

    DONE = "done"  # the page's text is kept (Article.Extraction.DONE)
    FEED_TEXT = "feed"  # the feed's own text is kept (Article.Extraction.FEED_TEXT)
    RETRY = "retry"  # the host was busy: try again later
    CLAIMED = "claimed"  # another worker is fetching it


class FeedState(StrEnum):
    """A feed's health as ``feeds list`` and ``newsdesk status`` summarise it."""

    OK = "ok"
    NEW = "new"  # never fetched
    FAILING = "failing"
    GONE = "gone"
