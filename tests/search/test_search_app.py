"""Search is an app of its own: the stories app reaches it only through its signal (that it
imports neither search nor site is tests/test_import_direction.py's rule)."""

from newsdesk.search.models import SearchDocument
from newsdesk.search.query import search
from tests.site.conftest import ferry_strike_story


def test_a_story_written_by_the_stories_app_is_indexed_through_its_signal(db):
    story = ferry_strike_story()
    document = SearchDocument.objects.get(story=story)
    assert document.headline == story.headline and "the Lantern" in document.outlets
    assert [h.story.pk for h in search("Skerry Point ferry").hits] == [story.pk]
