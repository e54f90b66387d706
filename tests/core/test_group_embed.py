"""Grouping with sentence embeddings (all-MiniLM-L6-v2 int8, when installed) and without."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from newsdesk.core import ArticleText, StreamGrouper
from newsdesk.core.group import (
    EmbeddingIndex,
    EmbeddingVote,
    EventTest,
    StoryCandidate,
    StoryMatcher,
)
from newsdesk.core.group_features import (
    EMBED_DIMENSIONS,
    article_features,
    articles_features,
    dequantise,
    embedding_text,
    embeddings_enabled,
    features_from_dict,
    features_to_dict,
    quantise,
)

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)

needs_model = pytest.mark.skipif(not embeddings_enabled(), reason="MiniLM not installed")

# No content word in common: only the meaning links them.
SHARES = ArticleText("shares", "US shares fall sharply", published=T0 + timedelta(hours=1))
STOCKS = ArticleText("stocks", "Stocks tumble on Wall Street", published=T0)
CUP = ArticleText("cup", "Volta Queens win the cup final", published=T0 + timedelta(hours=2))


@needs_model
def test_a_paraphrase_with_no_shared_word_joins_through_the_embedding():
    # The embedding vote alone, without the event test (issue 24) that asks for shared
    # particulars: the likeness is in the meaning only.
    grouper = StreamGrouper(StoryMatcher(events=EventTest(floor=None, join_floor=None)))
    assert [grouper.add(a) for a in (STOCKS, SHARES, CUP)] == ["stocks", "stocks", "cup"]
    assert grouper.last_decision.reason == "new"


@needs_model
def test_by_default_a_likeness_of_theme_without_a_shared_particular_is_not_one_event():
    # "Stocks tumble" and "shares fall" may be one market day or two: nothing particular (a
    # name, a number, an index) says which, and a theme is not a story (issue 24).
    grouper = StreamGrouper()
    assert [grouper.add(a) for a in (STOCKS, SHARES, CUP)] == ["stocks", "shares", "cup"]


def test_without_embeddings_the_same_paraphrase_stays_apart(monkeypatch):
    monkeypatch.setenv("NEWSDESK_GROUP_EMBEDDINGS", "0")
    assert not embeddings_enabled()
    assert article_features(STOCKS).vector == b""
    grouper = StreamGrouper()
    assert [grouper.add(a) for a in (STOCKS, SHARES, CUP)] == ["stocks", "shares", "cup"]


@needs_model
def test_features_carry_the_embedding_and_survive_storage():
    features = article_features(STOCKS)
    assert len(features.vector) == EMBED_DIMENSIONS
    stored = features_to_dict(features)
    assert isinstance(stored["vector"], str) and len(stored["vector"]) == 512  # base64 of 384
    assert features_from_dict(stored) == features
    vector = features.embedding()
    assert vector is not None and abs(float(np.linalg.norm(vector)) - 1) < 1e-5


def test_a_damaged_stored_vector_is_dropped_not_raised():
    features = replace(article_features(CUP, vector=b""), vector=bytes(range(128)) * 3)
    stored = features_to_dict(features)
    for damaged in ("not base64!", stored["vector"][:100], 12, None):
        assert features_from_dict(stored | {"vector": damaged}).vector == b""


def test_quantised_codes_keep_the_cosine():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(2, EMBED_DIMENSIONS)).astype(np.float32)
    a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
    b = 0.7 * a + 0.3 * b
    b /= np.linalg.norm(b)
    exact = float(a @ b)
    approx = float(dequantise(quantise(a)) @ dequantise(quantise(b)))
    assert abs(exact - approx) < 0.01
    assert quantise(np.zeros(EMBED_DIMENSIONS)) == b"" and dequantise(b"") is None


def test_the_embedded_text_is_the_headline_and_a_short_lead():
    long_body = " ".join(f"word{i}" for i in range(5000))
    text = embedding_text(ArticleText("x", "Headline here", long_body, outlet="Paper"))
    assert text.startswith("Headline here. word0 word1")
    assert "word15" in text and "word16" not in text
    assert embedding_text(ArticleText("y", "", "")) == ""


@needs_model
def test_batched_features_decide_as_one_at_a_time():
    stream = [STOCKS, SHARES, CUP] + [
        ArticleText(f"n{i}", title, published=T0 + timedelta(hours=3 + i))
        for i, title in enumerate(
            (
                "Dow Jones slides as investors sell",
                "Cup final: Volta Queens beat Atlantique",
                "Powerful earthquake hits northern Chile",
                "Chile quake: tsunami warning lifted",
            )
        )
    ]
    one, many = StreamGrouper(), StreamGrouper()
    assert [one.add(a) for a in stream] == many.add_many(stream)
    batched = articles_features(stream)
    single = [article_features(a) for a in stream]
    for left, right in zip(batched, single, strict=True):
        cosine = float(left.embedding() @ right.embedding())
        assert cosine > 0.999  # padding in a batch moves an int8 code at most


@needs_model
def test_a_live_article_without_an_embedding_still_votes_on_its_words():
    old = StoryCandidate("old")
    old.add_features(article_features(ArticleText("o", "Port Lerma strike ends"), vector=b""))
    decision = StoryMatcher().decide(
        ArticleText("n", "Port Lerma strike ends after five days"), [old]
    )
    assert decision.key == "old"


@needs_model
def test_the_index_holds_only_live_articles():
    grouper = StreamGrouper(window=timedelta(hours=24))
    for day in range(20):
        for i, article in enumerate((STOCKS, SHARES, CUP)):
            grouper.add(
                ArticleText(f"{day}-{i}", article.title, published=T0 + timedelta(days=day))
            )
        live_members = sum(len(c.vector_members) for c in grouper.live.values())
        assert grouper.index.size == live_members <= 6
    assert EmbeddingIndex.of(grouper.live.values()).size == grouper.index.size


def _unit(vector: np.ndarray) -> np.ndarray:
    return (vector / np.linalg.norm(vector)).astype(np.float32)


def _story_of(key: str, vectors: list[np.ndarray]) -> StoryCandidate:
    story = StoryCandidate(key)
    for i, vector in enumerate(vectors):
        # Distinct made-up headlines: no term overlap, so only the vectors decide.
        title = f"{key}{i} zqx{key}{i}"
        story.add_features(
            article_features(ArticleText(f"{key}-{i}", title), vector=quantise(vector))
        )
    return story


def test_a_story_won_by_one_look_alike_must_also_be_close_on_average():
    """One member of a broad story looks like the newcomer; the other five are about something
    else: the vote alone would take it, the mean floor (HYBRID_STORY_MEAN_FLOOR) refuses."""
    rng = np.random.default_rng(7)
    newcomer = _unit(rng.normal(size=EMBED_DIMENSIONS))
    noise = [rng.normal(size=EMBED_DIMENSIONS) for _ in range(5)]
    noise = [_unit(n - (n @ newcomer) * newcomer) for n in noise]  # about something else
    look_alike = _unit(newcomer + 0.3 * noise[0])
    broad = _story_of("broad", [look_alike, *noise])
    assert broad.mean_cosine(newcomer) < 0.18 < float(look_alike @ newcomer)
    article = ArticleText("n", "qqq unrelated words")
    features = article_features(article, vector=quantise(newcomer))
    # The event test is off: these are embeddings alone, with nonsense words.
    off = {"events": EventTest(floor=None, join_floor=None)}
    no_mean_floor = EmbeddingVote(story_mean_floor=None)
    assert StoryMatcher(embedding_vote=no_mean_floor, **off).decide(
        article, [broad], features
    ).key == ("broad")
    assert StoryMatcher(**off).decide(article, [broad], features).key is None
    # A second voted story that is close as a whole is taken instead of a new story.
    close = _story_of("close", [_unit(newcomer + 0.8 * n) for n in noise[:2]])
    assert close.mean_cosine(newcomer) > 0.18
    assert StoryMatcher(**off).decide(article, [broad, close], features).key == "close"


def test_the_mean_floor_survives_forgetting_old_members():
    rng = np.random.default_rng(11)
    vectors = [_unit(rng.normal(size=EMBED_DIMENSIONS)) for _ in range(4)]
    story = StoryCandidate("s")
    for i, vector in enumerate(vectors):
        article = ArticleText(f"s-{i}", f"s{i} zqs{i}", published=T0 + timedelta(days=i))
        story.add_features(article_features(article, vector=quantise(vector)))
    story.forget_before(T0 + timedelta(days=2))
    probe = vectors[3]
    expected = float(np.mean([dequantise(quantise(v)) @ probe for v in vectors[2:]]))
    assert abs(story.mean_cosine(probe) - expected) < 1e-5
