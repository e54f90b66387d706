"""The ``newsdesk`` command as a new operator meets it: the database is made on first use,
a mistake is one line and a non-zero exit (never a traceback), an unknown command gets
newsdesk's own help, and summaries read as sentences."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone


def newsdesk(*args: str, data_dir, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "NEWSDESK_DATA_DIR": str(data_dir), **env}
    if "DATABASE_URL" not in env:
        environment.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_first_command_creates_the_database_and_later_ones_say_nothing_of_it(tmp_path):
    first = newsdesk("feeds", "list", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "newsdesk: setting up the database (SQLite," in first.stderr
    assert first.stdout.startswith("No feeds yet.")
    again = newsdesk("feeds", "list", data_dir=tmp_path)
    assert again.returncode == 0 and again.stderr == ""


def test_an_unknown_command_gets_newsdesks_own_help(tmp_path):
    done = newsdesk("foo", data_dir=tmp_path)
    assert done.returncode == 2
    assert "no command called 'foo'" in done.stderr
    assert "feeds add URL" in done.stderr and "Type 'newsdesk help" not in done.stderr


@pytest.mark.parametrize(
    "args, says",
    [
        (("feeds", "add", "ftp://example.org/feed"), "is not an http(s) URL"),
        (("moderators", "add", "nobody"), "No account named 'nobody'"),
        (("feeds", "import-opml", "missing.opml"), "cannot read missing.opml"),
        (("feeds", "export-opml", "/nonexistent/x.opml"), "/nonexistent/x.opml: No such file"),
    ],
)
def test_a_mistake_is_one_line_and_a_non_zero_exit(tmp_path, args, says):
    done = newsdesk(*args, data_dir=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    (line,) = [ln for ln in done.stderr.splitlines() if not ln.startswith("newsdesk: setting up")]
    assert line.startswith(f"newsdesk {args[0]}: ") and says in line


def test_an_unreachable_database_is_one_line(tmp_path):
    done = newsdesk(
        "status", data_dir=tmp_path, DATABASE_URL="postgres://nobody:secret@127.0.0.1:9/none"
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "secret" not in done.stderr
    assert done.stderr.startswith("newsdesk status: database error on PostgreSQL, database none")
    assert len(done.stderr.strip().splitlines()) == 1


def test_an_ingest_pass_is_summed_up_in_sentences():
    from newsdesk.ingest.health import pass_summary

    said = pass_summary({"ok": 5, "error": 1}, {"done": 49, "feed": 2}, 51)
    assert said == (
        "6 feeds: 5 fetched, 1 failed (newsdesk feeds list says why). "
        "51 new articles: 49 read from their pages, 2 kept the feed's own text (page failed "
        "or not allowed). 51 articles grouped into stories, briefed and tagged."
    )
    assert "{" not in pass_summary({}, {}, 0)


@pytest.mark.django_db
def test_status_names_failing_feeds_waiting_work_and_the_database():
    from newsdesk.ingest.models import Article, Feed, Outlet

    outlet = Outlet.objects.create(name="The Lantern", slug="the-lantern", family="the-lantern")
    now = timezone.now()
    Feed.objects.create(
        url="http://127.0.0.1:9/ok.xml",
        outlet=outlet,
        last_fetched_at=now,
        last_success_at=now,
        next_fetch_at=now + timedelta(minutes=30),
    )
    Feed.objects.create(
        url="http://127.0.0.1:9/bad.xml",
        outlet=outlet,
        last_fetched_at=now,
        error_count=3,
        last_error="HTTP 503 from 127.0.0.1",
        last_error_at=now,
    )
    Feed.objects.create(url="http://127.0.0.1:9/gone.xml", outlet=outlet, gone=True)
    feed = Feed.objects.first()
    Article.objects.create(feed=feed, outlet=outlet, key="a", published=now)
    out = StringIO()
    call_command("status", stdout=out)
    said = out.getvalue()
    assert "feeds       3 feeds: 1 ok, 1 failing, 1 gone" in said
    assert "3 errors in a row" in said and "HTTP 503 from 127.0.0.1" in said
    assert "1 article stored: 1 waiting for their page, 0 waiting to be grouped" in said
    assert "task queue" in said and "stories     none yet" in said
    assert said.startswith("database ")
