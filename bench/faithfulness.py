"""Faithfulness-gate benchmark: the gate as a classifier of (document, summary) pairs.

Run from the project root (a few minutes on 2 shared cores)::

    .venv/bin/python bench/faithfulness.py          # the gate as shipped, next to baselines
    .venv/bin/python bench/faithfulness.py --fit    # also print the coefficients to ship

Data (../shared/data/factuality/, skipped with a message when absent): SummaC's validation cuts
of XSumFaith, FactCC, SummEval and Polytope (label 1 = consistent), and FRANK's human labels
(frank_annotations_dev.json, Factuality 1.0 = factual) joined by article hash with
../shared/data/summarization/frank_dev.jsonl for the article and the system summary.

A summary is called consistent when every sentence passes ``SourceIndex.check``. Printed per
set, balanced accuracy (mean of the recall on consistent and on inconsistent summaries):

- ``entity/number``: baseline, every number and name of the summary appears somewhere in the
  document (no support sentence, no similarity check);
- ``lexical``: baseline, share of the summary's content words found in the document >= t;
- ``cov+pairs``: the previous gate, the same hard checks (numbers, names, negation, quotes)
  plus thresholds on content-word and word-pair support, chosen on FRANK's calibration half;
- ``gate refit``: the shipped gate's checks with its logistic regression fitted in this run on
  FRANK's calibration half (what ``--fit`` prints);
- ``gate shipped``: ``newsdesk.core.faithfulness`` exactly as it ships (lexical, the default);
- ``+emb refit`` and ``+emb stored``: the alternative gate tried here and not shipped
  (``EmbeddingSourceIndex`` below), the regression over seven measures (novel word triples and
  the all-MiniLM-L6-v2 similarity added), fitted in this run and as stored below; skipped with
  a message when the embedding model is not installed, or with ``--no-embeddings``.

Everything chosen (the lexical t, the thresholds, the regressions and their cut-offs, and which
measures the embedding regression has: its two added measures were picked by repeated 5-fold
cross-validation inside the calibration half, out of 18 candidates, before its held-out figure
was first printed) is chosen on the CALIBRATION half only (items whose stable hash is even;
FRANK split by article, so an article's five summaries stay on one side); the figures that
count are for the other half (HELD OUT). FRANK's CNN/DM and XSum parts are also printed apart:
most XSum summaries are labelled unfaithful and most are abstractive, so the mixed set rewards
any check that spots abstraction; CNN/DM's summaries are near-extractive and their errors
subtle.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsdesk.core import embed, faithfulness  # noqa: E402
from newsdesk.core.faithfulness import FEATURES, SourceIndex, Verdict  # noqa: E402
from newsdesk.core.text import split_sentences  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SUMMAC_SETS = ("xsumfaith", "factcc", "summeval", "polytope")
SOFT = "support score"
# Measures where more is better: a summary is as good as its worst sentence on them.
HIGHER_IS_BETTER = {"coverage", "bigram", "order", "similarity"}


# The alternative gate: the same fit over seven measures, the last two the share of novel word
# triples and the embedding similarity (`--fit` prints a new fit; docs/briefs.md has the story).
EMBEDDING_WEIGHTS = {
    "coverage": 1.0489,
    "bigram": 0.5198,
    "order": 1.4538,
    "pieces": -0.0405,
    "name_pairs": -0.1314,
    "novel_trigrams": -1.2667,
    "similarity": 1.7640,
}
EMBEDDING_BIAS = -1.6054
EMBEDDING_FEATURES = tuple(EMBEDDING_WEIGHTS)


class EmbeddingSourceIndex(SourceIndex):
    """The shipped gate plus the cosine of the claim's embedding with its closest supporting
    sentence's (0 without support), scored by the seven-measure regression."""

    def __init__(self, documents):
        super().__init__(documents)
        self._vectors: dict[tuple[str, int], object] = {}
        self._text = {(s.article_id, s.index): s.text for s in self.sentences}

    def check(self, sentence: str) -> Verdict:
        verdict = super().check(sentence)
        if not verdict.features:  # an empty sentence: nothing to score
            return verdict
        missing = [key for key in verdict.sources if key not in self._vectors]
        vectors = embed.embed([sentence] + [self._text[key] for key in missing])
        self._vectors.update(zip(missing, vectors[1:], strict=True))
        verdict.features["similarity"] = max(
            (float(vectors[0] @ self._vectors[key]) for key in verdict.sources), default=0.0
        )
        verdict.score = EMBEDDING_BIAS + sum(
            EMBEDDING_WEIGHTS[k] * verdict.features[k] for k in EMBEDDING_WEIGHTS
        )
        verdict.reasons = [r for r in verdict.reasons if not r.startswith(SOFT)]
        if verdict.score < faithfulness.MIN_SCORE:
            verdict.reasons.append(f"{SOFT} {verdict.score:.2f} < {faithfulness.MIN_SCORE}")
        verdict.supported = not verdict.reasons
        return verdict


def calibration_side(key: str) -> bool:
    return int(hashlib.md5(key.encode()).hexdigest(), 16) % 2 == 0


def load() -> dict[str, list[dict]]:
    sets: dict[str, list[dict]] = {}
    for name in SUMMAC_SETS:
        path = DATA / "factuality" / f"{name}.json"
        if not path.exists():
            print(f"{name}: skipped, {path} absent")
            continue
        items = json.loads(path.read_text(encoding="utf-8"))
        sets[name] = [
            {
                "key": str(key),
                "document": item["document"],
                "claim": item["claim"],
                "label": int(item["label"]),
            }
            for key, item in items.items()
        ]
    labels = DATA / "factuality" / "frank_annotations_dev.json"
    articles = DATA / "summarization" / "frank_dev.jsonl"
    if labels.exists() and articles.exists():
        by_hash = {}
        for line in articles.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            by_hash[record["hash"]] = record
        frank = []
        for annotation in json.loads(labels.read_text(encoding="utf-8")):
            article = by_hash.get(annotation["hash"])
            if not article or annotation["model_name"] not in article["system_summaries"]:
                continue
            frank.append(
                {
                    "key": annotation["hash"],
                    "document": article["article"],
                    "claim": article["system_summaries"][annotation["model_name"]],
                    "label": int(annotation["Factuality"] == 1.0),
                    "part": "cnndm" if annotation["dataset"] == "cnndm" else "xsum",
                }
            )
        sets["frank"] = frank
        sets["frank-cnndm"] = [i for i in frank if i["part"] == "cnndm"]
        sets["frank-xsum"] = [i for i in frank if i["part"] == "xsum"]
    else:
        print(f"frank: skipped, {labels} or {articles} absent")
    return sets


def claim_sentences(claim: str) -> list[str]:
    """Sentences of a summary; system outputs are tokenised lower case (" . " ends one)."""
    pieces = []
    for sentence in split_sentences(claim):
        pieces.extend(p for p in re.split(r"(?<=\s[.!?])\s+", sentence.text) if p.strip())
    return [p for p in pieces if re.search(r"\w", p)] or [claim]


def features(item: dict, cache: dict, embeddings: bool = False) -> int:
    """Check every sentence of the item's summary; returns the number of sentences.

    With ``embeddings`` the verdicts carry the similarity too; the lexical measures are the
    same either way, so one pass serves both gates."""
    index = cache.get(item["document"])
    if index is None:
        gate = EmbeddingSourceIndex if embeddings else SourceIndex
        index = cache[item["document"]] = gate([("d", item["document"])])
    verdicts = [index.check(s) for s in claim_sentences(item["claim"])]
    item["sentences"] = [
        {
            "hard_fail": any(not r.startswith(SOFT) for r in v.reasons),
            "supported": v.supported,
            **v.features,
        }
        for v in verdicts
    ]
    # Baselines, against the whole document rather than a supporting sentence.
    document_stems = set().union(*(s.stems for s in index.sentences)) if index.sentences else set()
    document_numbers = (
        set().union(*(s.numbers for s in index.sentences)) if index.sentences else set()
    )
    stems = faithfulness._stems(faithfulness._tokens(item["claim"]))
    numbers = faithfulness._numbers(item["claim"])
    names = index._names(item["claim"], faithfulness._tokens(item["claim"]))
    item["entity_ok"] = numbers <= document_numbers and names <= document_stems
    item["lexical"] = (sum(s in document_stems for s in stems) / len(stems)) if stems else 1.0
    return len(verdicts)


def balanced_accuracy(items: list[dict], predict) -> float:
    positives = [i for i in items if i["label"] == 1]
    negatives = [i for i in items if i["label"] == 0]
    if not positives or not negatives:
        return float("nan")
    tpr = sum(predict(i) for i in positives) / len(positives)
    tnr = sum(not predict(i) for i in negatives) / len(negatives)
    return (tpr + tnr) / 2


def previous_gate(coverage: float, bigram: float):
    """The gate before the regression: hard checks and two support thresholds."""
    return lambda i: all(
        not s["hard_fail"] and s["coverage"] >= coverage and s["bigram"] >= bigram
        for s in i["sentences"]
    )


def regression_gate(weights: dict[str, float], bias: float, cut: float):
    """Every sentence passes the hard checks and scores at least ``cut`` (a sentence without
    one of the measures, say no embedding, fails: the column would not be what it says)."""

    def passes(item: dict) -> bool:
        return all(
            not s["hard_fail"]
            and all(k in s for k in weights)
            and bias + sum(w * s[k] for k, w in weights.items()) >= cut
            for s in item["sentences"]
        )

    return passes


def fit(
    items: list[dict], features=FEATURES, l2: float = 0.01, rounds: int = 50
) -> tuple[dict[str, float], float]:
    """Class-balanced L2 logistic regression of the label on the summary's worst sentence.

    Each measure is taken at its worst over the summary's sentences (lowest coverage, most
    pieces), standardised, fitted by Newton's method, and returned in raw units, so a single
    sentence is scored with the same weights. numpy is only needed here, not in the gate.
    """
    import numpy as np

    rows = [
        [(min if k in HIGHER_IS_BETTER else max)(s[k] for s in item["sentences"]) for k in features]
        for item in items
    ]
    x = np.array(rows, float)
    y = np.array([i["label"] for i in items], float)
    mean, scale = x.mean(0), x.std(0) + 1e-9
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    sample = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    penalty = np.r_[np.full(len(features), l2), 0.0]
    w = np.zeros(z.shape[1])
    for _ in range(rounds):
        p = 1 / (1 + np.exp(-z @ w))
        gradient = z.T @ (sample * (p - y)) / len(y) + penalty * w
        hessian = (z * (sample * p * (1 - p))[:, None]).T @ z / len(y) + np.diag(penalty)
        w -= np.linalg.solve(hessian, gradient)
    weights = {k: float(w[n] / scale[n]) for n, k in enumerate(features)}
    bias = float(w[-1] - sum(w[n] * mean[n] / scale[n] for n in range(len(features))))
    return weights, bias


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--fit", action="store_true", help="print the regression to ship in faithfulness.py"
    )
    parser.add_argument(
        "--no-embeddings",
        action="store_true",
        help="skip the embedding gate (about 3 ms a sentence instead of 35)",
    )
    args = parser.parse_args()

    use_embeddings = not args.no_embeddings and embed.available()
    sets = load()
    if not sets:
        print("nothing to measure: ../shared/data/factuality/ is absent")
        return
    started = time.perf_counter()
    cache: dict = {}
    count = sentences = 0
    for name, items in sets.items():
        if name.startswith("frank-"):
            continue
        for item in items:
            sentences += features(item, cache, use_embeddings)
            count += 1
    elapsed = time.perf_counter() - started
    tuned = [n for n in sets if not n.startswith("frank-")]
    calibration = {n: [i for i in sets[n] if calibration_side(i["key"])] for n in sets}
    held_out = {n: [i for i in sets[n] if not calibration_side(i["key"])] for n in sets}

    def mean_ba(predict) -> float:
        return sum(balanced_accuracy(calibration[n], predict) for n in tuned) / len(tuned)

    def frank_ba(predict) -> float:
        return balanced_accuracy(calibration["frank"], predict)

    grid = [x / 20 for x in range(0, 21)]
    lexical_t = max(grid, key=lambda t: mean_ba(lambda i: i["lexical"] >= t))
    previous = max(
        ((c, b) for c in grid for b in grid), key=lambda cb: frank_ba(previous_gate(*cb))
    )
    embedded = use_embeddings and all(
        "similarity" in s for i in sets.get("frank", []) for s in i["sentences"]
    )
    cuts = [x / 10 for x in range(-30, 31)]
    weights, bias = fit(calibration["frank"], FEATURES)
    cut = max(cuts, key=lambda c: frank_ba(regression_gate(weights, bias, c)))
    shipped = regression_gate(faithfulness.SCORE_WEIGHTS, faithfulness.SCORE_BIAS, 0.0)
    print(
        f"{count} summaries ({sentences} sentences) checked in {elapsed:.1f} s: "
        f"{1000 * elapsed / sentences:.1f} ms a sentence, index building included, on one core "
        "(2 shared cores, timings noisy)" + (", sentence embeddings included" if embedded else "")
    )
    if not embedded:
        print(
            "embedding gate skipped: "
            + ("--no-embeddings" if args.no_embeddings else "all-MiniLM-L6-v2 not installed")
        )
    print(
        f"chosen on the CALIBRATION half: lexical baseline t >= {lexical_t:.2f} (mean over the "
        f"5 sets); previous gate content words, word pairs >= {previous[0]:.2f}, "
        f"{previous[1]:.2f} (FRANK)"
    )

    def formula(weights: dict[str, float], bias: float) -> str:
        return " ".join(f"{w:+.4f}*{k}" for k, w in weights.items()) + f" {bias:+.4f} >= 0"

    refit = bias - cut
    print("regression fitted on FRANK's calibration half: score = " + formula(weights, refit))
    print(
        "shipped in faithfulness.py: score = "
        + formula(faithfulness.SCORE_WEIGHTS, faithfulness.SCORE_BIAS - faithfulness.MIN_SCORE)
    )
    columns = [
        ("entity/number", lambda i: i["entity_ok"]),
        ("lexical", lambda i: i["lexical"] >= lexical_t),
        ("cov+pairs", previous_gate(*previous)),
        ("gate refit", regression_gate(weights, bias, cut)),
        ("gate shipped", shipped),
    ]
    to_ship = [("SCORE", weights, refit)]
    if embedded:
        e_weights, e_bias = fit(calibration["frank"], EMBEDDING_FEATURES)
        e_cut = max(cuts, key=lambda c: frank_ba(regression_gate(e_weights, e_bias, c)))
        print(
            "with embeddings, fitted on the same half: score = "
            + formula(e_weights, e_bias - e_cut)
        )
        print(
            "with embeddings, stored in this bench: score = "
            + formula(EMBEDDING_WEIGHTS, EMBEDDING_BIAS - faithfulness.MIN_SCORE)
        )
        columns += [
            ("+emb refit", regression_gate(e_weights, e_bias, e_cut)),
            ("+emb stored", regression_gate(EMBEDDING_WEIGHTS, EMBEDDING_BIAS, 0.0)),
        ]
        to_ship.append(("EMBEDDING", e_weights, e_bias - e_cut))
    header = f"{'set':<13}{'n':>6}{'cons.':>7}" + "".join(f"{c:>14}" for c, _ in columns)
    for title, chosen in (
        ("HELD-OUT half", held_out),
        ("CALIBRATION half (what was fitted), for comparison", calibration),
        ("ALL items (calibration half included), for comparison", sets),
    ):
        print(f"\nbalanced accuracy on the {title} (cons. = share labelled consistent)")
        print(header)
        for name, items in chosen.items():
            if not items:
                continue
            share = sum(i["label"] for i in items) / len(items)
            print(
                f"{name:<13}{len(items):>6}{share:>7.2f}"
                + "".join(f"{balanced_accuracy(items, p):>14.3f}" for _, p in columns)
            )
    frank = held_out.get("frank", [])
    if frank:
        for label, predict in (("previous gate", previous_gate(*previous)), ("shipped", shipped)):
            kept = [i for i in frank if predict(i)]
            if kept:
                precision = sum(i["label"] for i in kept) / len(kept)
                recall = sum(i["label"] for i in kept) / max(1, sum(i["label"] for i in frank))
                print(
                    f"\nFRANK held out, {label}: passes {len(kept)}/{len(frank)} summaries; "
                    f"{precision:.2f} of those it passes are labelled factual (base rate "
                    f"{sum(i['label'] for i in frank) / len(frank):.2f}); it passes "
                    f"{recall:.2f} of the factual ones"
                )
    if args.fit:
        print("\nto ship (SCORE_* in newsdesk/core/faithfulness.py, EMBEDDING_* in this bench):")
        for name, w, b in to_ship:
            print(f"{name}_WEIGHTS = {{" + ", ".join(f'"{k}": {v:.4f}' for k, v in w.items()) + "}")
            print(f"{name}_BIAS = {b:.4f}")
    if not math.isfinite(refit):
        print("warning: the regression did not converge")


if __name__ == "__main__":
    main()
