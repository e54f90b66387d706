"""A story's refresh after grouping is a task of its own, at most one waiting per story: a
burst on one story is grouped without waiting for its briefs, and the story is briefed once for
the lot. A refresh a crash left is swept up by the scheduler."""

from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsdesk.ingest.models import Article, Feed, Outlet
from newsdesk.stories.grouping import refresh_waiting_stories
from newsdesk.stories.models import Membership, Story
from newsdesk.stories.tasks import process_article_task, refresh_story_task, sweep_refreshes

from .helpers import stored_article

STRIKE = (
    "Dock workers at Port Lerma stopped work on Monday in a dispute over night-shift pay, "
    "leaving eleven container ships waiting in the bay. The union said talks would resume."
)
TITLES = [
    "Port Lerma dock workers strike over pay",
    "Port Lerma dock workers strike over night pay",
    "Eleven ships wait as Port Lerma dock strike goes on",
    "Port Lerma dock strike enters second day",
]


@pytest.fixture
def feeds(db):
    made = []
    for name in ("NWB World", "the Lantern", "Coast Herald", "Daily Lerma"):
        slug = name.lower().replace(" ", "-")
        outlet = Outlet.objects.create(name=name, slug=slug, family=slug)
        made.append(Feed.objects.create(url=f"http://127.0.0.1/{slug}.xml", outlet=outlet))
    return made


def waiting_refreshes(story_id=None) -> list:
    rows = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=refresh_story_task.module_path
    )
    return [r for r in rows if story_id is None or r.args_kwargs["args"] == [story_id]]


def run_waiting_refreshes() -> None:
    """What a worker does with the queued refreshes."""
    for row in waiting_refreshes():
        row.delete()
        refresh_story_task.call(*row.args_kwargs["args"])


def test_a_burst_on_one_story_queues_one_refresh_and_is_briefed_once(feeds):
    articles = [
        stored_article(feed, f"s{n}", title, n, STRIKE)
        for n, (feed, title) in enumerate(zip(feeds, TITLES, strict=True))
    ]
    for article in articles:
        # As each article's extraction finished: its grouping task runs.
        process_article_task.call(article.pk)
    assert not Article.objects.filter(pk__in=[a.pk for a in articles], processed_at=None).exists()
    story = Story.objects.get(memberships__article=articles[0])
    assert Membership.objects.filter(story=story).count() == len(articles)
    assert story.refresh_requested_at is not None and story.article_count == 0
    assert len(waiting_refreshes(story.pk)) == 1  # one for the whole burst
    run_waiting_refreshes()
    story.refresh_from_db()
    assert story.refresh_requested_at is None and story.headline
    assert story.article_count == len(articles) and story.story_tags.exists()
    # An article joining after the refresh started queues the next one.
    later = stored_article(feeds[0], "s-later", "Port Lerma dock strike ends", 9, STRIKE)
    process_article_task.call(later.pk)
    assert len(waiting_refreshes(story.pk)) == 1
    run_waiting_refreshes()
    story.refresh_from_db()
    assert story.article_count == len(articles) + 1


def test_a_refresh_left_by_a_crash_is_swept_up(feeds):
    article = stored_article(feeds[0], "s0", TITLES[0], 0, STRIKE)
    process_article_task.call(article.pk)
    story = Story.objects.get(memberships__article=article)
    # The queued refresh was lost (a crash before a worker took it).
    DBTaskResult.objects.all().delete()
    long_ago = timezone.now() - timedelta(hours=1)
    Story.objects.filter(pk=story.pk).update(refresh_requested_at=long_ago)
    assert sweep_refreshes(timezone.now() - timedelta(minutes=10)) == 1
    run_waiting_refreshes()
    story.refresh_from_db()
    assert story.refresh_requested_at is None and story.article_count == 1
    # A refresh that died midway: the mark was taken, the article joined after the last
    # refresh, and nothing is waiting.
    second = stored_article(feeds[1], "s1", TITLES[1], 1, STRIKE)
    process_article_task.call(second.pk)
    DBTaskResult.objects.all().delete()
    Story.objects.filter(pk=story.pk).update(refresh_requested_at=None)
    Membership.objects.filter(article=second).update(joined_at=long_ago + timedelta(minutes=1))
    Story.objects.filter(pk=story.pk).update(updated_at=long_ago)
    assert sweep_refreshes(timezone.now() - timedelta(minutes=10)) == 1
    assert sweep_refreshes(timezone.now() - timedelta(minutes=10)) == 0  # marked: not twice
    run_waiting_refreshes()
    story.refresh_from_db()
    assert story.article_count == 2
    assert sweep_refreshes(timezone.now() - timedelta(minutes=10)) == 0


def test_a_pass_refreshes_every_waiting_story_in_process(feeds):
    article = stored_article(feeds[0], "s0", TITLES[0], 0, STRIKE)
    process_article_task.call(article.pk)
    story = Story.objects.get(memberships__article=article)
    assert refresh_waiting_stories() == 1
    story.refresh_from_db()
    assert story.refresh_requested_at is None and story.article_count == 1 and story.headline
    assert refresh_waiting_stories() == 0
