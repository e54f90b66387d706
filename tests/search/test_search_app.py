"""Search is an app of its own: the stories app reaches it only through its signal."""

import ast
from pathlib import Path

import newsdesk.stories
from newsdesk.search.models import SearchDocument
from newsdesk.search.query import search
from tests.site.conftest import ferry_strike_story


def test_the_stories_app_imports_neither_search_nor_site():
    imported = set()
    for path in Path(newsdesk.stories.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add((path.name, node.module))
            elif isinstance(node, ast.Import):
                imported.update((path.name, alias.name) for alias in node.names)
    assert ("services.py", "newsdesk.stories.signals") in imported
    assert not [
        (name, module)
        for name, module in imported
        if module.split(".")[:2] in (["newsdesk", "search"], ["newsdesk", "site"])
    ]


def test_a_story_written_by_the_stories_app_is_indexed_through_its_signal(db):
    story = ferry_strike_story()
    document = SearchDocument.objects.get(story=story)
    assert document.headline == story.headline and "the Lantern" in document.outlets
    assert [h.story.pk for h in search("Skerry Point ferry").hits] == [story.pk]
