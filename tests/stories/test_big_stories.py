"""A big story costs no more to refresh than a small one: each article is read once for its
tags, the story keeps running sums of their evidence, and its brief reads a bounded pool.

The articles are the demo corpus's (several events, many outlets) placed in one story by
hand: what is tested is how a story's tags and brief are computed, not grouping.
"""

import json
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from newsdesk import limits
from newsdesk.core import brief_story
from newsdesk.core.brief_pool import PoolItem, brief_pool
from newsdesk.core.tag import tag_story
from newsdesk.core.tag_topics import topic_key
from newsdesk.ingest.models import Article, Feed, Outlet
from newsdesk.search.models import SearchDocument
from newsdesk.stories import evidence
from newsdesk.stories.corrections import merge_stories, split_article
from newsdesk.stories.models import ArticleTagEvidence, Membership, Story, StoryTagTotals
from newsdesk.stories.refresh import core_article, refresh_story

CORPUS = Path(__file__).parents[2] / "newsdesk" / "demo" / "corpus" / "stories"


@pytest.fixture
def corpus(db):
    """Twenty of the demo corpus's articles, stored as ingest leaves them, oldest first."""
    feeds: dict[str, Feed] = {}
    articles = []
    start = timezone.now() - timedelta(days=1)
    rows = [
        a
        for path in sorted(CORPUS.glob("*.json"))
        for a in json.loads(path.read_text())["articles"]
    ]
    for number, row in enumerate(rows[:20]):
        if row["outlet"] not in feeds:
            slug = f"outlet-{len(feeds)}"
            outlet = Outlet.objects.create(name=row["outlet"], slug=slug, family=slug)
            feeds[row["outlet"]] = Feed.objects.create(
                url=f"http://127.0.0.1/{slug}.xml", outlet=outlet
            )
        feed = feeds[row["outlet"]]
        articles.append(
            Article.objects.create(
                feed=feed,
                outlet=feed.outlet,
                key=f"corpus-{number}",
                url=f"http://127.0.0.1/corpus-{number}",
                title=row["title"],
                text="\n\n".join(row["paragraphs"]),
                categories=row.get("categories") or [],
                published=start + timedelta(minutes=10 * number),
                extraction=Article.Extraction.DONE,
            )
        )
    return articles


@pytest.fixture
def analysed(monkeypatch):
    """How many times each text was read by the model for tags."""
    counts: Counter = Counter()
    real = evidence.analyse

    def counting(texts):
        counts.update(texts)
        return real(texts)

    monkeypatch.setattr(evidence, "analyse", counting)
    return counts


def join(story, article):
    Membership.objects.create(article=article, story=story)
    refresh_story(story)
    story.refresh_from_db()


def tags_from_scratch(story):
    """``tag_story`` on the story's articles read from their text, with the story's brief."""
    articles = Article.objects.filter(membership__story=story).select_related("outlet")
    documents = [core_article(a) for a in articles.order_by("published", "pk")]
    brief = [s["text"] for s in story.brief["sentences"]]
    return [t.name for t in tag_story(documents, brief=brief).tags]


def names(story):
    return [st.tag.name for st in story.story_tags.select_related("tag")]


def test_each_article_is_read_once_however_many_articles_join_later(corpus, analysed):
    story = Story.objects.create()
    for article in corpus:
        join(story, article)
    assert set(analysed) == {a.text for a in corpus}
    assert set(analysed.values()) == {1}
    assert ArticleTagEvidence.objects.filter(article__in=corpus).count() == len(corpus)
    totals = StoryTagTotals.objects.get(story=story)
    assert sorted(totals.counted) == sorted(a.pk for a in corpus)


def test_tags_from_running_sums_equal_tags_from_the_articles(corpus):
    story = Story.objects.create()
    # Joined out of date order: the sums follow the articles' dates, not their arrival.
    for article in [*corpus[10:], *corpus[:10]]:
        join(story, article)
    # A topic the site already holds in another form (an earlier refresh stored "Data
    # centre") is stored under that form: compared by what the names mean.
    assert names(story)
    assert [topic_key(n) for n in names(story)] == [topic_key(n) for n in tags_from_scratch(story)]


def test_a_split_and_a_merge_make_the_sums_again_from_the_stored_parts(corpus, analysed):
    story = Story.objects.create()
    for article in corpus[:8]:
        join(story, article)
    other = Story.objects.create()
    for article in corpus[8:12]:
        join(other, article)
    read = sum(analysed.values())
    split_article(corpus[3])
    story.refresh_from_db()
    assert 3 not in [corpus.index(a) for a in Article.objects.filter(membership__story=story)]
    assert names(story) == tags_from_scratch(story)
    assert sorted(StoryTagTotals.objects.get(story=story).counted) == sorted(
        a.pk for a in corpus[:8] if a != corpus[3]
    )
    merge_stories(story, [other])
    story.refresh_from_db()
    assert story.article_count == 11
    assert names(story) == tags_from_scratch(story)
    assert sum(analysed.values()) == read  # nothing read from text again


def test_sums_of_another_version_are_made_again(corpus):
    story = Story.objects.create()
    for article in corpus[:4]:
        join(story, article)
    expected = names(story)
    StoryTagTotals.objects.filter(story=story).update(totals={"version": 0}, counted=[])
    ArticleTagEvidence.objects.filter(article=corpus[0]).update(version=0)
    refresh_story(story)
    assert names(story) == expected
    assert ArticleTagEvidence.objects.get(article=corpus[0]).version != 0


def test_a_story_within_the_pool_is_briefed_from_all_its_articles(corpus):
    story = Story.objects.create()
    for article in corpus[:6]:
        join(story, article)
    expected = brief_story([core_article(a) for a in corpus[:6]])
    assert story.headline == expected.headline
    assert [s["text"] for s in story.brief["sentences"]] == [s.text for s in expected.sentences]


def test_a_big_story_is_briefed_and_indexed_from_a_bounded_pool(corpus, monkeypatch):
    monkeypatch.setattr(limits, "BRIEF_POOL_ARTICLES", 8)
    story = Story.objects.create()
    for article in corpus:
        Membership.objects.create(article=article, story=story)
    refresh_story(story)
    story.refresh_from_db()
    pool = brief_pool([PoolItem(str(a.pk), a.published, a.outlet.family) for a in corpus], 8)
    pool = {int(i) for i in pool}
    assert len(pool) == 8
    # The first reports and the latest are in it.
    assert {a.pk for a in corpus[: limits.BRIEF_POOL_EARLIEST]} | {corpus[-1].pk} <= pool
    cited = {int(ref["id"]) for s in story.brief["sentences"] for ref in s["sources"]}
    assert cited and cited <= pool
    # Counts and dates are the whole story's; tags too (from the sums, not the pool).
    assert story.article_count == len(corpus)
    assert story.last_published == corpus[-1].published
    assert names(story) == tags_from_scratch(story)
    # The search document reads the pool's titles, and names every outlet of the story.
    document = SearchDocument.objects.get(story=story)
    titles = [a.title for a in corpus]
    assert sum(title in document.body for title in titles) == len(pool)
    assert all(a.outlet.name in document.outlets for a in corpus)


def same_tags(story):
    """The story's stored tags are those made from scratch (topics compared by meaning, as a
    topic the site already holds in another form keeps that form)."""
    expected = [topic_key(n) for n in tags_from_scratch(story)]
    return [topic_key(n) for n in names(story)] == expected


def test_a_worker_goes_on_from_the_sums_it_stored_unless_another_stored_others(corpus, monkeypatch):
    story = Story.objects.create()
    read = Counter()
    real = evidence.StoryEvidence.from_json

    def counting(data):
        read["json"] += 1
        return real(data)

    monkeypatch.setattr(evidence.StoryEvidence, "from_json", counting)
    for article in corpus[:6]:
        join(story, article)
    assert read["json"] == 0  # each refresh went on from the sums this process stored
    assert same_tags(story)
    # Another worker stores the sums of the first four articles: its revision is not ours.
    row = StoryTagTotals.objects.get(story=story)
    other = evidence.StoryEvidence()
    for article in corpus[:4]:
        part = evidence.article_parts([article])[article.pk]
        other.add(part, evidence.order_key(article))
    row.totals, row.counted, row.revision = other.to_json(), [a.pk for a in corpus[:4]], "other"
    row.save()
    join(story, corpus[6])
    assert read["json"] == 1
    assert same_tags(story)
    assert sorted(StoryTagTotals.objects.get(story=story).counted) == sorted(
        a.pk for a in corpus[:7]
    )
