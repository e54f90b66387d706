"""Two live stories that turn out to report one event become one, in the worker's path:
the larger (or, at equal size, the older) keeps its URL and the other's redirects to it;
stories an editor arranged are left alone."""

import json
from pathlib import Path

import pytest

from newsdesk.core.group_features import article_features, embeddings_enabled, features_to_dict
from newsdesk.ingest.models import Feed, Outlet
from newsdesk.stories.grouping import process_article
from newsdesk.stories.models import Membership, Story
from newsdesk.stories.refresh import core_article

from .helpers import stored_article

HALVES = Path(__file__).parents[1] / "core" / "testdata" / "events_two_halves_of_one_event.jsonl"

pytestmark = pytest.mark.skipif(not embeddings_enabled(), reason="MiniLM not installed")


@pytest.fixture
def halves(db):
    outlets = {}
    made = {}
    for hours, row in enumerate(json.loads(line) for line in HALVES.read_text().splitlines()):
        if row["outlet"] not in outlets:
            outlet = Outlet.objects.create(
                name=row["outlet"], slug=row["outlet"].lower().replace(" ", "-")
            )
            outlets[row["outlet"]] = Feed.objects.create(
                url=f"http://127.0.0.1/{outlet.slug}.xml", outlet=outlet
            )
        made[row["id"]] = stored_article(
            outlets[row["outlet"]], row["id"], row["title"], hours, row["text"]
        )
    return made


def story_of(articles) -> Story:
    """A story holding ``articles`` as grouping would have left it (features stored)."""
    story = Story.objects.create(
        first_published=articles[0].published, last_published=articles[-1].published
    )
    for article in articles:
        article.grouping_features = features_to_dict(article_features(core_article(article)))
        article.save(update_fields=["grouping_features"])
        Membership.objects.create(article=article, story=story)
    return story


def test_two_stories_of_one_event_merge_and_the_older_keeps_its_url(halves, client):
    accord = story_of([halves[f"accord-{n}"] for n in (1, 2, 3)])
    fury = story_of([halves["fury-1"], halves["fury-2"]])
    process_article(halves["fury-3"])
    accord.refresh_from_db()
    fury.refresh_from_db()
    # Equal in size once the newcomer is in: the older story stays, the other points to it.
    assert accord.merged_into is None and fury.merged_into == accord
    assert set(Membership.objects.filter(story=accord).values_list("article__key", flat=True)) == {
        "accord-1",
        "accord-2",
        "accord-3",
        "fury-1",
        "fury-2",
        "fury-3",
    }
    assert fury.article_count == 0 and accord.article_count == 6
    answer = client.get(fury.get_absolute_url())
    assert answer.status_code == 301 and answer["Location"] == accord.get_absolute_url()


def test_a_story_an_editor_arranged_is_not_merged(halves):
    accord = story_of([halves[f"accord-{n}"] for n in (1, 2, 3)])
    fury = story_of([halves["fury-1"], halves["fury-2"]])
    Membership.objects.filter(article=halves["fury-1"]).update(pinned=True)
    process_article(halves["fury-3"])
    assert not Story.objects.filter(pk__in=[accord.pk, fury.pk], merged_into__isnull=False).exists()


PRESIDENT = HALVES.parent / "events_one_president_two_subjects.jsonl"
BACKGROUND = HALVES.parent / "events_background_day.jsonl"


def stored_rows(path: Path, start_hours: float) -> dict:
    made = {}
    for n, row in enumerate(json.loads(line) for line in path.read_text().splitlines()):
        outlet, _ = Outlet.objects.get_or_create(
            name=row["outlet"], defaults={"slug": row["outlet"].lower().replace(" ", "-")}
        )
        feed, _ = Feed.objects.get_or_create(
            url=f"http://127.0.0.1/{outlet.slug}.xml", defaults={"outlet": outlet}
        )
        made[row["id"]] = stored_article(
            feed, row["id"], row["title"], start_hours + n / 10, row["text"]
        )
    return made


def test_a_story_that_turns_out_to_hold_two_events_is_split_and_keeps_its_url(db):
    # A day of other news before, as a live window has (its words tell theme from event).
    for article in stored_rows(BACKGROUND, -20).values():
        story_of([article])
    rows = stored_rows(PRESIDENT, 0)
    # The president's tariff and his flood visit, held in one story (the known limit).
    story = story_of([rows[k] for k in ("tariff-1", "flood-1", "tariff-2", "flood-2")])
    later = stored_article(
        rows["tariff-2"].feed,
        "tariff-3",
        "Kessia weighs answer to Ostria's 25% steel tariff",
        2,
        "Kessia's trade minister said the country would answer Ostria's 25% tariff on Kessian "
        "steel, announced by President Alvaro Renn to protect the Dunmore mills, before it "
        "starts in August.",
    )
    process_article(later)
    story.refresh_from_db()
    # The tariff, the larger part and the newcomer's, keeps the story and its URL.
    assert Membership.objects.get(article=later).story == story
    assert set(Membership.objects.filter(story=story).values_list("article__key", flat=True)) == {
        "tariff-1",
        "tariff-2",
        "tariff-3",
    }
    split = Membership.objects.get(article=rows["flood-1"]).story
    assert split != story and split.merged_into is None
    assert set(Membership.objects.filter(story=split).values_list("article__key", flat=True)) == {
        "flood-1",
        "flood-2",
    }
    # Both are briefed from their own articles.
    split.refresh_from_db()
    assert story.article_count == 3 and split.article_count == 2
    assert "carvel" in split.headline.lower()
