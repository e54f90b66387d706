"""A failure while grouping or briefing one article is recorded on it and the rest go on:
a poisoned article never stops every later pass (the issue of hostile outlets)."""

import pytest

from newsdesk.ingest.models import Article, Feed, Outlet
from newsdesk.stories import grouping
from newsdesk.stories.grouping import process_articles, ungrouped_articles
from newsdesk.stories.models import Membership

from .helpers import stored_article

POISON = "Poisoned headline that breaks grouping"


@pytest.fixture
def feed(db):
    outlet = Outlet.objects.create(name="The Lantern", slug="the-lantern", family="the-lantern")
    return Feed.objects.create(url="http://127.0.0.1/lantern.xml", outlet=outlet)


@pytest.fixture
def poisoned_grouping(monkeypatch):
    place = grouping._place

    def place_unless_poisoned(article, document, features):
        if article.title == POISON:
            raise ValueError("an input the grouper cannot take")
        return place(article, document, features)

    monkeypatch.setattr(grouping, "_place", place_unless_poisoned)


def test_an_article_that_cannot_be_grouped_fails_alone_and_is_not_retried(feed, poisoned_grouping):
    before = stored_article(feed, "a", "Harbour crane collapses in Tolbury port", 0)
    poisoned = stored_article(feed, "b", POISON, 1)
    after = stored_article(feed, "c", "Calder council approves new library", 2)
    process_articles(list(ungrouped_articles()))
    assert Membership.objects.filter(article__in=[before, after]).count() == 2
    poisoned.refresh_from_db()
    assert not Membership.objects.filter(article=poisoned).exists()
    assert "grouping failed" in poisoned.processing_error
    assert "cannot take" in poisoned.processing_error
    # Counted as processed: the next pass has nothing left to trip on.
    assert poisoned.processed_at is not None
    assert not ungrouped_articles().exists()


def test_a_story_whose_brief_fails_keeps_its_articles_and_the_run_goes_on(feed, monkeypatch):
    refresh = grouping.refresh_story

    def refresh_unless_poisoned(story):
        if Article.objects.filter(membership__story=story, title=POISON).exists():
            raise RuntimeError("the tagger fell over")
        return refresh(story)

    monkeypatch.setattr(grouping, "refresh_story", refresh_unless_poisoned)
    poisoned = stored_article(feed, "p", POISON, 0)
    fine = stored_article(feed, "f", "Calder council approves new library", 1)
    process_articles([poisoned, fine])
    poisoned.refresh_from_db()
    fine.refresh_from_db()
    assert Membership.objects.filter(article=poisoned).exists()
    assert "briefing its story failed" in poisoned.processing_error
    assert fine.processing_error == "" and fine.processed_at is not None
    assert Membership.objects.get(article=fine).story.brief
