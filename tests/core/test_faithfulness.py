"""The faithfulness gate: what it lets through, what it stops, and the reason it gives."""

from newsdesk.core.faithfulness import SourceIndex, quotations

SOURCES = SourceIndex(
    [
        (
            "1",
            "Floods closed the coast road near Amerville on Monday morning. Three villages were "
            "cut off from the regional hospital. The mayor, Ines Carvalho, said the army had "
            '"promised two helicopters by Tuesday".',
        ),
        ("2", "Rain is expected to continue until Wednesday night, forecasters said."),
    ]
)


def test_a_restated_source_sentence_passes_and_cites_it():
    verdict = SOURCES.check("Three villages near Amerville were cut off from the hospital.")
    assert verdict.supported, verdict.reasons
    assert ("1", 1) in verdict.sources


def test_a_sentence_merging_two_source_sentences_passes_and_cites_both():
    verdict = SOURCES.check(
        "Floods closed the coast road near Amerville on Monday and rain is expected to "
        "continue until Wednesday night."
    )
    assert verdict.supported, verdict.reasons
    assert {("1", 0), ("2", 0)} <= set(verdict.sources)


def test_a_changed_number_fails_with_the_number_named():
    verdict = SOURCES.check("Five villages were cut off from the regional hospital.")
    assert not verdict.supported
    assert "number 5 not in the supporting source sentence" in verdict.reasons


def test_a_changed_name_or_day_fails():
    assert not SOURCES.check("Floods closed the coast road near Tarnbridge on Monday.").supported
    assert not SOURCES.check("Floods closed the coast road near Amerville on Friday.").supported


def test_an_added_negation_fails():
    verdict = SOURCES.check("Floods did not close the coast road near Amerville on Monday.")
    assert not verdict.supported
    assert any("negation" in r for r in verdict.reasons)


def test_a_verbatim_quote_passes_and_a_paraphrased_quote_fails():
    good = SOURCES.check('The army "promised two helicopters by Tuesday", the mayor said.')
    assert good.supported, good.reasons
    bad = SOURCES.check('The mayor said the army "will send two helicopters by Tuesday".')
    assert not bad.supported
    assert any(r.startswith("quotation not verbatim") for r in bad.reasons)


def test_an_unsupported_claim_fails_on_word_support():
    verdict = SOURCES.check("The government blamed climate change for the storm damage.")
    assert not verdict.supported
    assert any("support" in r for r in verdict.reasons)


def test_quotations_are_found_in_every_common_style():
    assert quotations('He said "we will rebuild the road".') == ["we will rebuild the road"]
    assert quotations("He said ‘we will rebuild’ it.") == ["we will rebuild"]
    assert quotations("He said 'we will rebuild' it.") == ["we will rebuild"]
    assert quotations("The mayor's office didn't say.") == []


def test_empty_and_foreign_sources_give_a_verdict_not_an_error():
    assert not SourceIndex([]).check("Floods closed the road.").supported
    foreign = SourceIndex([("de", "Das Hochwasser hat am Montag die Straße gesperrt.")])
    assert foreign.check("Das Hochwasser hat am Montag die Straße gesperrt.").supported
    assert not foreign.check("").supported


def test_the_verdict_carries_its_support_score_and_the_measures_behind_it():
    verdict = SOURCES.check("Floods closed the coast road near Amerville on Monday morning.")
    assert verdict.supported
    assert set(verdict.features) == {"coverage", "bigram", "order", "pieces", "name_pairs"}
    assert verdict.features["pieces"] == 1 and verdict.features["order"] == 1.0
    assert verdict.score > 0


def test_a_sentence_stitched_from_scattered_words_fails_on_its_support_score():
    verdict = SOURCES.check(
        "The regional army closed three coast villages near the hospital on Monday night."
    )
    assert not verdict.supported
    assert any(r.startswith("support score") for r in verdict.reasons)


def test_months_that_are_also_stopwords_and_initials_count_as_supported_names():
    gate = SourceIndex(
        [("1", "The plant closed last May after J P McManus sold it to the council.")]
    )
    verdict = gate.check("The plant closed last May after J P McManus sold it.")
    assert verdict.supported, verdict.reasons
    assert not gate.check("The plant closed last June after J P McManus sold it.").supported
