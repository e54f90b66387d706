"""Bad input to grouping: each case has a defined behaviour (documented in group.py) and none
raises."""

from datetime import UTC, datetime, timedelta

from newsdesk.core import ArticleText
from newsdesk.core.group import FUTURE_TOLERANCE, StoryCandidate, StoryMatcher, StreamGrouper
from newsdesk.core.group_features import LEAD_CHARS, article_features

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
T0 = NOW - timedelta(hours=4)
STRIKE = "Dock workers at Port Lerma walk out over night-shift pay"
STRIKE_BODY = (
    "Dock workers at Port Lerma stopped work on Monday in a dispute over night-shift pay, "
    "leaving eleven container ships waiting in the bay, the union and the port authority said."
)


def grouper(**kwargs) -> StreamGrouper:
    return StreamGrouper(now=lambda: NOW, **kwargs)


def test_empty_title_and_text_start_their_own_story_and_attract_nothing():
    g = grouper()
    assert g.add(ArticleText("empty", "", "", published=T0)) == "empty"
    assert article_features(ArticleText("x", "   ", "\n\n")).terms == {}
    assert g.add(ArticleText("also-empty", "", "", published=T0)) == "also-empty"
    assert g.add(ArticleText("s", STRIKE, STRIKE_BODY, published=T0)) == "s"


def test_a_title_alone_joins_the_story_its_headline_matches():
    g = grouper()
    g.add(ArticleText("s", STRIKE, STRIKE_BODY, published=T0))
    assert g.add(ArticleText("h", "Port Lerma dock workers strike over night-shift pay")) == "s"
    assert g.last_decision.reason == "neighbours"


def test_a_one_megabyte_article_is_read_only_to_its_lead():
    huge = STRIKE_BODY + " " + ("More words about the strike and the port. " * 25_000)
    assert len(huge) > 1_000_000
    capped = article_features(ArticleText("h", STRIKE, huge))
    assert capped == article_features(ArticleText("h", STRIKE, huge[:LEAD_CHARS]))
    g = grouper()
    g.add(ArticleText("s", STRIKE, STRIKE_BODY, published=T0))
    assert g.add(ArticleText("h", STRIKE, huge, published=T0)) == "s"


def test_non_english_text_is_grouped_by_its_own_words():
    greek = "Απεργία στο λιμάνι της Λέρμα: έντεκα πλοία περιμένουν στον κόλπο"
    chinese = "莱尔马港码头工人罢工，十一艘集装箱船在海湾等待"
    g = grouper()
    assert g.add(ArticleText("el", greek, greek + ". " + greek, published=T0)) == "el"
    assert g.add(ArticleText("zh", chinese, chinese, published=T0)) == "zh"
    assert g.add(ArticleText("el2", greek + " - ΕΡΤ", "", published=T0)) == "el"
    assert g.add(ArticleText("en", STRIKE, STRIKE_BODY, published=T0)) == "en"


def test_identical_timestamps_are_taken_in_arrival_order():
    articles = [
        ArticleText("a", STRIKE, STRIKE_BODY, published=T0),
        ArticleText("b", "Eleven ships wait as Port Lerma dock strike begins", published=T0),
        ArticleText("c", "Volta Queens lift the Champions Cup", published=T0),
    ]
    first, second = grouper(), grouper()
    assert [first.add(a) for a in articles] == ["a", "a", "c"]
    assert [second.add(a) for a in reversed(articles)] == ["c", "b", "b"]


def test_a_date_in_the_future_is_taken_as_arriving_now_and_expires_nothing():
    g = grouper(window=timedelta(hours=24))
    g.add(ArticleText("s", STRIKE, STRIKE_BODY, published=T0))
    typo_year = ArticleText(
        "f", "Volta Queens lift the Champions Cup", published=T0.replace(year=2062)
    )
    assert typo_year.published > NOW + FUTURE_TOLERANCE
    assert g.add(typo_year) == "f"
    assert g.clock == T0 and "s" in g.live
    assert g.live["f"].last_published == T0
    # Within the tolerance (a feed a few hours ahead of UTC) a date is believed.
    g.add(ArticleText("soon", "Port Lerma strike talks resume", published=NOW + timedelta(hours=3)))
    assert g.clock == NOW + timedelta(hours=3)


def test_missing_dates_arrive_at_the_stream_clock_and_naive_dates_are_utc():
    g = grouper(window=timedelta(hours=24))
    assert (
        g.add(ArticleText("undated-first", "Volta Queens lift the Champions Cup"))
        == "undated-first"
    )
    assert g.clock is None
    g.add(ArticleText("s", STRIKE, STRIKE_BODY, published=T0))
    assert g.add(ArticleText("u", "Port Lerma dock workers strike over night-shift pay")) == "s"
    assert g.live["s"].last_published == T0
    naive = ArticleText("n", "Port Lerma strike: ships wait", published=T0.replace(tzinfo=None))
    assert g.add(naive) == "s"


def test_the_stateless_matcher_takes_no_candidates_and_undated_ones():
    matcher = StoryMatcher()
    assert matcher.match(ArticleText("x", STRIKE), []) is None
    undated = StoryCandidate("u")
    undated.add(ArticleText("a", STRIKE, STRIKE_BODY))
    assert undated.last_published is None
    assert matcher.match(ArticleText("b", STRIKE + " - NWB"), [undated]) == "u"
