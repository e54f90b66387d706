"""A tag's kind follows all its stories' readings (an editor's kind stays), and a shorter name
a story folds into a longer one becomes that tag across the site."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from newsdesk.core.tag import Tag as CoreTag
from newsdesk.stories.corrections import merge_tags, rename_tag
from newsdesk.stories.models import Story, StoryTag, Tag, TagAlias, TagReading
from newsdesk.stories.tags import store_tags, tag_corrections

PUBLISHED = datetime(2026, 11, 1, tzinfo=UTC)


def new_story(headline: str = "A story") -> Story:
    return Story.objects.create(
        headline=headline, article_count=1, first_published=PUBLISHED, last_published=PUBLISHED
    )


def tag_names(story: Story) -> list[str]:
    return [st.tag.name for st in StoryTag.objects.filter(story=story).select_related("tag")]


@pytest.mark.django_db
def test_a_town_read_as_an_organisation_first_becomes_a_place_when_five_stories_say_so():
    first = new_story()
    store_tags(first, [CoreTag("Calder", "organisation", cue="model")])
    assert Tag.objects.get(name="Calder").kind == "organisation"
    for _ in range(5):
        store_tags(new_story(), [CoreTag("Calder", "place", cue="model")])
    calder = Tag.objects.get(name="Calder")
    assert calder.kind == "place"
    assert TagReading.objects.filter(tag=calder).count() == 6
    assert TagReading.objects.get(story=first, tag=calder).kind == "organisation"


@pytest.mark.django_db
def test_a_reading_from_the_texts_words_outweighs_several_guesses():
    for _ in range(3):
        store_tags(new_story(), [CoreTag("Tolbury", "person", cue="model")])
    store_tags(new_story(), [CoreTag("Tolbury", "place", cue="text")])
    assert Tag.objects.get(name="Tolbury").kind == "place"


@pytest.mark.django_db
def test_an_editors_kind_wins_over_the_readings():
    store_tags(new_story(), [CoreTag("Aldmoor", "organisation", cue="model")])
    Tag.objects.filter(name="Aldmoor").update(kind="place", kind_by_editor=True)
    for _ in range(3):
        store_tags(new_story(), [CoreTag("Aldmoor", "organisation", cue="text")])
    assert Tag.objects.get(name="Aldmoor").kind == "place"


def veltstra_folded():
    """A story tagged "Veltstra", then one tagged "Veltstra Data" that also wrote "Veltstra":
    the stories, the short tag and the long one."""
    early = new_story("Veltstra plans a site")
    store_tags(early, [CoreTag("Veltstra", "organisation", cue="model")])
    short = Tag.objects.get(name="Veltstra")
    later = new_story("Veltstra Data plans a second site")
    store_tags(later, [CoreTag("Veltstra Data", "organisation", cue="model", forms=("Veltstra",))])
    return early, later, short, Tag.objects.get(name="Veltstra Data")


@pytest.mark.django_db
def test_a_shorter_name_folds_into_the_longer_one_across_the_site(client):
    early, later, short, full = veltstra_folded()
    assert tag_names(early) == tag_names(later) == ["Veltstra Data"]
    short.refresh_from_db()
    assert short.merged_into == full
    # The short name's page leads to the long one's, which lists the stories of both.
    response = client.get(f"/tags/{short.slug}/")
    assert response.status_code == 301 and response["Location"] == full.get_absolute_url()
    page = client.get(full.get_absolute_url()).content.decode()
    assert "Veltstra plans a site" in page and "Veltstra Data plans a second site" in page
    # The API's tag filter takes either address.
    for slug in (short.slug, full.slug):
        listed = client.get(f"/api/stories?tag={slug}").json()
        assert {s["headline"] for s in listed["results"]} == {early.headline, later.headline}
    # A story that names the thing only by its short name gets the long one.
    third = new_story()
    store_tags(third, [CoreTag("Veltstra", "organisation", cue="model")])
    assert tag_names(third) == ["Veltstra Data"]
    # The fold names tags; it is no editor's alias applied to the words of texts.
    aliases, _ = tag_corrections()
    assert "veltstra" not in aliases


@pytest.mark.django_db
def test_a_look_alike_of_another_kind_and_an_editors_tag_are_not_folded():
    store_tags(new_story(), [CoreTag("Calder", "place", cue="text")])
    store_tags(new_story(), [CoreTag("Vell", "place", cue="model")])
    rename_tag(Tag.objects.get(name="Vell"), "Vell county council area")
    store_tags(
        new_story(),
        [
            CoreTag("Calder Rovers", "organisation", cue="text", forms=("Calder",)),
            CoreTag("Vell county", "place", cue="model", forms=("Vell county council area",)),
        ],
    )
    assert Tag.objects.get(name="Calder").merged_into is None
    assert Tag.objects.get(name="Vell county council area").merged_into is None


@pytest.mark.django_db
def test_an_editors_rename_and_merge_work_with_folded_names():
    store_tags(new_story(), [CoreTag("Veltstra", "organisation", cue="model")])
    store_tags(
        new_story(), [CoreTag("Veltstra Data", "organisation", cue="model", forms=("Veltstra",))]
    )
    full = Tag.objects.get(name="Veltstra Data")
    rename_tag(full, "Veltstra Data Ltd")
    story = new_story()
    store_tags(story, [CoreTag("Veltstra", "organisation", cue="model")])
    assert tag_names(story) == ["Veltstra Data Ltd"]
    other = Tag.objects.create(name="Veltstra Group", slug="veltstra-group", kind="organisation")
    grouped = new_story()
    store_tags(grouped, [CoreTag("Veltstra Group", "organisation", cue="model")])
    merge_tags(other, [full])
    assert tag_names(story) == ["Veltstra Group"]
    assert TagReading.objects.filter(tag=other).count() == 4  # the readings moved along
    assert TagAlias.objects.get(name="veltstra data ltd").tag == other


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest_after")
def test_a_database_made_before_readings_upgrades_and_keeps_its_tags():
    executor = MigrationExecutor(connection)
    executor.migrate([("stories", "0009_remove_story_discussion_changed_at")])
    old = executor.loader.project_state([("stories", "0009_remove_story_discussion_changed_at")])
    apps = old.apps
    OldTag = apps.get_model("stories", "Tag")
    OldStory = apps.get_model("stories", "Story")
    OldStoryTag = apps.get_model("stories", "StoryTag")
    OldTagAlias = apps.get_model("stories", "TagAlias")
    story = OldStory.objects.create(slug="old-story", headline="Old story")
    calder = OldTag.objects.create(name="Calder", slug="calder", kind="organisation")
    OldStoryTag.objects.create(story=story, tag=calder, rank=0)
    OldTagAlias.objects.create(name="calder town", tag=calder)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    calder = Tag.objects.get(slug="calder")
    assert calder.kind == "organisation" and not calder.kind_by_editor
    assert tag_names(Story.objects.get(slug="old-story")) == ["Calder"]
    assert not TagAlias.objects.get(name="calder town").by_tagger
    assert not TagReading.objects.exists()
    # The first story to read it again brings the readings in.
    store_tags(new_story(), [CoreTag("Calder", "place", cue="text")])
    assert Tag.objects.get(slug="calder").kind == "place"


@pytest.mark.django_db
def test_a_topic_joins_the_topic_tag_of_the_same_meaning():
    first = new_story()
    store_tags(first, [CoreTag("Interest rates", "topic", cue="keyphrase")])
    second = new_story()
    store_tags(second, [CoreTag("Interest rate", "topic", cue="keyphrase")])
    third = new_story()
    store_tags(third, [CoreTag("Interest-free loans", "topic", cue="keyphrase")])
    assert tag_names(second) == ["Interest rates"]
    assert tag_names(third) == ["Interest-free loans"]


@pytest.mark.django_db
def test_a_folded_tag_renamed_through_the_api_keeps_both_names_leading_to_it(client):
    from django.contrib.auth import get_user_model

    from newsdesk.site.models import ApiToken

    early, later, short, full = veltstra_folded()
    editor = get_user_model().objects.create_user("editor", password="x" * 12, is_staff=True)
    response = client.patch(
        f"/api/tags/{full.slug}",
        '{"name": "Veltstra Data Ltd"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(editor)}",
    )
    assert response.status_code == 200 and response.json()["name"] == "Veltstra Data Ltd"
    full.refresh_from_db()
    assert tag_names(early) == tag_names(later) == ["Veltstra Data Ltd"]
    response = client.get(f"/tags/{short.slug}/")
    assert response.status_code == 301 and response["Location"] == full.get_absolute_url()
    for slug in (short.slug, full.slug):
        listed = client.get(f"/api/stories?tag={slug}").json()
        assert {s["headline"] for s in listed["results"]} == {early.headline, later.headline}
    third = new_story()
    store_tags(third, [CoreTag("Veltstra", "organisation", cue="model")])
    assert tag_names(third) == ["Veltstra Data Ltd"]
