"""Editors' corrections: merge stories, split an article out; later articles respect them."""

import pytest

from newsdesk.ingest.models import Article, Feed, Outlet
from newsdesk.stories.corrections import merge_stories, split_article
from newsdesk.stories.grouping import process_article
from newsdesk.stories.models import Membership, Story

from .helpers import stored_article

STRIKE = (
    "Dock workers at Port Lerma stopped work on Monday in a dispute over night-shift pay, "
    "leaving eleven container ships waiting in the bay. The union said talks would resume."
)
CUP = (
    "Volta Queens beat Atlantique FC 2-1 in the final of the Champions Cup on Sunday evening, "
    "with a late goal from their captain in front of a record crowd."
)


@pytest.fixture
def outlets(db):
    made = []
    for name, family in (("NWB World", "nwb"), ("NWB Africa", "nwb"), ("the Lantern", "lantern")):
        outlet = Outlet.objects.create(
            name=name, slug=name.lower().replace(" ", "-"), family=family
        )
        made.append(Feed.objects.create(url=f"http://127.0.0.1/{outlet.slug}.xml", outlet=outlet))
    return made


def add(feed, key, title, text, hours):
    article = stored_article(feed, key, title, hours, text)
    process_article(article)
    return Article.objects.select_related("membership__story").get(pk=article.pk)


def test_publisher_editions_count_once_and_independent_outlets_count(outlets):
    world, africa, lantern = outlets
    a = add(world, "a", "Port Lerma dock workers strike over pay", STRIKE, 0)
    add(africa, "b", "Port Lerma dock workers strike over night pay", STRIKE, 1)
    story = Story.objects.get(pk=a.membership.story_id)
    assert (story.article_count, story.outlet_count) == (2, 1)
    add(lantern, "c", "Eleven ships wait as Port Lerma dock strike goes on", STRIKE, 2)
    story.refresh_from_db()
    assert (story.article_count, story.outlet_count) == (3, 2)


def test_merge_moves_articles_redirects_the_old_url_and_later_articles_follow(outlets, client):
    world, _, lantern = outlets
    strike = add(world, "a", "Port Lerma dock workers strike over pay", STRIKE, 0)
    cup = add(lantern, "b", "Volta Queens win the Champions Cup", CUP, 1)
    target, other = strike.membership.story, cup.membership.story
    assert target.pk != other.pk
    merge_stories(target, [other])
    other.refresh_from_db()
    target.refresh_from_db()
    assert other.merged_into_id == target.pk
    assert target.article_count == 2
    assert set(Membership.objects.filter(story=target).values_list("pinned", flat=True)) == {True}
    response = client.get(other.get_absolute_url())
    assert response.status_code == 301 and response["Location"] == target.get_absolute_url()
    # A later report of the cup final joins the story the editor merged it into.
    later = add(world, "c", "Volta Queens win the Champions Cup final", CUP, 2)
    assert later.membership.story_id == target.pk


def test_split_takes_an_article_out_and_regrouping_leaves_it_there(outlets):
    world, africa, _ = outlets
    first = add(world, "a", "Port Lerma dock workers strike over pay", STRIKE, 0)
    second = add(africa, "b", "Port Lerma dock workers strike over night pay", STRIKE, 1)
    old = first.membership.story
    assert second.membership.story_id == old.pk
    new = split_article(second)
    old.refresh_from_db()
    assert new.pk != old.pk and old.article_count == 1 and new.article_count == 1
    # Processing it again (a re-run, a resumed ingest) keeps the editor's decision.
    Article.objects.filter(pk=second.pk).update(processed_at=None)
    process_article(Article.objects.get(pk=second.pk))
    assert Membership.objects.get(article=second).story_id == new.pk
    # The story keeps its URL as it grows: the slug never changes.
    slug = old.slug
    add(world, "c", "Port Lerma dock strike enters second day", STRIKE, 3)
    old.refresh_from_db()
    assert old.slug == slug and old.article_count == 2


def test_a_batch_refreshes_each_story_once_with_all_its_new_articles(outlets, monkeypatch):
    from newsdesk.stories import grouping

    calls = []
    real = grouping.refresh_story
    monkeypatch.setattr(
        grouping, "refresh_story", lambda story: (calls.append(story.pk), real(story))
    )
    batch = [
        stored_article(outlets[0], "b1", "Port Lerma dockers walk out over pay", 0, STRIKE),
        stored_article(outlets[2], "b2", "Volta Queens win the Champions Cup", 1, CUP),
        stored_article(outlets[2], "b3", "Port Lerma dock strike leaves ships waiting", 2, STRIKE),
    ]
    stories = grouping.process_articles(batch)
    strike = stories[0]
    assert stories[2].pk == strike.pk != stories[1].pk  # the third joined the first's story
    assert sorted(calls) == sorted({strike.pk, stories[1].pk})  # once per story, not per article
    strike.refresh_from_db()
    assert strike.article_count == 2 and strike.outlet_count == 2
    cited = {ref["id"] for s in strike.brief["sentences"] for ref in s["sources"]}
    assert cited <= {batch[0].pk, batch[2].pk} and cited
    assert not Article.objects.filter(pk__in=[a.pk for a in batch], processed_at=None).exists()


def test_an_editor_can_queue_a_rebuild_and_the_worker_gives_old_briefs_their_passages(
    outlets, transactional_db, admin_client
):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    world, _, lantern = outlets
    story = add(world, "a", "Port Lerma dock workers strike over pay", STRIKE, 0).membership.story
    other = add(lantern, "b", "Volta Queens win the Champions Cup", CUP, 1).membership.story
    # Briefs stored before the cited passages were kept.
    for s in (story, other):
        s.refresh_from_db()
        assert s.brief_passages
        assert all(p in STRIKE or p in CUP for p in s.brief_passages.values())
        s.brief_passages = {}
        s.save()
    response = admin_client.post(
        "/admin/stories/story/",
        {"action": "rebuild_selected", "_selected_action": [story.pk]},
        follow=True,
    )
    assert "Queued 1 story to be re-briefed" in response.content.decode()
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    story.refresh_from_db()
    other.refresh_from_db()
    refs = [
        f"{r['id']}:{r['sentence_index']}" for x in story.brief["sentences"] for r in x["sources"]
    ]
    assert refs and set(story.brief_passages) == set(refs)
    assert all(story.brief_passages[key] in STRIKE for key in refs)
    # Only the selected story was rebuilt.
    assert other.brief_passages == {}
