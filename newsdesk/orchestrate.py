"""The whole pipeline, fetch -> extract -> group, above the apps that do each step.

``ingest`` fetches feeds and extracts article pages; ``stories`` groups, briefs and tags the
articles. Neither calls the other: what runs after what lives here, in two forms.

- ``ingest_pass``: one whole pass in this process (``newsdesk ingest``, the demo, the
  benchmarks): every feed, then every pending page, then grouping in published order.
- Tasks for Django's tasks framework (``django-tasks-db`` by default), run by any number of
  ``newsdesk worker`` processes sharing one queue: a feed's new articles are extracted, each
  extracted article is grouped. The scheduler is a task too: ``schedule_due_feeds`` enqueues
  the feeds that are due, sweeps up work a crashed worker left, runs the housekeeping that
  must happen on time, and enqueues itself again with ``run_after``; ``newsdesk run`` and
  ``newsdesk worker`` make sure one is waiting (``ensure_scheduler``).
"""

from __future__ import annotations

import itertools
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connections
from django.tasks import task
from django.utils import timezone
from tqdm import tqdm

from newsdesk import limits
from newsdesk.ingest import pages, pipeline, subscriptions
from newsdesk.ingest.fetch import make_client
from newsdesk.ingest.hosts import host_of
from newsdesk.ingest.models import Article, Feed
from newsdesk.ingest.outcomes import PageOutcome
from newsdesk.periodic import ensure_waiting
from newsdesk.stories import grouping
from newsdesk.stories.tasks import process_article_task, sweep_refreshes

log = logging.getLogger("newsdesk.ingest")

# A feed handed to a worker is not handed out again for this long, even if the worker died:
# then the next tick takes it up again.
CLAIM_SECONDS = limits.FETCH_TIMEOUT_SECONDS * 3


# --- One whole pass ------------------------------------------------------------------------------


@dataclass
class PassReport:
    feeds: dict[str, int] = field(default_factory=dict)
    extraction: dict[str, int] = field(default_factory=dict)
    processed: int = 0


def ingest_pass(force: bool = True, progress: bool = False, threads: int = 4) -> PassReport:
    """Fetch every feed, extract every pending article, then group, brief and tag in date order.

    Hosts are worked in parallel, each host by one thread at a time (the host lease enforces it
    across processes too). Grouping runs in one thread, in ``published`` order, as it must.
    """
    report = PassReport()
    policy = subscriptions.fetch_policy()

    def by_host(items, url_of):
        groups: dict[str, list] = {}
        for item in items:
            groups.setdefault(host_of(url_of(item)), []).append(item)
        return list(groups.values())

    def work(groups, one, bar, tally):
        def run_group(group):
            try:
                with make_client(policy) as client:
                    for item in group:
                        try:
                            status = one(item, client)
                        except Exception:  # noqa: BLE001 - recording the failure itself failed
                            log.exception("could not record the outcome of %r", item)
                            status = "unrecorded-error"
                        tally[str(status)] = tally.get(str(status), 0) + 1
                        bar.update(1)
            finally:
                # This thread ends here: its database connection must not outlive it.
                connections.close_all()

        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(run_group, groups))

    feeds = list(Feed.objects.filter(gone=False).select_related("outlet"))
    with tqdm(total=len(feeds), desc="feeds", unit="feed", disable=not progress) as bar:
        work(
            by_host(feeds, lambda f: f.url),
            lambda f, c: pipeline.refresh_feed(f, c, force=force).status,
            bar,
            report.feeds,
        )
    pending = list(pipeline.pending_articles())
    with tqdm(total=len(pending), desc="articles", unit="page", disable=not progress) as bar:
        work(by_host(pending, lambda a: a.url), pages.extract_article, bar, report.extraction)
    report.processed = group_pass(progress)
    return report


def group_pass(progress: bool = False) -> int:
    """Group every article ready for it, in published order, then refresh each story that
    gained one, once (a burst on one story is briefed once, not per run); how many grouped."""
    todo = grouping.ungrouped_articles(placed=True)
    processed = 0
    with tqdm(total=todo.count(), desc="stories", unit="article", disable=not progress) as bar:
        # In runs of GROUPING_BATCH: their embeddings are computed together; each article is
        # still grouped in published order, seeing only those before it.
        for chunk in itertools.batched(todo.iterator(), grouping.GROUPING_BATCH):
            grouping.process_articles(chunk, queue_refresh=lambda stories: None)
            processed += len(chunk)
            bar.update(len(chunk))
    grouping.refresh_waiting_stories()
    return processed


# --- The same as tasks ---------------------------------------------------------------------------


@task()
def refresh_feed_task(feed_id: int) -> str:
    feed = Feed.objects.select_related("outlet").filter(pk=feed_id).first()
    if feed is None:
        return "feed deleted"
    with subscriptions.make_fetch_client() as client:
        outcome = pipeline.refresh_feed(feed, client, force=True)
    for article_id in outcome.new_article_ids:
        extract_article_task.enqueue(article_id)
    return f"{outcome.status}: {outcome.message}"


@task()
def extract_article_task(article_id: int) -> str:
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return "article deleted"
    with subscriptions.make_fetch_client() as client:
        state = pages.extract_article(article, client)
    if state == PageOutcome.CLAIMED:
        # Another worker is fetching the page; it enqueues the processing when done.
        return state
    if state == PageOutcome.RETRY:
        extract_article_task.using(
            run_after=timezone.now() + timedelta(seconds=limits.HOST_LEASE_SECONDS)
        ).enqueue(article_id)
    else:
        process_article_task.enqueue(article_id)
    return state


@task()
def schedule_due_feeds() -> int:
    """Enqueue due feeds, sweep up work a crashed worker left, and schedule the next tick."""
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
        grouping.ungrouped_articles(placed=True)
        .filter(fetched_at__lt=stale)
        .values_list("pk", flat=True)[:500]
    ):
        process_article_task.enqueue(article_id, sweep=True)
    sweep_refreshes(stale)
    ensure_scheduler(after=limits.SCHEDULER_TICK_SECONDS)
    return len(due)


def ensure_scheduler(after: float = 0) -> bool:
    """Enqueue the next scheduler tick unless one is already waiting. Returns True if enqueued."""
    return ensure_waiting(schedule_due_feeds, after)
