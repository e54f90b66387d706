"""Deletion-only compression: what it deletes, what it must leave alone, and its contract."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.core.brief_compress import compress, is_caption, is_deletion_of, strip_prefixes

TESTDATA = Path(__file__).parent / "testdata"


def fixture_cases(name: str) -> list[dict]:
    with (TESTDATA / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def test_a_leading_and_or_but_is_deleted_and_the_rest_capitalised():
    assert compress("But his Sky employers vetoed the move after a long meeting.") == (
        "His Sky employers vetoed the move after a long meeting."
    )


def test_a_relative_clause_between_commas_is_deleted_when_a_verb_resumes():
    source = (
        "Wright, who had seven seasons at Arsenal, will hand over the trophy before travelling "
        "back into London."
    )
    expected = "Wright will hand over the trophy before travelling back into London."
    assert compress(source) == expected


def test_commas_that_are_not_an_aside_are_left_alone():
    # ", the record-breaking jockey" is not a verb resuming the sentence: deleting the
    # relative clause would make McManus the jockey.
    source = (
        "He trains Shutthefrontdoor for his patron J P McManus, who owns Jackdaws Castle and "
        "retains AP McCoy, the record-breaking jockey who is about to retire."
    )
    assert "who owns Jackdaws Castle" in compress(source)


def test_an_appositive_is_deleted_when_a_verb_resumes():
    source = "Pama, a married father of three, works a 3am shift at a nearby warehouse in Brisbane."
    assert compress(source) == "Pama works a 3am shift at a nearby warehouse in Brisbane."


def test_a_trailing_clause_that_holds_the_main_clause_is_kept():
    # Deleting ", as events unfolded ..., he was projected ..." once left "... but at one point."
    source = (
        "The Englishman got in due to staying in the world's top 50 but at one point, as events "
        "unfolded in Morocco, he was projected to fall to 54th."
    )
    assert "projected to fall to 54th" in compress(source)


def test_nothing_inside_a_quotation_is_deleted():
    source = "He said: “I had a taste of it (management) at Hearts and enjoyed it,” he added."
    assert "(management)" in compress(source)
    source = "‘I had a taste of it (management) at Hearts and really enjoyed it,’ said Locke today."
    assert "(management)" in compress(source)


def test_a_deletion_never_leaves_a_double_quote_unmatched():
    source = (
        'The mayor - who said "we will rebuild - and soon" on Monday - opened the new road '
        "across the valley."
    )
    result = compress(source)
    assert result.count('"') % 2 == 0
    assert is_deletion_of(result, source)


def test_a_deletion_that_would_end_on_a_dangling_word_is_not_made():
    source = "Police found the car abandoned on a farm track near the, according to witnesses."
    assert not compress(source).endswith("near the.")


def test_a_quotation_glued_after_a_caption_is_split_off_but_a_speaker_is_kept():
    glued = (
        "Kilmarnock will confirm Gary Locke as the new manager on Friday ‘I’d be over the moon "
        "to get it as it’s something I’ve worked hard towards,’ said Locke."
    )
    assert strip_prefixes(glued).startswith("‘I’d be over the moon")
    spoken = (
        "Locke said ‘I’d be over the moon to get it as it’s something I’ve worked hard "
        "towards,’ on Thursday."
    )
    assert strip_prefixes(spoken) == spoken


_WORDS = st.sampled_from(
    "the mayor police said who which according to and but floods road Monday was closed "
    "( ) , - – “ ” ' ‘ ’ \" . a has on in will".split()
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=40))
def test_compression_only_ever_deletes(tokens):
    text = " ".join(tokens)
    for candidate in (text, text + ".", text[:1].upper() + text[1:] + "."):
        assert is_deletion_of(compress(candidate), candidate)
        assert (
            is_deletion_of(strip_prefixes(candidate), candidate)
            or not strip_prefixes(candidate).strip()
        )


def test_a_quoted_name_inside_a_sentence_is_not_taken_for_a_caption_seam():
    text = (
        'A film based on the internet musings of the "Baghdad Blogger" has been shown at the '
        "Rotterdam Film Festival."
    )
    assert strip_prefixes(text) == text


def test_the_tail_of_a_list_is_no_appositive_and_a_second_aside_is_left_alone():
    listed = (
        "Stan Freberg, whose satirical entertainments abounded on TV, the radio and on records, "
        "has died."
    )
    assert "the radio and on records" in compress(listed)
    aged = (
        "May Pat Christie, 51, a managing director at a New York finance firm, quit her "
        "$475,000-a-year job this week."
    )
    assert "Christie, 51, a managing director" in compress(aged)


def test_an_agency_tag_opening_the_story_is_deleted():
    assert strip_prefixes("(CNN)A trip to a former champ's gaudy, abandoned mansion.") == (
        "A trip to a former champ's gaudy, abandoned mansion."
    )


def test_a_place_glued_to_an_agency_tag_is_deleted_but_a_name_before_a_label_is_kept():
    assert strip_prefixes("New Delhi, India (CNN)As the earth shook, tremors were felt.") == (
        "As the earth shook, tremors were felt."
    )
    assert strip_prefixes("Washington (CNN)This week is the anniversary.") == (
        "This week is the anniversary."
    )
    assert strip_prefixes("Barack Obama (D) won the state easily.") == (
        "Barack Obama (D) won the state easily."
    )
    assert is_deletion_of(
        strip_prefixes("New Delhi, India (CNN)As the earth shook."),
        "New Delhi, India (CNN)As the earth shook.",
    )


def test_a_contrast_or_concession_is_never_deleted():
    # "X, but Y" without Y says something else: here that the company is doing well.
    for source in (
        "The ferry company posted record profits in June, but its crews say they have not "
        "been paid since April.",
        "The bridge reopened to cars on Monday morning, although lorries must still take the "
        "old valley road.",
    ):
        assert compress(source) == source


def test_a_caption_glued_before_a_sentence_opening_with_a_is_split_off():
    glued = (
        "Charged: Tomas Velder, 41, of Harrowgate, denies three counts of fraud A senior "
        "accountant at the regional water board is accused of moving funds into his own account."
    )
    assert strip_prefixes(glued).startswith("A senior accountant at the regional water board")
    # After a name or a label "A" is a letter, not the start of a sentence.
    named = "The prosecutor said he offered to help Nurse A with her training on the ward in March."
    assert strip_prefixes(named) == named


def test_a_caption_label_is_short_and_a_longer_opening_before_a_colon_is_a_sentence():
    assert is_caption("Pictured left: the new bridge over the Lerma at dusk.")
    assert is_caption("Tragic end: the ferry sank within sight of the harbour.")
    sentence = (
        "With the Harbour Festival: Lights on the Water opening this week, the city expects "
        "record crowds."
    )
    assert not is_caption(sentence)


def test_a_speaker_before_a_colon_is_not_a_caption_label():
    assert not is_caption("He said: 'The coast road will reopen to lorries on Friday morning.'")
    assert not is_caption("The mayor told reporters: the bridge is safe for cars again.")


@pytest.mark.parametrize(
    "case", fixture_cases("compress_an_aside_between_commas_leaves_the_sentence_whole.jsonl")
)
def test_an_aside_between_commas_goes_with_its_own_commas_only(case):
    # ", the bank said," between a whole clause and a participle leaves one comma behind; between
    # a subject and its verb, none; an appositive after a whole clause and a quotation's speaker
    # stay.
    result = compress(case["source"])
    assert result == case["compressed"]
    assert is_deletion_of(result, case["source"])


@pytest.mark.parametrize(
    "case", fixture_cases("compress_never_deletes_a_negation_or_the_main_verb.jsonl")
)
def test_a_part_holding_a_negation_or_the_main_verb_is_never_deleted(case):
    assert compress(case["source"]) == case["compressed"]
