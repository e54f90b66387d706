"""A story's tags from the sums of its articles' evidence: the same as tagging the articles.

Each article's part (``article_evidence``) is computed once and kept; a story's totals are
the parts summed (``StoryEvidence``), stored as JSON and added to as articles join, in any
order. These tests hold the sums to ``tag_story`` on the same articles.
"""

import json
import random
from pathlib import Path

import pytest

from newsdesk import limits
from newsdesk.core import entities, tag
from newsdesk.core.jsonl import read_articles
from newsdesk.core.tag import article_evidence, tag_from_evidence, tag_story
from newsdesk.core.tag_evidence import StoryEvidence, sum_evidence

TESTDATA = Path(__file__).parent / "testdata"
STORIES = sorted(p.name for p in TESTDATA.glob("tags_*.jsonl"))


def articles_of(name):
    with (TESTDATA / name).open(encoding="utf-8") as lines:
        return list(read_articles(lines))


def described(tags):
    return [(t.name, t.kind, t.cue, t.forms) for t in tags]


@pytest.mark.parametrize("name", STORIES)
def test_tags_from_stored_totals_added_in_any_order_equal_tags_from_the_articles(name):
    articles = articles_of(name)
    brief = [articles[0].title]
    expected = described(tag_story(articles, 20, brief=brief).tags)
    parts = [json.loads(json.dumps(article_evidence(a))) for a in articles]
    shuffled = list(enumerate(parts))
    random.Random(name).shuffle(shuffled)
    totals = StoryEvidence()
    for number, part in shuffled:
        # Stored and read back between additions, as a story's totals are.
        totals = StoryEvidence.from_json(json.loads(json.dumps(totals.to_json())))
        totals.add(part, (number,))
    assert described(tag_from_evidence(totals, 20, brief=brief)) == expected


def test_a_story_is_tagged_from_the_sum_of_its_articles_parts():
    articles = articles_of("tags_sahel_places_read_as_people.jsonl")
    parts = [(article_evidence(a), (i,)) for i, a in enumerate(articles)]
    assert tag_from_evidence(sum_evidence(parts)) == tag_story(articles).tags
    # Part of the story: the totals of part of the articles, not the whole story's tags.
    first = sum_evidence(parts[:1])
    assert first.articles == 1 and tag_from_evidence(first) == tag_story(articles[:1]).tags


def test_an_article_part_is_read_once_and_needs_no_model_to_be_summed(monkeypatch):
    articles = articles_of("tags_surnames_and_titles.jsonl")
    parts = [(article_evidence(a), (i,)) for i, a in enumerate(articles)]
    expected = tag_story(articles).tags

    def no_model(texts):
        raise AssertionError("the totals were made from text again")

    monkeypatch.setattr(tag, "analyse", no_model)
    monkeypatch.setattr(entities, "analyse", no_model)
    assert tag_from_evidence(sum_evidence(parts)) == expected


def test_totals_of_another_version_are_not_read():
    assert StoryEvidence.from_json({"version": -1}) is None
    assert StoryEvidence.from_json({}) is None


def test_only_the_most_mentioned_names_are_ranked(monkeypatch):
    articles = articles_of("tags_sahel_places_read_as_people.jsonl")
    evidence = sum_evidence((article_evidence(a), (i,)) for i, a in enumerate(articles))
    most = sorted(evidence.names.values(), key=lambda n: (-n.mentions, n.first))[:2]
    monkeypatch.setattr(limits, "MAX_TAG_CANDIDATES", 2)
    tags = [t for t in tag_from_evidence(evidence, 20) if t.kind != "topic"]
    assert 0 < len(tags) <= 2
    assert {t.name for t in tags} <= {n.canonical or max(n.names) for n in most}
