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
    sentence = "The pipe is 3\" wide and the works cost 4,000 euros in the end. "
    text = sentence * 20
    assert len(split_sentences(text)) > 5
