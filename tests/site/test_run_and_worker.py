"""The embedded default as a user runs it: tasks through the worker, and `newsdesk run`."""

import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from newsdesk.discussion.tasks import discussion_housekeeping
from newsdesk.ingest.models import Article, Feed
from newsdesk.ingest.subscriptions import subscribe
from newsdesk.orchestrate import ensure_scheduler, schedule_due_feeds
from newsdesk.project.management.commands.run import ensure_periodic_tasks
from newsdesk.stories.grouping import process_articles, ungrouped_articles
from newsdesk.stories.models import Membership, Story


def test_the_worker_fetches_extracts_and_groups_through_tasks(demo_farm, transactional_db):
    for outlet, url in demo_farm.feed_urls():
        subscribe(url, outlet_name=outlet["name"], family=outlet["family"])
    assert ensure_scheduler() is True
    assert ensure_scheduler() is False  # one tick waiting is enough
    schedule_due_feeds.call()  # the tick itself: enqueue due feeds and the next tick
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    assert Article.objects.count() == len(demo_farm.articles)
    assert not Article.objects.filter(processed_at__isnull=True).exists()
    assert Story.objects.filter(article_count__gt=0).exists()
    # Every story was refreshed (in tasks of their own) with all its articles.
    for story in Story.objects.filter(memberships__isnull=False).distinct():
        assert story.refresh_requested_at is None and story.headline
        assert story.article_count == story.memberships.count()
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).exists()
    # Polled feeds are not due again until their interval has passed.
    assert not Feed.objects.filter(next_fetch_at__lte=Article.objects.first().fetched_at).exists()
    # Exactly one future tick is waiting.
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=schedule_due_feeds.module_path
    )
    assert waiting.count() == 1


@pytest.mark.django_db
def test_run_demo_and_worker_queue_one_run_of_every_periodic_task():
    ensure_periodic_tasks()
    ensure_periodic_tasks()  # a second start (another worker) adds none
    for periodic in (schedule_due_feeds, discussion_housekeeping):
        waiting = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=periodic.module_path
        )
        assert waiting.count() == 1, periodic.module_path


def partition() -> set[frozenset[str]]:
    """The stories, each as the set of its articles' keys."""
    stories: dict[int, set[str]] = {}
    for story_id, key in Membership.objects.values_list("story_id", "article__key"):
        stories.setdefault(story_id, set()).add(key)
    return {frozenset(keys) for keys in stories.values()}


def test_the_worker_groups_a_burst_as_the_pass_does(demo_farm, transactional_db):
    # A first poll is a burst: every page at once. Grouping tasks wait below extraction, and
    # each groups what is ready oldest first, so the stories are those of grouping in
    # published order (newsdesk ingest), not of the order the pages happened to finish in.
    for outlet, url in demo_farm.feed_urls():
        subscribe(url, outlet_name=outlet["name"], family=outlet["family"])
    schedule_due_feeds.call()
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    by_worker = partition()
    assert not Article.objects.filter(processed_at__isnull=True).exists()
    Membership.objects.all().delete()
    Story.objects.all().delete()
    Article.objects.update(processed_at=None, grouping_features=None)
    process_articles(ungrouped_articles(placed=True))
    assert partition() == by_worker
    assert len(by_worker) >= 10  # the demo's stories, not one heap


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_newsdesk_run_serves_the_site_and_stops_cleanly_on_ctrl_c(tmp_path):
    port = free_port()
    env = dict(os.environ, NEWSDESK_DATA_DIR=str(tmp_path))
    env.pop("DATABASE_URL", None)  # its own SQLite database, not the test database
    process = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", "run", "--port", str(port), "--web-workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        body = None
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read().decode()
            except OSError:
                time.sleep(0.3)
        assert body is not None, "newsdesk run did not answer within 60 s"
        assert '"ok": true' in body
        front = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
        assert "No stories yet" in front
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert f"running at http://127.0.0.1:{port}/" in output
    assert "newsdesk stopped." in output


@pytest.mark.parametrize("command", ["demo", "run"])
def test_a_taken_port_is_refused_at_once_with_what_to_do(command):
    from django.core.management.base import CommandError

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        farm_port = free_port()
        options = {"farm_port": farm_port} if command == "demo" else {}
        out = io.StringIO()
        with pytest.raises(CommandError, match=rf"127\.0\.0\.1:{port} .*already running.*port"):
            call_command(command, port=port, stdout=out, **options)
    # Refused before anything started: nothing announced, and the demo's farm never bound.
    assert out.getvalue() == ""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", farm_port))
