"""Editors rename, merge and hide tags; the change shows at once and sticks for new stories."""

from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.ingest.models import Article, Feed, Outlet
from newsdesk.stories.corrections import hide_tags, merge_tags, rename_tag
from newsdesk.stories.grouping import process_article
from newsdesk.stories.models import Story, Tag

TEXT = (
    "Malian officials said the envoy Nick Checker would visit Mali's capital Bamako on "
    "Tuesday. Niger, Burkina Faso and Mali left ECOWAS last year, the BBC reported."
)


@pytest.fixture
def add(db):
    outlet = Outlet.objects.create(name="NWB World", slug="nwb-world", family="nwb")
    feed = Feed.objects.create(url="http://127.0.0.1/nwb.xml", outlet=outlet)
    counter = iter(range(1000))

    def add(title, text=TEXT, days=0):
        n = next(counter)
        article = Article.objects.create(
            feed=feed,
            outlet=outlet,
            key=f"k{n}",
            url=f"http://127.0.0.1/{n}",
            title=title,
            text=text,
            extraction="done",
            published=datetime(2026, 11, 1, tzinfo=UTC) + timedelta(days=days),
        )
        return process_article(article)

    return add


def names(story: Story) -> list[str]:
    story.refresh_from_db()
    return [st.tag.name for st in story.story_tags.select_related("tag")]


def test_a_rename_shows_at_once_and_sticks_for_future_stories(add, client):
    story = add("Envoy to visit Bamako")
    assert "Mali" in names(story)
    mali = Tag.objects.get(name="Mali")
    slug = mali.slug
    rename_tag(mali, "Republic of Mali")
    assert "Republic of Mali" in client.get(story.get_absolute_url()).content.decode()
    later = add("Envoy in Bamako talks", days=10)  # another story, after the window
    assert later.pk != story.pk
    assert "Republic of Mali" in names(later) and "Mali" not in names(later)
    assert Tag.objects.get(name="Republic of Mali").slug == slug  # the address is kept


def test_a_merge_moves_stories_redirects_and_maps_future_tags(add, client):
    story = add("Envoy to visit Bamako")
    ecowas = Tag.objects.get(name="ECOWAS")
    target = Tag.objects.create(
        name="West African bloc", slug="west-african-bloc", kind="organisation"
    )
    merge_tags(target, [ecowas])
    assert "West African bloc" in names(story) and "ECOWAS" not in names(story)
    response = client.get(f"/tags/{ecowas.slug}/")
    assert response.status_code == 301 and response["Location"] == target.get_absolute_url()
    later = add("Bloc talks resume", days=10)
    assert "West African bloc" in names(later) and "ECOWAS" not in names(later)


def test_a_hidden_tag_disappears_and_is_never_given_again(add, client):
    story = add("Envoy to visit Bamako")
    bbc = Tag.objects.get(name="BBC")
    hide_tags([bbc])
    assert "BBC" not in names(story)
    assert client.get(f"/tags/{bbc.slug}/").status_code == 404
    later = add("Envoy in Bamako talks", days=10)
    assert "BBC" not in names(later)
