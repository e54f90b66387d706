from newsdesk.core.text import content_words, split_sentences, words


def test_sentences_keep_offsets_into_the_source():
    text = 'Mr. Okafor met Dr. Lindqvist in São Tomé on Jan. 5. "We agreed," he said. It rained.'
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Mr. Okafor met Dr. Lindqvist in São Tomé on Jan. 5.",
        '"We agreed," he said.',
        "It rained.",
    ]
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text


def test_paragraph_break_ends_a_sentence_even_without_punctuation():
    sentences = split_sentences("A headline-like line\n\nThe body starts here. It goes on.")
    assert [s.text for s in sentences] == [
        "A headline-like line",
        "The body starts here.",
        "It goes on.",
    ]


def test_initials_and_decimals_do_not_split():
    assert len(split_sentences("J. R. Mensah said prices rose 3.5 percent. Then he left.")) == 2


def test_empty_and_whitespace_text_give_no_sentences():
    assert split_sentences("") == []
    assert split_sentences("  \n\n  ") == []


def test_words_fold_accents_and_content_words_drop_stopwords():
    assert words("Zoë's café") == ["zoe's", "cafe"]
    assert content_words("The strikes were ending at the ports") == content_words("strike end port")
    assert content_words("striking raised") == content_words("strike raise")
    assert len(content_words("The strikes were ending at the ports")) == 3


def test_a_quotation_of_several_sentences_stays_one_unit():
    text = (
        '"I used to watch the final with my granddad. I never thought I would score," '
        "de Jong said. Then he left."
    )
    assert [s.text for s in split_sentences(text)] == [
        '"I used to watch the final with my granddad. I never thought I would score," '
        "de Jong said.",
        "Then he left.",
    ]


def test_a_stray_quote_mark_does_not_glue_a_whole_paragraph():
    sentence = 'The pipe is 3" wide and the works cost 4,000 euros in the end. '
    text = sentence * 20
    assert len(split_sentences(text)) > 5


def _texts_and_offsets_agree(text):
    sentences = split_sentences(text)
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
    return sentences


def test_glued_sentences_are_split_with_exact_offsets():
    text = (
        "The lake covers 40 sq km.By the spring it had dried up.Farmers left in 2019.Few came back."
    )
    sentences = _texts_and_offsets_agree(text)
    assert [(s.text, s.start, s.end) for s in sentences] == [
        ("The lake covers 40 sq km.", 0, 25),
        ("By the spring it had dried up.", 25, 55),
        ("Farmers left in 2019.", 55, 76),
        ("Few came back.", 76, 90),
    ]


def test_glued_question_exclamation_percent_and_brackets_split():
    text = "Prices rose 4%.Why now?Nobody knew!The board (in Lisbon).It met (why?)Then it ended."
    assert [s.text for s in _texts_and_offsets_agree(text)] == [
        "Prices rose 4%.",
        "Why now?",
        "Nobody knew!",
        "The board (in Lisbon).",
        "It met (why?)",
        "Then it ended.",
    ]


def test_glued_quote_marks_go_to_the_sentence_they_belong_to():
    # The mark after "said." opens the next quotation; the one after "late." closes its own.
    text = 'The mayor spoke, an aide said."We are late." Then "We tried."The crowd left.'
    assert [s.text for s in _texts_and_offsets_agree(text)] == [
        "The mayor spoke, an aide said.",
        '"We are late."',
        'Then "We tried."',
        "The crowd left.",
    ]
    curly = "It rained all day.“We stayed in,” she said.‘Fine,’ he said."
    assert [s.text for s in _texts_and_offsets_agree(curly)] == [
        "It rained all day.",
        "“We stayed in,” she said.",
        "‘Fine,’ he said.",
    ]


def test_glued_boundary_before_i_a_and_acronyms():
    text = "She nodded.I agreed.A van came.It was late.NATO said so. The UN.The end."
    assert [s.text for s in _texts_and_offsets_agree(text)] == [
        "She nodded.",
        "I agreed.",
        "A van came.",
        "It was late.",
        "NATO said so.",
        "The UN.",
        "The end.",
    ]


def test_abbreviations_and_initials_do_not_split_even_when_glued():
    for text in (
        "Troops left the U.S.They were flown home by a U.K.-based firm.",
        "Dr.Hale met Mr.Osei at 9 a.m.Their talk, e.g.The budget, went well.",
        "She read J.R.R. Tolkien and C.S. Lewis at school in Ghana.",
        "He quoted J.R.R.Tolkien at length.",
    ):
        assert len(_texts_and_offsets_agree(text)) == 1, text


def test_spaced_initials_chain_does_not_split_but_a_place_may_end_a_sentence():
    text = (
        "They met J.R.R. Tolkien there. The office is in Washington, D.C. "
        "It opened at 5 p.m. Then rain."
    )
    assert [s.text for s in _texts_and_offsets_agree(text)] == [
        "They met J.R.R. Tolkien there.",
        "The office is in Washington, D.C.",
        "It opened at 5 p.m.",
        "Then rain.",
    ]


def test_decimals_versions_domains_files_ellipses_and_numbering_do_not_split():
    for text in (
        "Output grew 3.5 percent and 0.7.",
        "Install v2.1.Beta or 1.4.2.Final first.",
        "See example.com, Yahoo.Com or Fans.Example.Org for it.",
        "Open report.PDF and notes.TXT now.",
        "We waited...Nothing happened.",
        "She is world No.1 and he is No.2 again.",
        "The Worm.AB and Bug.C viruses spread.",
    ):
        assert len(_texts_and_offsets_agree(text)) == 1, text


def test_a_glued_boundary_ends_a_sentence_even_inside_an_unpaired_quotation():
    # Extraction drops paragraph breaks, and a quote running over paragraphs reopens each one
    # without closing the last: the glued stop is the lost paragraph break.
    text = 'The coach said: "It was hard.We lost twice.The fans stayed." Then he left.'
    assert [s.text for s in _texts_and_offsets_agree(text)] == [
        'The coach said: "It was hard.',
        "We lost twice.",
        'The fans stayed."',
        "Then he left.",
    ]


def test_a_sentence_closing_a_quote_opened_earlier_is_not_taken_for_an_open_quote():
    text = 'He said: "We met at ten.\n\nThe rest was talk." Then we ate. It was late.'
    assert [(s.text, s.start) for s in _texts_and_offsets_agree(text)] == [
        ('He said: "We met at ten.', 0),
        ('The rest was talk."', 26),
        ("Then we ate.", 46),
        ("It was late.", 59),
    ]
