"""Near-duplicate text: copies are recognised and named, independent reports are not copies."""

import random
from datetime import UTC, datetime, timedelta

from newsdesk.core import ArticleText
from newsdesk.core.group import DUPLICATE_JACCARD, StreamGrouper
from newsdesk.core.group_features import estimated_jaccard, text_signature
from newsdesk.core.text import words

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)

WIRE = (
    "Dock workers at Port Lerma stopped work on Monday in a dispute over night-shift pay, "
    "leaving eleven container ships waiting in the bay. The port authority called the strike "
    "unlawful and said it would ask a court to order the workers back. The union said talks "
    "had broken down after the authority refused to restore a night premium it cut in June. "
    "Shipping agents said the backlog could take a week to clear once work resumes."
)

INDEPENDENT = (
    "Eleven container ships sat at anchor off Port Lerma on Monday after dock workers walked "
    "out over night-shift pay. Port officials described the stoppage as illegal and promised "
    "legal action, while union leaders blamed the port for scrapping a premium in June. Agents "
    "warned of a week-long backlog."
)


def shingles(text: str) -> set[str]:
    tokens = words(text)
    return {" ".join(tokens[i : i + 5]) for i in range(len(tokens) - 4)}


def exact_jaccard(left: str, right: str) -> float:
    a, b = shingles(left), shingles(right)
    return len(a & b) / len(a | b)


def test_minhash_estimates_the_shingle_jaccard():
    trimmed = WIRE.rsplit(". ", 1)[0] + "."
    for other in (WIRE, trimmed, INDEPENDENT):
        estimate = estimated_jaccard(text_signature(WIRE), text_signature(other))
        assert abs(estimate - exact_jaccard(WIRE, other)) < 0.2


def test_copies_measure_above_the_threshold_and_independent_reports_far_below():
    retitled_and_trimmed = WIRE.rsplit(". ", 1)[0] + ". Reporting by our staff."
    assert estimated_jaccard(text_signature(WIRE), text_signature(retitled_and_trimmed)) > 0.6
    assert estimated_jaccard(text_signature(WIRE), text_signature(INDEPENDENT)) < 0.15
    assert 0.15 < DUPLICATE_JACCARD < 0.6


def test_same_article_under_another_url_and_a_retitled_copy_fold_into_the_original():
    grouper = StreamGrouper()
    original = ArticleText(
        "o", "Port Lerma dockers strike over pay", WIRE, url="https://a/1", published=T0
    )
    assert grouper.add(original) == "o"
    same = ArticleText("u", original.title, WIRE, url="https://b/x?utm=1", published=T0)
    assert grouper.add(same) == "o"
    assert grouper.last_decision.duplicate_of == "o"
    retitled = ArticleText("r", "Ships stranded in bay", WIRE, published=T0 + timedelta(hours=5))
    assert grouper.add(retitled) == "o"
    assert grouper.last_decision.duplicate_of in {"o", "u"}
    report = ArticleText(
        "i", "Eleven ships anchored as Lerma strike bites", INDEPENDENT, published=T0
    )
    assert grouper.add(report) == "o"
    assert grouper.last_decision.duplicate_of is None


def test_headline_only_copies_are_duplicates_but_short_equal_headlines_are_not():
    grouper = StreamGrouper()
    grouper.add(ArticleText("a", "Prince Harry and girlfriend make it public", published=T0))
    grouper.add(ArticleText("c", "Prince Harry and girlfriend make it public - AFP", published=T0))
    assert grouper.last_decision.duplicate_of == "a"
    grouper.add(ArticleText("d", "Stocks fall", published=T0))
    grouper.add(ArticleText("e", "Stocks fall", published=T0))
    assert grouper.last_decision.duplicate_of is None


def test_the_text_fingerprint_estimates_overlap_and_not_one_shared_phrase():
    # Pairs of texts with a known share of common 5-word runs: the estimate must follow it.
    # (MinHash slots that all pick the same shingle made two reports sharing one phrase look
    # like copies.)
    rng = random.Random(7)
    vocabulary = [f"w{n}" for n in range(5000)]
    errors = []
    for _ in range(100):
        first = [rng.choice(vocabulary) for _ in range(300)]
        kept = rng.randint(0, 300)
        second = first[:kept] + [rng.choice(vocabulary) for _ in range(300 - kept)]
        runs = [{" ".join(t[i : i + 5]) for i in range(len(t) - 4)} for t in (first, second)]
        true = len(runs[0] & runs[1]) / len(runs[0] | runs[1])
        estimate = estimated_jaccard(
            text_signature(" ".join(first)), text_signature(" ".join(second))
        )
        errors.append(abs(estimate - true))
    assert max(errors) < 0.25 and sum(errors) / len(errors) < 0.08
