"""The faithfulness gate: what it lets through, what it stops, and the reason it gives."""

import os

import numpy as np
import pytest

from newsdesk.core import embed, faithfulness
from newsdesk.core.faithfulness import SourceIndex, quotations

SOURCES_TEXT = [
    (
        "1",
        "Floods closed the coast road near Amerville on Monday morning. Three villages were "
        "cut off from the regional hospital. The mayor, Ines Carvalho, said the army had "
        '"promised two helicopters by Tuesday".',
    ),
    ("2", "Rain is expected to continue until Wednesday night, forecasters said."),
]
SOURCES = SourceIndex(SOURCES_TEXT)


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


def test_hyphenated_number_words_meet_their_digits_both_ways():
    spelt = SourceIndex([("a", "A five-year-old boy and twenty-one others were rescued.")])
    assert spelt.check("A boy, 5, and 21 others were rescued.").supported
    digits = SourceIndex([("a", "A 5-year-old boy and 21 others were rescued.")])
    assert digits.check("A five-year-old boy and twenty-one others were rescued.").supported
    verdict = spelt.check("A six-year-old boy was rescued.")
    assert "number 6 not in the supporting source sentence" in verdict.reasons


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
    assert set(verdict.features) == {*faithfulness.FEATURES, "novel_trigrams"}
    assert verdict.features["pieces"] == 1 and verdict.features["order"] == 1.0
    assert verdict.features["novel_trigrams"] == 0.0
    assert verdict.score == pytest.approx(
        faithfulness.SCORE_BIAS
        + sum(w * verdict.features[k] for k, w in faithfulness.SCORE_WEIGHTS.items())
    )
    assert verdict.score > 0


def test_copied_word_triples_are_not_novel_and_invented_ones_are():
    copied = SOURCES.check("Three villages were cut off from the regional hospital.")
    stitched = SOURCES.check("Three villages near the hospital cut off the regional road.")
    assert copied.features["novel_trigrams"] == 0.0
    assert stitched.features["novel_trigrams"] > 0.5


def test_embeddings_are_unit_rows_independent_of_the_batch_they_are_in():
    texts = [
        "Floods closed the coast road.",
        "The coast road was shut by floods on Monday morning after a night of heavy rain.",
        "Shares fell.",
    ]
    together = embed.embed(texts, batch=3)
    assert together.shape == (3, embed.DIMENSIONS)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-4)
    alone = np.vstack([embed.embed([t]) for t in texts])
    # Padding in a batch must not change a text's vector (the mask is applied when pooling).
    assert np.allclose(together, alone, atol=1e-4)
    assert together[0] @ together[1] > together[0] @ together[2]
    assert embed.embed([]).shape == (0, embed.DIMENSIONS)


def test_the_embedding_model_is_found_in_installed_packages_not_downloaded():
    model, tokenizer = embed.model_files()
    assert model is not None and model.name == "model.onnx"
    assert tokenizer is not None and tokenizer.name == "tokenizer.json"
    assert "site-packages" in str(model) or "NEWSDESK_EMBED_MODEL" in os.environ


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
