"""A story is one event (issue 24): fixtures of invented events, each file named after its case.

Each fixture is grouped after a day of other invented news (``events_background_day.jsonl``:
councils, clinics, fires, crashes, a president opening schools), so the live window has the
shape of a real one: theme words ("vaccine", "killed", "crash", "President Alvaro Renn") are
everywhere in it, and only the particulars of a happening tell it from the others.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsdesk.core import ArticleText, StoryMatcher, StreamGrouper, group_events
from newsdesk.core.group import EventTest, StoryCandidate
from newsdesk.core.group_events import (
    HOME_MIN,
    MIN_WINDOW_ARTICLES,
    EventSummary,
    Mark,
    Newcomer,
    WindowTerms,
    series_words,
)
from newsdesk.core.group_features import articles_features, headline_shape, named_countries
from newsdesk.core.jsonl import read_articles
from newsdesk.core.text import _stem

TESTDATA = Path(__file__).parent / "testdata"


def articles(name: str) -> list:
    with (TESTDATA / name).open(encoding="utf-8") as handle:
        return list(read_articles(handle))


def stories_of(name: str, matcher: StoryMatcher | None = None) -> list[set[str]]:
    """The fixture's articles grouped after the background day, as sets of ids."""
    fixture = articles(name)
    background = articles("events_background_day.jsonl")
    # The background ends the evening before the fixture's first article.
    shift = (
        fixture[0].published.replace(hour=0, minute=0)
        - background[0].published.replace(hour=0, minute=0)
        - timedelta(days=1)
    )
    background = [replace(a, published=a.published + shift) for a in background]
    grouper = StreamGrouper(matcher, now=lambda: datetime(2030, 1, 1, tzinfo=UTC))
    grouper.add_many(background)
    keys = {a.id: grouper.add(a) for a in fixture}
    groups: dict[str, set[str]] = {}
    for article_id, key in keys.items():
        groups.setdefault(grouper.story_key(key), set()).add(article_id)
    return sorted(groups.values(), key=sorted)


def test_two_vaccine_announcements_in_the_same_hours_stay_apart():
    assert stories_of("events_two_vaccine_announcements.jsonl") == [
        {"booster-1", "booster-2"},
        {"malaria-1", "malaria-2"},
    ]


def test_two_fatal_crashes_in_the_same_hours_stay_apart():
    assert stories_of("events_two_fatal_crashes.jsonl") == [
        {"bus-1", "bus-2"},
        {"plane-1", "plane-2"},
    ]


def test_one_president_on_two_subjects_makes_two_stories():
    # The background's own statements by the president share the name and the weekday; the
    # name counts once and the weekday not at all, so none of them is one event with another.
    assert stories_of("events_one_president_two_subjects.jsonl") == [
        {"flood-1", "flood-2"},
        {"tariff-1", "tariff-2"},
    ]


def test_one_event_told_in_different_words_by_three_outlets_is_one_story():
    assert stories_of("events_one_event_three_outlets.jsonl") == [{"dam-1", "dam-2", "dam-3"}]


def test_a_chain_does_not_merge_its_two_ends():
    # B reports both A's event and C's: C may not join A through B.
    stories = stories_of("events_chain_a_b_c.jsonl")
    assert not any({"a-mayor", "c-ferry"} <= story for story in stories)


def test_a_term_the_whole_window_carries_weighs_less_than_a_particular_one():
    window = WindowTerms()
    for n in range(60):
        window.add({"vaccin": 1.0, f"place{n}": 1.0})
    assert window.weight("vaccin") < 0.1 * window.weight("place7")
    window.remove({"vaccin": 1.0})
    assert window.counts["vaccin"] == 59 and window.size == 59


@pytest.mark.parametrize("size", [1, MIN_WINDOW_ARTICLES - 1])
def test_a_small_window_weighs_every_term_alike(size):
    window = WindowTerms()
    for _ in range(size):
        window.add({"vaccin": 1.0})
    assert window.weight("vaccin") == window.weight("unseen") == 1.0


def test_agreement_is_with_the_story_not_its_nearest_member():
    window = WindowTerms()
    summary = EventSummary()
    mayor, ferry = {"mayor": 1.0, "audit": 1.0}, {"ferry": 1.0, "dock": 1.0}
    summary.update([mayor, mayor | ferry, ferry])
    # Like the last two members but nothing like the story's first: the chain's far end.
    assert summary.agreement(Newcomer(ferry), window, 0.15) == 0.0
    assert summary.agreement(Newcomer(mayor | ferry), window, 0.15) == 1.0
    # One shared word is not an event, however large its share of two short vectors: only the
    # member carrying both of the newcomer's words agrees with it.
    newcomer = Newcomer({"mayor": 1.0, "ferry": 1.0})
    assert summary.agreement(newcomer, window, 0.15) == pytest.approx(1 / 3)


def test_the_event_test_can_be_switched_off_for_theme_stories(monkeypatch):
    # NEWSDESK_GROUP_EVENTS=0: stories are themes again, as the UCI and WikiRef220 gold is.
    monkeypatch.setenv("NEWSDESK_GROUP_EVENTS", "0")
    stories = stories_of("events_two_vaccine_announcements.jsonl")
    assert any({"malaria-1", "booster-1"} <= story for story in stories)


def live_story(key: str, members: list) -> StoryCandidate:
    story = StoryCandidate(key)
    for features in articles_features(members):
        story.add_features(features)
    return story


def test_two_stories_that_are_halves_of_one_event_are_merge_partners():
    # The pact, then an ally's fury at it, started apart: once each story holds a few
    # reports, their summed particulars (the accord, the boats, the countries) show one event;
    # the president's flood visit, in the same hours, shares only a theme with them.
    halves = {a.id: a for a in articles("events_two_halves_of_one_event.jsonl")}
    accord = live_story("accord", [halves[f"accord-{n}"] for n in (1, 2, 3)])
    fury = live_story("fury", [halves[f"fury-{n}"] for n in (1, 2, 3)])
    president = {a.id: a for a in articles("events_one_president_two_subjects.jsonl")}
    flood = live_story("flood", [president["flood-1"], president["flood-2"]])
    window = WindowTerms.of(
        f.terms for f in articles_features(articles("events_background_day.jsonl"))
    )
    for story in (accord, fury, flood):
        for member in story.members:
            window.add(member.terms)
    matcher = StoryMatcher()
    assert matcher.merge_partner(fury, [flood, accord], window) is accord
    assert matcher.merge_partner(flood, [accord, fury], window) is None
    # Off with the event test, and for a story of one report.
    off = StoryMatcher(events=EventTest(merge_floor=None))
    assert off.merge_partner(fury, [accord], window) is None
    single = live_story("single", [halves["fury-1"]])
    assert matcher.merge_partner(single, [accord], window) is None


def test_a_merged_story_keeps_the_larger_key_and_earlier_keys_lead_to_it():
    halves = articles("events_two_halves_of_one_event.jsonl")
    grouper = StreamGrouper(now=lambda: datetime(2030, 1, 1, tzinfo=UTC))
    grouper.live["accord"] = live_story("accord", halves[:3])
    grouper.live["fury"] = live_story("fury", halves[3:5])
    kept = grouper._merge(grouper.live["fury"], grouper.live["accord"])
    assert kept == "accord" and list(grouper.live) == ["accord"]
    assert grouper.story_key("fury") == grouper.story_key("accord") == "accord"
    merged = grouper.live["accord"]
    assert len(merged.members) == 5
    # The merged story's first member is the earliest report: the event test's anchor.
    assert merged.members[0].id == "accord-1"


def test_a_channels_dated_episodes_are_not_one_story():
    # A broadcaster's feed titles each day's shows "<show> | <channel> (<date>)" with no text
    # of their own: they share the channel's name and nothing else, and are no one event.
    days = [datetime(2026, 7, day, 6, tzinfo=UTC) for day in (1, 2, 3)]
    episodes = [
        ArticleText(f"{show}-{n}", f"{show} | Radyo Norte ({day:%d %B %Y})", "", published=day)
        for n, day in enumerate(days)
        for show in ("Umaga", "Balita")
    ]
    grouper = StreamGrouper(now=lambda: datetime(2030, 1, 1, tzinfo=UTC))
    keys = [grouper.story_key(grouper.add(episode)) for episode in episodes]
    assert len(set(keys)) == len(episodes)
    # A news item of the same channel is grouped as any report is.
    news = [
        ArticleText(
            f"news-{n}",
            "Ferry Aurelia runs aground off Carvel harbour, 40 passengers rescued",
            "The ferry Aurelia ran aground off Carvel harbour on Wednesday and coastguards "
            "rescued all 40 passengers, Radyo Norte reported.",
            published=days[2],
        )
        for n in (1, 2)
    ]
    assert len({grouper.story_key(grouper.add(a)) for a in news}) == 1


def test_a_story_that_holds_two_events_is_split_and_one_event_in_two_ways_is_not():
    president = {a.id: a for a in articles("events_one_president_two_subjects.jsonl")}
    halves = {a.id: a for a in articles("events_two_halves_of_one_event.jsonl")}
    window = WindowTerms.of(
        f.terms for f in articles_features(articles("events_background_day.jsonl"))
    )
    # The president's tariff and his flood visit, in one story by the known limit above.
    mixed = live_story(
        "mixed", [president[k] for k in ("tariff-1", "flood-1", "tariff-2", "flood-2")]
    )
    # The pact and the fury at it: two groups of reports too, but one event.
    one = live_story(
        "one", [halves[f"{part}-{n}"] for part in ("accord", "fury") for n in (1, 2, 3)]
    )
    for story in (mixed, one):
        for member in story.members:
            window.add(member.terms)
    matcher = StoryMatcher()
    # The second group (the flood, joined after the tariff) is the one to move.
    assert [mixed.members[i].id for i in matcher.event_split(mixed, window)] == [
        "flood-1",
        "flood-2",
    ]
    assert matcher.event_split(one, window) is None


def test_a_split_keeps_the_key_for_the_larger_part_and_moved_articles_lead_to_theirs():
    president = {a.id: a for a in articles("events_one_president_two_subjects.jsonl")}
    grouper = StreamGrouper(now=lambda: datetime(2030, 1, 1, tzinfo=UTC))
    story = live_story(
        "tariff-1", [president[k] for k in ("tariff-1", "flood-1", "tariff-2", "flood-2")]
    )
    grouper.live["tariff-1"] = story
    assert grouper._split(story, [1, 3], "flood-2") == "flood-1"
    assert [m.id for m in grouper.live["tariff-1"].members] == ["tariff-1", "tariff-2"]
    assert [m.id for m in grouper.live["flood-1"].members] == ["flood-1", "flood-2"]
    assert grouper.story_key("tariff-1", "flood-2") == "flood-1"
    assert grouper.story_key("tariff-1", "tariff-2") == "tariff-1"


def test_two_reports_in_another_language_do_not_join_on_its_grammar_words():
    # Tagalog's "ng", "sa", "mga", "ang" read as rare words to English word frequencies; two
    # unrelated reports of one channel would share them as one event shares its names.
    assert stories_of("events_two_reports_in_tagalog_on_one_channel.jsonl") == [
        {"motor-1", "motor-2"},
        {"tubig-1", "tubig-2"},
    ]
    features = articles_features(articles("events_two_reports_in_tagalog_on_one_channel.jsonl"))
    assert not {"ng", "sa", "mga", "ang"} & set(features[0].terms)
    assert {"pandayan", "tubig"} <= set(features[0].terms)


def test_an_english_report_keeps_its_foreign_names_whole():
    (features,) = articles_features(
        [
            ArticleText(
                "la",
                "Fire near Los Angeles",
                "Crews from Los Angeles and San Diego fought the fire at La Canada, de Vries said.",
            )
        ]
    )
    assert {"los", "la", "de"} <= set(features.terms)


def test_short_reports_that_share_a_single_word_stay_apart():
    # Each pair's event cosine is that one word's, well above the floor in texts this short.
    assert stories_of("events_two_reports_that_share_one_word.jsonl") == [
        {"jab-airline"},
        {"jab-nurse"},
        {"jab-shop"},
    ]


def test_two_protests_on_one_theme_in_two_countries_stay_apart():
    # Same hours, same words (anti-lockdown, police, arrested, Saturday); Melbourne is in
    # Australia and Berlin in Germany.
    assert stories_of("events_two_protests_in_two_countries.jsonl") == [
        {"berlin-1", "berlin-2"},
        {"melbourne-1", "melbourne-2"},
    ]


def agreement_with_one_member(member: dict[str, float], newcomer: Newcomer) -> float:
    """The event test's agreement of ``newcomer`` with a story of ``member`` alone, in a window
    too small to weigh terms (every term weighs alike)."""
    summary = EventSummary()
    summary.update([member])
    return summary.agreement(newcomer, WindowTerms(), 0.15)


def test_the_words_of_one_name_count_once_among_shared_terms():
    member = {"marta": 1.0, "quill": 1.0, "flood": 1.0}
    terms = {"marta": 1.0, "quill": 1.0, "bridge": 1.0}
    assert agreement_with_one_member(member, Newcomer(terms)) == 1.0
    one_name = Newcomer(terms, names={"marta": 0, "quill": 0})
    assert agreement_with_one_member(member, one_name) == 0.0


def test_words_saying_where_count_in_the_cosine_not_among_shared_particulars():
    member = {"pakistan": 1.0, "islamabad": 1.0, "chess": 1.0}
    terms = {"pakistan": 1.0, "islamabad": 1.0, "cricket": 1.0}
    assert agreement_with_one_member(member, Newcomer(terms)) == 1.0
    where = Newcomer(terms, where=frozenset({"pakistan", "islamabad"}))
    assert agreement_with_one_member(member, where) == 0.0


def test_a_month_says_when_and_is_no_shared_particular():
    member = {"june": 1.0, "school": 1.0, "pupil": 1.0}
    assert agreement_with_one_member(member, Newcomer({"june": 1.0, "school": 1.0})) == 0.0
    assert agreement_with_one_member(member, Newcomer({"pupil": 1.0, "school": 1.0})) == 1.0


def test_the_words_saying_where_are_countries_capitals_and_demonyms_possessives_folded():
    features = articles_features(
        [
            ArticleText(
                "w",
                "Afghanistan's chess girls reach Islamabad",
                "Twelve Afghan players reached Islamabad and then Lahore on Thursday.",
            )
        ]
    )[0]
    assert "afghanistan" in features.terms and "afghanistan'" not in features.terms
    # A country, its demonym and a capital say where; a city that is no capital is a particular.
    assert {"afghanistan", "afghan", "islamabad"} <= set(features.where)
    assert "lahor" not in features.where and "lahor" in features.terms
    assert set(features.places) == {"AF", "PK"}


def test_a_persons_title_is_no_shared_particular():
    member = {"dr": 1.0, "fauci": 1.0, "hear": 1.0}
    names = {"fauci": 0}
    assert agreement_with_one_member(member, Newcomer({"dr": 1.0, "fauci": 1.0}, names)) == 0.0
    assert agreement_with_one_member(member, Newcomer({"hear": 1.0, "fauci": 1.0}, names)) == 1.0


def test_a_seat_of_government_says_where():
    features = articles_features(
        [ArticleText("s", "White House staff ordered to wear masks", "Aides told to cover up.")]
    )[0]
    assert features.places == ("US",)
    assert {"whit", "hous"} <= set(features.where)
    assert named_countries("Kremlin rejects Downing Street claim") == ("GB", "RU")


def test_a_number_with_a_thousands_separator_is_one_term():
    features = articles_features(
        [ArticleText("n", "Flood forces 3,000 from homes", "About 3,000 people left Carvel.")]
    )[0]
    assert "3000" in features.terms
    assert "000" not in features.terms


def test_an_outlets_recurring_titles_and_standing_blurb_join_nothing_but_its_event_kicker_does():
    # One outlet's cartoon series shares its title ("The latest cartoons from artist ..."),
    # its daily live pages share their standing description word for word: neither is one
    # event. Its follow-ups under an event's name share that event's other words too.
    assert stories_of("events_an_outlets_recurring_titles.jsonl") == [
        {"cartoon-moor"},
        {"cartoon-oduya"},
        {"cartoon-vance"},
        {"festival-1", "festival-2"},
        {"live-library"},
        {"live-pilots"},
    ]


def test_one_theme_in_two_countries_named_by_no_report_is_two_events(monkeypatch):
    # Two city papers, each writing mostly of its own country: one reports a mask rule on
    # buses, the other fines at markets. Neither names a country; they share only "wear
    # masks" (an event cosine under HOME_FLOOR). Their outlets' homes tell them apart.
    def masks() -> list[set[str]]:
        stories = stories_of("events_one_theme_in_two_countries.jsonl")
        return [s for s in stories if any(i.startswith("masks") for i in s)]

    assert masks() == [{"masks-buses", "masks-buses-2"}, {"masks-markets"}]
    monkeypatch.setattr(group_events, "HOME_FLOOR", 0.0)  # the homes unread: one story
    assert masks() == [{"masks-buses", "masks-buses-2", "masks-markets"}]


def test_an_outlets_home_is_the_country_most_of_its_placed_reports_name():
    window = WindowTerms()
    for n in range(HOME_MIN):
        window.add({f"t{n}": 1.0}, "Lagoon Courier", ("NZ",) if n % 3 else ("AU",))
        window.add({f"u{n}": 1.0}, "Wire", (("US", "GB", "FR", "CN")[n % 4],))
    assert window.home("Lagoon Courier") == "NZ"
    assert window.home("Wire") is None  # no country in HOME_SHARE of its reports
    assert window.where(Mark("Lagoon Courier", None, ())) == {"NZ"}
    assert window.where(Mark("Lagoon Courier", None, (), places=("FR",))) == {"FR"}
    # A placeless report from a home and one naming one other country happen apart; one
    # naming several countries is of an event between them, which a home cannot place.
    placeless = Newcomer({}, mark=Mark("Lagoon Courier", None, ()))
    assert group_events._apart_in_place(placeless, Mark("Wire", None, (), places=("FR",)), window)
    between = Mark("Wire", None, (), places=("FR", "US"))
    assert not group_events._apart_in_place(placeless, between, window)
    window.remove({"t0": 1.0}, "Lagoon Courier", ("AU",))
    assert window.home("Lagoon Courier") is None  # under HOME_MIN placed reports now


def test_series_words_are_the_common_opening_or_closing_of_one_outlets_titles():
    def mark(title: str, outlet: str = "Harbour Times") -> Mark:
        return Mark(outlet, None, headline_shape(title))

    cartoons = mark("The latest cartoons from artist Ada Moor")
    assert series_words(cartoons, mark("The latest cartoons from artist Piet Vance")) >= {
        "latest",
        "artist",
    }
    assert series_words(
        mark("Cardinals: each pick of the 2026 draft"), mark("Rams: each pick of the 2026 draft")
    )
    # Another outlet's, or an event's name of two words, is no series.
    assert not series_words(cartoons, mark("The latest cartoons from artist Piet Vance", "Other"))
    assert not series_words(mark("Velmora quake: toll rises"), mark("Velmora quake: rescuers dig"))
    # One title again: a day later it is the series' next edition, within hours the same report.
    day = datetime(2026, 5, 1, tzinfo=UTC)
    briefing = Mark("Harbour Times", day, headline_shape("Evening Briefing: what happened today"))
    later = briefing._replace(published=day + timedelta(days=1))
    assert series_words(briefing, later) == {_stem(word) for word in briefing.shape}
    assert not series_words(briefing, briefing._replace(published=day + timedelta(hours=2)))
