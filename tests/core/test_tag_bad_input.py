"""Bad input has defined behaviour and raises nothing: empty, all-caps, nameless, very long,
non-English and strange text."""

import pytest

from newsdesk.core import ArticleText, tag_story
from newsdesk.core.entities import MAX_TAG_CHARS, looks_english, recase
from newsdesk.core.tag import find_entities


@pytest.mark.parametrize(
    "text", ["", "   \n\n  ", "!!! ??? ...", "12 34 1996-08-30", "\u200b\ufeff"]
)
def test_text_with_nothing_in_it_gives_nothing(text):
    tagging = tag_story([ArticleText("1", "", text)])
    assert tagging.tags == []
    assert tagging.entities == {"1": []}


def test_no_articles_gives_an_empty_tagging():
    tagging = tag_story([])
    assert tagging.tags == [] and tagging.entities == {}


def test_all_caps_text_is_read_recased_and_spans_point_into_the_original():
    text = "NIGER, BURKINA FASO AND MALI LEFT ECOWAS, US ENVOY NICK CHECKER TOLD THE BBC IN BAMAKO"
    spans = find_entities(text)
    for span in spans:
        assert text[span.start : span.end] == span.text
    found = {(s.text, s.label) for s in spans}
    assert {("NIGER", "LOC"), ("BURKINA FASO", "LOC"), ("MALI", "LOC"), ("BAMAKO", "LOC")} <= found
    assert {("ECOWAS", "ORG"), ("BBC", "ORG"), ("NICK CHECKER", "PER")} <= found


def test_recasing_keeps_every_offset_and_known_acronyms():
    text = "LEADERS OF ECOWAS MEET IN BAMAKO. İSTANBUL TALKS END. The BBC said so."
    recased = recase(text)
    assert len(recased) == len(text)
    assert recased.startswith("Leaders of ECOWAS Meet in Bamako.")
    assert recased.endswith("The BBC said so.")  # ordinary text is left alone


def test_a_very_long_text_is_read_up_to_the_cap_only():
    filler = "The grain harvest was late again this year and the river levels rose. "
    # Names only after the cap: the tagger never reads them.
    text = (
        filler * (MAX_TAG_CHARS // len(filler) + 1)
        + "Officials in Bamako met the UN envoy. " * 5000
    )
    assert len(text) > 10 * MAX_TAG_CHARS
    tagging = tag_story([ArticleText("1", "", text)])
    assert tagging.entities["1"] == []
    assert [t.name for t in tagging.tags] == ["Grain harvest", "River levels"]


@pytest.mark.parametrize(
    "text, english",
    [
        ("The envoy said the talks would resume in Bamako after the holiday.", True),
        ("Le Mali et le Niger ont quitté la CEDEAO, a annoncé le gouvernement.", False),
        (
            "Die Regierung hat am Dienstag angekündigt, dass die Brücke und die Straße schließen.",
            False,
        ),
        ("El gobierno dijo que los precios y las tarifas suben por la crisis.", False),
        ("Новый мост через реку открыли во вторник.", False),
        ("Celtic 3 Rangers 1 ; Hearts 0 Hibernian 0 ; Aberdeen 2 Motherwell 2", True),
        ("SOCCER - RESULTS OF THE LEAGUE GAMES PLAYED ON SATURDAY", True),
        ("The United States beat El Salvador in Los Angeles on Friday.", True),
    ],
)
def test_language_check(text, english):
    assert looks_english(text) is english


def test_mixed_junk_raises_nothing():
    text = "Ünïcödé 😀 <b>Bamako</b> \x00\x07 \t Mali\u2028Niger ‐ ‑ — “ECOWAS” ’s 's"
    tagging = tag_story([ArticleText("1", "😀", text)])
    for span in tagging.entities["1"]:
        assert text[span.start : span.end] == span.text
    assert {"Mali", "Niger", "ECOWAS"} <= {t.name for t in tagging.tags}
