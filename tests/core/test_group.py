from datetime import UTC, datetime, timedelta

from newsdesk.core import Article, StreamGrouper

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)

PORT_A = Article(
    "a",
    "Dock workers at Port Lerma walk out over night-shift pay",
    "Dock workers at Port Lerma stopped work on Monday in a dispute over night-shift pay, "
    "leaving eleven container ships waiting in the bay.",
    outlet="NWB World",
    published=T0,
)
PORT_B = Article(
    "b",
    "Eleven ships stuck as Port Lerma strike begins",
    "A strike by dock workers over night-shift pay has halted Port Lerma, with eleven "
    "container ships anchored in the bay on Monday.",
    outlet="the Lantern",
    published=T0 + timedelta(hours=2),
)
CUP = Article(
    "c",
    "Volta Queens lift the Champions Cup",
    "Volta Queens beat Atlantique FC 2-1 in the final of the Champions Cup on Sunday evening.",
    outlet="KTR News",
    published=T0 + timedelta(hours=3),
)


def test_two_reports_of_one_event_join_and_another_event_starts_its_own_story():
    grouper = StreamGrouper()
    assert [grouper.add(a) for a in (PORT_A, PORT_B, CUP)] == ["a", "a", "c"]


def test_a_wire_copy_under_a_new_headline_is_folded_into_the_original():
    copy = Article(
        "copy",
        "Completely different headline for syndication",
        PORT_A.text,
        outlet="MetroDaily",
        published=T0 + timedelta(hours=1),
    )
    grouper = StreamGrouper()
    grouper.add(PORT_A)
    assert grouper.add(copy) == "a"


def test_a_story_goes_cold_after_the_window():
    grouper = StreamGrouper(window=timedelta(hours=24))
    grouper.add(PORT_A)
    late = Article("late", PORT_B.title, PORT_B.text, published=T0 + timedelta(days=3))
    assert grouper.add(late) == "late"
    assert "a" not in grouper.live


def test_headline_only_and_undated_articles_are_handled():
    grouper = StreamGrouper()
    first = grouper.add(Article("x", "Port Lerma strike: ships wait in bay"))
    assert first == "x"
    assert grouper.add(Article("y", "")) == "y"
