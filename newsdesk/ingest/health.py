"""A feed's health in words, for ``feeds list`` and ``newsdesk status``."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.timesince import timesince, timeuntil

from newsdesk.ingest.models import Feed
from newsdesk.ingest.outcomes import FeedState, FeedStatus, PageOutcome


def ago(when: datetime | None, now: datetime | None = None) -> str:
    if when is None:
        return "never"
    now = now or timezone.now()
    if (now - when).total_seconds() < 60:
        return "just now"
    return timesince(when, now, depth=1).replace("\xa0", " ") + " ago"


def from_now(when: datetime | None, now: datetime | None = None) -> str:
    if when is None:
        return "not planned"
    now = now or timezone.now()
    if (when - now).total_seconds() < 60:
        return "now" if when <= now else "within a minute"
    return "in " + timeuntil(when, now, depth=1).replace("\xa0", " ")


def plural(count: int, word: str, many: str = "") -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


# How each state reads in `feeds list` and `newsdesk status`, in the order they are listed.
STATE_WORDS = {
    FeedState.OK: "ok",
    FeedState.NEW: "not fetched yet",
    FeedState.FAILING: "failing",
    FeedState.GONE: "gone",
}


def feed_state(feed: Feed) -> FeedState:
    """Gone, failing, new (never fetched) or ok, in that order of precedence."""
    if feed.gone:
        return FeedState.GONE
    if feed.error_count:
        return FeedState.FAILING
    if feed.last_fetched_at is None:
        return FeedState.NEW
    return FeedState.OK


def feed_health(feed: Feed, now: datetime | None = None) -> str:
    """A sentence or two: last success, last error, next poll."""
    now = now or timezone.now()
    state = feed_state(feed)
    if state == FeedState.GONE:
        return (
            f"gone: the outlet answered 410 Gone {ago(feed.last_error_at, now)}; no longer polled"
        )
    if state == FeedState.NEW:
        return f"not fetched yet; first poll {from_now(feed.next_fetch_at, now)}"
    success = (
        f"last success {ago(feed.last_success_at, now)}"
        if feed.last_success_at
        else "never fetched successfully"
    )
    if state == FeedState.FAILING:
        return (
            f"failing: {plural(feed.error_count, 'error')} in a row, the last "
            f"{ago(feed.last_error_at, now)}: {feed.last_error}. {success[0].upper()}"
            f"{success[1:]}; next try {from_now(feed.next_fetch_at, now)}"
        )
    note = f" (note: {feed.last_error})" if feed.last_error else ""
    return f"ok: {success}, next poll {from_now(feed.next_fetch_at, now)}{note}"


FEED_OUTCOMES = {
    FeedStatus.OK: "fetched",
    FeedStatus.NOT_MODIFIED: "unchanged since the last pass",
    FeedStatus.NOT_DUE: "not due yet",
    FeedStatus.ERROR: "failed (newsdesk feeds list says why)",
    FeedStatus.GONE: "gone (410)",
    FeedStatus.BUSY: "skipped, their host busy with another worker",
    FeedStatus.BLOCKED: "skipped, their host asked us to wait",
}
PAGE_OUTCOMES = {
    PageOutcome.DONE: "read from their pages",
    PageOutcome.FEED_TEXT: "kept the feed's own text (page failed or not allowed)",
    PageOutcome.RETRY: "left for later (host busy)",
}


def pass_summary(feeds: dict[str, int], pages: dict[str, int], grouped: int) -> str:
    """An ingest pass's report as three short sentences."""

    def listed(tally: dict[str, int], words: dict[str, str], noun: str) -> str:
        parts = [f"{count} {words.get(status, status)}" for status, count in tally.items() if count]
        total = sum(tally.values())
        if not parts:
            return f"no {noun}s"
        return f"{plural(total, noun)}: " + ", ".join(parts)

    return (
        f"{listed(feeds, FEED_OUTCOMES, 'feed').capitalize()}. "
        f"{listed(pages, PAGE_OUTCOMES, 'new article').capitalize()}. "
        f"{plural(grouped, 'article')} grouped into stories, briefed and tagged."
    )
