"""A feed's health in words, for ``feeds list`` and ``newsdesk status``."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.timesince import timesince, timeuntil

from newsdesk.ingest.models import Feed


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


def feed_state(feed: Feed) -> str:
    """One of: gone, failing, new (never fetched), ok."""
    if feed.gone:
        return "gone"
    if feed.error_count:
        return "failing"
    if feed.last_fetched_at is None:
        return "new"
    return "ok"


def feed_health(feed: Feed, now: datetime | None = None) -> str:
    """A sentence or two: last success, last error, next poll."""
    now = now or timezone.now()
    state = feed_state(feed)
    if state == "gone":
        return (
            f"gone: the outlet answered 410 Gone {ago(feed.last_error_at, now)}; no longer polled"
        )
    if state == "new":
        return f"not fetched yet; first poll {from_now(feed.next_fetch_at, now)}"
    success = (
        f"last success {ago(feed.last_success_at, now)}"
        if feed.last_success_at
        else "never fetched successfully"
    )
    if state == "failing":
        return (
            f"failing: {plural(feed.error_count, 'error')} in a row, the last "
            f"{ago(feed.last_error_at, now)}: {feed.last_error}. {success[0].upper()}"
            f"{success[1:]}; next try {from_now(feed.next_fetch_at, now)}"
        )
    note = f" (note: {feed.last_error})" if feed.last_error else ""
    return f"ok: {success}, next poll {from_now(feed.next_fetch_at, now)}{note}"


FEED_OUTCOMES = {
    "ok": "fetched",
    "not-modified": "unchanged since the last pass",
    "not-due": "not due yet",
    "error": "failed (newsdesk feeds list says why)",
    "gone": "gone (410)",
    "busy": "skipped, their host busy with another worker",
    "blocked": "skipped, their host asked us to wait",
}
PAGE_OUTCOMES = {
    "done": "read from their pages",
    "feed": "kept the feed's own text (page failed or not allowed)",
    "retry": "left for later (host busy)",
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
