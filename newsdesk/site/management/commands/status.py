"""``newsdesk status``: what an operator checks first when something seems stuck."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Count, Max, Min
from django.utils import timezone

from newsdesk.commands import database_in_use
from newsdesk.ingest.health import (
    STATE_WORDS,
    ago,
    feed_health,
    feed_state,
    from_now,
    plural,
)
from newsdesk.ingest.models import Article, Feed
from newsdesk.ingest.outcomes import FeedState
from newsdesk.stories.models import Story


class Command(BaseCommand):
    help = (
        "How newsdesk is doing: feeds (ok, failing, gone), articles waiting at each stage, "
        "the task queue, the last ingest and the next, stories, and the database in use."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        rows = [("database", database_in_use())]
        rows += self.feeds(now)
        rows += self.articles()
        rows += self.queue(now)
        rows += self.stories(now)
        width = max(len(label) for label, _ in rows)
        for label, text in rows:
            self.stdout.write(f"{label.ljust(width)}  {text}" if label else f"{'':{width}}  {text}")

    def feeds(self, now):
        feeds = list(Feed.objects.select_related("outlet"))
        if not feeds:
            return [("feeds", "none yet; subscribe with: newsdesk feeds add URL")]
        states = [feed_state(f) for f in feeds]
        counts = [
            f"{states.count(state)} {words}"
            for state, words in STATE_WORDS.items()
            if states.count(state)
        ]
        rows = [("feeds", f"{plural(len(feeds), 'feed')}: " + ", ".join(counts))]
        for feed in feeds:
            if feed_state(feed) in (FeedState.FAILING, FeedState.GONE):
                rows.append(("", f"{feed.outlet.name}: {feed_health(feed, now)}"))
        times = Feed.objects.aggregate(
            last=Max("last_fetched_at"), next=Min("next_fetch_at", filter=_not_gone())
        )
        rows.append(
            (
                "ingest",
                f"last feed fetched {ago(times['last'], now)}; "
                f"next poll {from_now(times['next'], now)}",
            )
        )
        return rows

    def articles(self):
        total = Article.objects.count()
        pending = Article.objects.filter(extraction=Article.Extraction.PENDING).count()
        ungrouped = (
            Article.objects.filter(processed_at__isnull=True)
            .exclude(extraction=Article.Extraction.PENDING)
            .count()
        )
        if not total:
            return [("articles", "none yet")]
        return [
            (
                "articles",
                f"{plural(total, 'article')} stored: {pending} waiting for their page, "
                f"{ungrouped} waiting to be grouped, {total - pending - ungrouped} in stories",
            )
        ]

    def queue(self, now):
        from django.tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        from newsdesk.orchestrate import schedule_due_feeds

        tally = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")).order_by())
        ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        due = ready.filter(run_after__lte=now).exclude(task_path=schedule_due_feeds.module_path)
        failed_lately = DBTaskResult.objects.filter(
            status=TaskResultStatus.FAILED, finished_at__gte=now - timedelta(days=1)
        ).count()
        tick = (
            ready.filter(task_path=schedule_due_feeds.module_path)
            .order_by("run_after")
            .values_list("run_after", flat=True)
            .first()
        )
        text = (
            f"{due.count()} waiting for a worker, "
            f"{tally.get(TaskResultStatus.RUNNING, 0)} running, "
            f"{failed_lately} failed in the last day (django-tasks-db)"
        )
        scheduler = (
            f"next tick {from_now(tick, now)}"
            if tick
            else "no tick waiting: `newsdesk run` starts the scheduler"
        )
        return [("task queue", text), ("scheduler", scheduler)]

    def stories(self, now):
        live = Story.objects.filter(merged_into__isnull=True)
        count = live.count()
        if not count:
            return [("stories", "none yet")]
        newest = live.aggregate(at=Max("updated_at"))["at"]
        hour = live.filter(updated_at__gte=now - timedelta(hours=1)).count()
        return [
            (
                "stories",
                f"{plural(count, 'story', 'stories')}, {hour} updated in the last hour, "
                f"the latest {ago(newest, now)}",
            )
        ]


def _not_gone():
    from django.db.models import Q

    return Q(gone=False)
