from datetime import UTC, datetime, timedelta

from newsdesk.core import Article, brief_story
from newsdesk.core.brief import clean_headline
from newsdesk.core.text import split_sentences

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)
FIRST = Article(
    "1",
    "Floods close the coast road near Amerville - NWB World",
    "Floods closed the coast road near Amerville on Monday morning. Three villages were cut "
    "off from the regional hospital. Rain is expected to continue until Wednesday night.",
    outlet="NWB World",
    family="nwb",
    published=T0,
)
SECOND = Article(
    "2",
    "Coast road near Amerville shut as floods cut off villages",
    "Floods closed the coast road near Amerville on Monday, cutting off three villages. "
    "The mayor, Ines Carvalho, asked the army for two helicopters to reach the villages.",
    outlet="the Lantern",
    published=T0 + timedelta(hours=1),
)


def test_every_brief_sentence_is_a_verbatim_source_sentence_with_its_provenance():
    brief = brief_story([FIRST, SECOND], max_sentences=3)
    assert brief.sentences
    articles = {a.id: a for a in (FIRST, SECOND)}
    for sentence in brief.sentences:
        assert sentence.sources, sentence.text
        own = sentence.sources[0]
        source_sentences = [s.text for s in split_sentences(articles[own.id].text)]
        assert source_sentences[own.sentence_index] == sentence.text


def test_the_same_fact_from_two_outlets_appears_once_and_cites_both():
    brief = brief_story([FIRST, SECOND], max_sentences=3)
    texts = [s.text for s in brief.sentences]
    assert sum("closed the coast road" in t for t in texts) == 1
    first = brief.sentences[0]
    assert {r.id for r in first.sources} == {"1", "2"}


def test_only_in_lists_what_one_outlet_alone_reported_beyond_the_brief():
    brief = brief_story([FIRST, SECOND], max_sentences=1)
    assert any("helicopters" in fact for fact in brief.only_in["the Lantern"])
    assert all("coast road" not in fact for facts in brief.only_in.values() for fact in facts)


def test_length_options_are_respected():
    assert len(brief_story([FIRST, SECOND], max_sentences=1).sentences) == 1
    short = brief_story([FIRST, SECOND], max_sentences=10, max_words=20)
    assert sum(len(s.text.split()) for s in short.sentences) <= 20 or len(short.sentences) == 1


def test_headline_is_cleaned_of_outlet_suffix_and_clickbait_prefix():
    assert clean_headline("Floods close the coast road - NWB World", "NWB World") == (
        "Floods close the coast road"
    )
    assert clean_headline("WATCH: Floods close the coast road") == "Floods close the coast road"
    assert clean_headline("Score: 2-1 to the Queens") == "Score: 2-1 to the Queens"


def test_headline_only_story_gets_a_headline_and_no_sentences():
    brief = brief_story([Article("h", "Port Lerma reopens", "")])
    assert brief.headline == "Port Lerma reopens"
    assert brief.sentences == []


def test_a_wire_dateline_is_deleted_from_the_brief_sentence_and_nothing_added():
    wire = Article("w", "Floods", "AMERVILLE (NPA) - Floods closed the coast road on Monday.")
    sentence = brief_story([wire]).sentences[0]
    assert sentence.text == "Floods closed the coast road on Monday."
    assert sentence.text in wire.text
