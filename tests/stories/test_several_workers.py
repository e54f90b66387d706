"""Several task workers processing one story's articles at once: one story, a brief of all.

Each thread here is a worker with its own database connection (real SQLite file in WAL mode,
or real PostgreSQL when DATABASE_URL names one), released together so their grouping
decisions and brief rebuilds overlap. Without a grouping turn, workers that decide at the same
moment do not see each other's new story and start one each; without the re-check on write, a
brief computed before another worker's article arrived can be the last one written.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection, connections

from newsdesk.core.llm import LLMConfig
from newsdesk.ingest.models import Article, Feed, Outlet
from newsdesk.stories.grouping import process_article
from newsdesk.stories.models import Membership, Story

from .helpers import stored_article

WORKERS = 4

# Six outlets' reports of one invented event, worded apart so none is a near-copy.
REPORTS = [
    (
        "Ferry Aster runs aground off Holm Island, 212 passengers taken off",
        "The ferry Aster ran aground off Holm Island on Sunday night and all 212 passengers "
        "were taken off by lifeboats, the coastguard said.",
    ),
    (
        "Holm Island ferry aground: coastguard rescues 212 passengers from Aster",
        "Lifeboat crews took 212 passengers off the ferry Aster after it ran aground near Holm "
        "Island late on Sunday, according to the coastguard.",
    ),
    (
        "Aster ferry grounded near Holm Island as lifeboats evacuate 212",
        "All 212 people aboard the Aster were evacuated by lifeboat when the ferry grounded "
        "off Holm Island on Sunday, coastguard officials said.",
    ),
    (
        "212 passengers rescued after ferry Aster hits rocks off Holm Island",
        "The Aster hit rocks off Holm Island on Sunday evening; lifeboats rescued its 212 "
        "passengers and the coastguard said nobody was badly hurt.",
    ),
    (
        "Coastguard: ferry Aster aground off Holm Island, passengers safe",
        "The coastguard said the ferry Aster was aground off Holm Island and its 212 passengers "
        "were safe after a night-time rescue by lifeboat crews on Sunday.",
    ),
    (
        "Ferry Aster aground at Holm Island; 212 passengers brought ashore by lifeboat",
        "Lifeboats brought 212 passengers ashore after the ferry Aster ran aground at Holm "
        "Island on Sunday, the coastguard said on Monday.",
    ),
]


@pytest.fixture
def reports(transactional_db):
    articles = []
    for number, (title, text) in enumerate(REPORTS):
        outlet = Outlet.objects.create(
            name=f"Outlet {number}", slug=f"outlet-{number}", family=f"family-{number}"
        )
        feed = Feed.objects.create(url=f"http://127.0.0.1/{outlet.slug}.xml", outlet=outlet)
        articles.append(stored_article(feed, f"report-{number}", title, number * 0.1, text))
    return articles


def in_threads(shares: list[list], action) -> list[BaseException]:
    """``action`` on each item, one thread (a worker, with its own connection) per share, the
    threads released together; the errors they raised."""
    start = threading.Barrier(len(shares))
    errors: list[BaseException] = []

    def work(share):
        try:
            start.wait()
            for item in share:
                action(item)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def run_as_workers(articles: list[Article]) -> list[BaseException]:
    """Process ``articles`` on WORKERS threads, started together."""
    return in_threads(
        [articles[i::WORKERS] for i in range(WORKERS)],
        lambda article: process_article(
            Article.objects.select_related("outlet").get(pk=article.pk)
        ),
    )


def test_workers_grouping_at_once_build_one_story_with_every_report(reports):
    for article in reports:  # stored as ingest leaves them, in no story yet
        assert not Membership.objects.filter(article=article).exists()
    for round_ in range(3):
        Membership.objects.all().delete()
        Story.objects.all().delete()
        Article.objects.update(processed_at=None, grouping_features=None)
        errors = run_as_workers(reports)
        assert errors == [], f"round {round_}: {errors!r}"
        stories = list(Story.objects.all())
        assert len(stories) == 1, f"round {round_}: {len(stories)} stories ({connection.vendor})"
        story = stories[0]
        assert story.article_count == len(REPORTS)
        cited = {source["id"] for s in story.brief["sentences"] for source in s["sources"]}
        assert cited, "the brief cites its sources"
        members = set(Membership.objects.filter(story=story).values_list("article_id", flat=True))
        assert cited <= members
        assert story.first_published == min(a.published for a in reports)
        assert story.last_published == max(a.published for a in reports)


def test_one_at_a_time_the_reports_are_one_story(reports):
    for article in reports:
        process_article(Article.objects.select_related("outlet").get(pk=article.pk))
    assert Story.objects.count() == 1
    assert Story.objects.get().article_count == len(REPORTS)


class HeldFirstAnswer(BaseHTTPRequestHandler):
    """An OpenAI-compatible endpoint that holds its first answer until the test releases it
    (a slow LLM) and answers every other request at once; every answer is empty, so the brief
    is the default one and the test is about which brief is written last."""

    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.server.lock:
            self.server.requests += 1
            first = self.server.requests == 1
        if first:
            self.server.release.wait(timeout=60)
        body = json.dumps({"choices": [{"message": {"content": ""}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def slow_llm(settings):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), HeldFirstAnswer)
    httpd.requests, httpd.lock, httpd.release = 0, threading.Lock(), threading.Event()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    host, port = httpd.server_address
    settings.NEWSDESK_LLM = LLMConfig(f"http://{host}:{port}/v1", "m", "", 60)
    yield httpd
    httpd.release.set()
    httpd.shutdown()
    httpd.server_close()


def test_a_brief_made_before_another_workers_article_is_not_the_one_left(reports, slow_llm):
    # Worker 1 places the first report and waits on the LLM for its brief. Meanwhile worker 2
    # places the second report in the same story and writes a brief of both. When worker 1's
    # answer comes, its brief knows one report: written last, it would hide the second.
    first, second = reports[0], reports[1]
    errors: list[BaseException] = []

    def worker_one():
        try:
            process_article(Article.objects.select_related("outlet").get(pk=first.pk))
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    one = threading.Thread(target=worker_one)
    one.start()
    deadline = time.monotonic() + 60
    while slow_llm.requests < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert slow_llm.requests == 1, "worker 1 is waiting for its brief"
    story = process_article(Article.objects.select_related("outlet").get(pk=second.pk))
    story.refresh_from_db()
    assert story.article_count == 2  # worker 2's brief, of both reports
    slow_llm.release.set()
    one.join(timeout=60)
    assert errors == []
    story.refresh_from_db()
    assert story.article_count == 2
    assert story.last_published == second.published
    assert slow_llm.requests == 3  # worker 1 saw the new report and made its brief again


def test_workers_briefing_stories_that_name_one_new_place_share_one_tag(transactional_db):
    # Four stories, each naming Tolbury for the first time, briefed by four workers at once:
    # each finds no "Tolbury" tag and creates it; all but the first must take that one
    # (PostgreSQL raised a unique-key error, and the story was left unbriefed).
    from newsdesk.stories.models import Tag
    from newsdesk.stories.refresh import refresh_story

    events = ["a bridge reopened", "a school opened", "a market moved", "a mill closed"]
    for round_ in range(3):
        Tag.objects.all().delete()
        stories = []
        for number, event in enumerate(events):
            slug = f"town-{round_}-{number}"
            outlet = Outlet.objects.create(name=f"Town {slug}", slug=slug, family=slug)
            feed = Feed.objects.create(url=f"http://127.0.0.1/{slug}.xml", outlet=outlet)
            text = (
                f"In Tolbury, {event} on Monday, the council of Tolbury said. Residents of "
                f"Tolbury had waited two years. The town of Tolbury, home to 9,000 people, "
                f"celebrated."
            )
            article = stored_article(feed, slug, f"Tolbury: {event}", number, text)
            story = Story.objects.create(
                first_published=article.published, last_published=article.published
            )
            Membership.objects.create(article=article, story=story)
            stories.append(story)
        errors = in_threads([[story] for story in stories], refresh_story)
        assert errors == [], f"round {round_}: {errors!r}"
        assert Tag.objects.filter(name="Tolbury").count() == 1
        for story in stories:
            story.refresh_from_db()
            assert story.article_count == 1
            assert story.story_tags.filter(tag__name="Tolbury").exists()
