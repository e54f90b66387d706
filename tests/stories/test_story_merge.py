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
