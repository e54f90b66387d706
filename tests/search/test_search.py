"""Search finds stories by headline, brief, text and tags, highlights, filters and ranks."""

from datetime import timedelta

from newsdesk.search.query import SearchFilters, query_terms, search
from newsdesk.stories.models import Story


def test_words_in_the_text_find_the_story_with_a_highlighted_snippet(ingested_demo):
    # "barrier" is only in one article's text, far down the story's body.
    results = search("flood barrier Tarnbridge")
    assert results.total >= 1
    top = results.hits[0]
    assert "Vell" in top.story.headline or "Tarnbridge" in top.story.headline
    assert "<script" not in top.snippet
    # The snippet shows where the words meet within the text it reads (on PostgreSQL the
    # first 4,000 characters of the body), highlighted.
    results = search("flood Tarnbridge")
    top = results.hits[0]
    assert "Vell" in top.story.headline or "Tarnbridge" in top.story.headline
    assert "<mark>" in top.snippet and "<script" not in top.snippet


def test_filters_by_outlet_tag_and_date(ingested_demo):
    everything = search("Norvia")
    lantern = search("Norvia", SearchFilters(outlet="the-lantern"))
    assert 0 < lantern.total < everything.total
    for hit in lantern.hits:
        assert hit.story.memberships.filter(article__outlet__slug="the-lantern").exists()
    tag = Story.objects.order_by("-outlet_count").first().story_tags.first().tag
    tagged = search(tag.name, SearchFilters(tag=tag.slug))
    assert tagged.total >= 1
    assert all(h.story.story_tags.filter(tag=tag).exists() for h in tagged.hits)
    newest = Story.objects.order_by("-last_published").first().last_published
    future = search("Norvia", SearchFilters(since=(newest + timedelta(days=2)).date()))
    assert future.total == 0


def test_syntax_and_symbols_are_inert():
    assert query_terms('AND OR "NEAR( * ^col:') == ["and", "or", "near", "col"]
    assert query_terms("!!! ??? ...") == []
    assert len(query_terms("word " * 5000)) == 1


def test_ranking_follows_a_story_re_indexed_with_a_new_date_and_forgets_a_removed_one(db):
    # Ranking reads each match's date from its own copy on SQLite (search_searchrank), kept in
    # step by triggers: an update and a removal must reach it.
    from types import SimpleNamespace

    from django.utils import timezone

    from newsdesk.search.index import index_story

    now = timezone.now()
    outlet = SimpleNamespace(name="The Lantern")
    stories = []
    for n, age in enumerate((1, 30)):
        story = Story.objects.create(headline=f"Kelpwater harbour story {n}")
        story.last_published = now - timedelta(days=age)
        story.save()
        text = "Kelpwater harbour reopened to the ferry after the storm."
        index_story(story, [SimpleNamespace(title=story.headline, body=text, outlet=outlet)], [])
        stories.append(story)
    newer, older = stories
    assert [h.story.pk for h in search("Kelpwater").hits] == [newer.pk, older.pk]

    older.last_published = now
    older.save()
    article = SimpleNamespace(title=older.headline, body="Kelpwater harbour again.", outlet=outlet)
    index_story(older, [article], [])
    assert [h.story.pk for h in search("Kelpwater").hits] == [older.pk, newer.pk]

    index_story(newer, [], [])  # no articles left: the story leaves the index
    results = search("Kelpwater")
    assert [h.story.pk for h in results.hits] == [older.pk] and results.total == 1


def test_a_snippet_keeps_a_headline_and_the_text_after_it_apart():
    from newsdesk.search.query import MARK_END, MARK_START, _mark

    raw = f"…Calder Rovers Win After Extra Time\nCalder {MARK_START}Rovers{MARK_END} won on <b>"
    shown = _mark(raw)
    assert 'Extra Time <span class="snippet-sep">·</span> Calder <mark>Rovers</mark> won' in shown
    assert "&lt;b&gt;" in shown  # the text stays escaped
