"""Ingest as tasks for Django's tasks framework (``django-tasks-db`` by default).

The scheduler is a periodic task too (newsdesk/periodic.py): ``schedule_due_feeds`` enqueues
the feeds that are due and then enqueues itself again with ``run_after``; ``newsdesk run`` makes
sure one is waiting. No scheduler of our own, no second queue: any number of ``newsdesk worker``
processes share it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from newsdesk import limits
from newsdesk.ingest import pipeline
from newsdesk.ingest.models import Article, Feed
from newsdesk.periodic import ensure_waiting

log = logging.getLogger("newsdesk.ingest")

# A feed handed to a worker is not handed out again for this long, even if the worker died:
# then the next tick takes it up again.
CLAIM_SECONDS = limits.FETCH_TIMEOUT_SECONDS * 3


@task()
def refresh_feed_task(feed_id: int) -> str:
    feed = Feed.objects.select_related("outlet").filter(pk=feed_id).first()
    if feed is None:
        return "feed deleted"
    with pipeline.make_fetch_client() as client:
        outcome = pipeline.refresh_feed(feed, client, force=True)
    for article_id in outcome.new_article_ids:
        extract_article_task.enqueue(article_id)
    return f"{outcome.status}: {outcome.message}"


@task()
def extract_article_task(article_id: int) -> str:
    from newsdesk.stories.tasks import process_article_task

    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return "article deleted"
    with pipeline.make_fetch_client() as client:
        state = pipeline.extract_article(article, client)
    if state == "claimed":
        # Another worker is fetching the page; it enqueues the processing when done.
        return state
    if state == "retry":
        extract_article_task.using(
            run_after=timezone.now() + timedelta(seconds=limits.HOST_LEASE_SECONDS)
        ).enqueue(article_id)
    else:
        process_article_task.enqueue(article_id)
    return state


@task()
def schedule_due_feeds() -> int:
    """Enqueue due feeds, sweep up work a crashed worker left, and schedule the next tick."""
    from newsdesk.stories.tasks import process_article_task

    now = timezone.now()
    due = list(Feed.objects.filter(gone=False, next_fetch_at__lte=now).values_list("pk", flat=True))
    Feed.objects.filter(pk__in=due).update(next_fetch_at=now + timedelta(seconds=CLAIM_SECONDS))
    for feed_id in due:
        refresh_feed_task.enqueue(feed_id)
    # Work left by a crash: articles stored but never extracted or processed, older than one
    # tick (younger ones have their task still queued).
    stale = now - timedelta(seconds=max(limits.SCHEDULER_TICK_SECONDS * 5, 600))
    for article_id in (
        pipeline.pending_articles().filter(fetched_at__lt=stale).values_list("pk", flat=True)[:500]
    ):
        extract_article_task.enqueue(article_id)
    for article_id in (
        pipeline.unprocessed_articles()
        .filter(fetched_at__lt=stale)
        .values_list("pk", flat=True)[:500]
    ):
        process_article_task.enqueue(article_id, sweep=True)
    ensure_scheduler(after=limits.SCHEDULER_TICK_SECONDS)
    return len(due)


def ensure_scheduler(after: float = 0) -> bool:
    """Enqueue the next scheduler tick unless one is already waiting. Returns True if enqueued."""
    return ensure_waiting(schedule_due_feeds, after)
