"""With an LLM configured, stories get gated LLM briefs, and the gate's decisions are stored."""

from datetime import UTC, datetime

import pytest

from newsdesk.core.brief import BriefMethod
from newsdesk.core.llm import LLMConfig
from newsdesk.ingest.models import Article, Feed, Outlet
from newsdesk.stories.grouping import process_article
from tests.core.test_llm_brief import ARTICLES, server  # noqa: F401 - the local LLM fixture


@pytest.fixture
def two_reports(db):
    stored = []
    for core in ARTICLES:
        outlet = Outlet.objects.create(name=core.outlet, slug=core.id, family=core.id)
        feed = Feed.objects.create(url=f"http://127.0.0.1/{core.id}.xml", outlet=outlet)
        stored.append(
            Article.objects.create(
                feed=feed,
                outlet=outlet,
                key=core.id,
                url=f"http://127.0.0.1/{core.id}",
                title=core.title,
                text=core.text,
                extraction="done",
                published=datetime(2026, 11, 20, 8 + len(stored), tzinfo=UTC),
            )
        )
    return stored


def ingest(articles):
    story = None
    for article in articles:
        story = process_article(article)
    story.refresh_from_db()
    return story


def test_an_invented_llm_sentence_never_reaches_the_story(two_reports, server, settings):  # noqa: F811
    host, port = server.server_address
    settings.NEWSDESK_LLM = LLMConfig(f"http://{host}:{port}/one-invented/v1", "m", "", 5)
    story = ingest(two_reports)
    assert story.article_count == 2
    assert story.brief_method == BriefMethod.LLM_GATED
    texts = [s["text"] for s in story.brief["sentences"]]
    assert "Seven people died in the floods near Amerville." not in texts
    assert any("Seven people died" in line for line in story.brief_log)
    for sentence in story.brief["sentences"]:
        assert {s["id"] for s in sentence["sources"]} <= {a.pk for a in two_reports}


def test_an_llm_that_is_down_leaves_the_default_brief_and_says_why(two_reports, settings):
    settings.NEWSDESK_LLM = LLMConfig("http://127.0.0.1:9/v1", "m", "", 2)
    story = ingest(two_reports)
    assert story.brief_method == BriefMethod.LEAD_COMPRESSIVE
    assert story.brief["sentences"]
    assert story.brief_log and "default" in " ".join(story.brief_log).lower()
