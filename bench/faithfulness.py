"""Faithfulness-gate benchmark: the gate as a classifier of (document, summary) pairs.

Run from the project root (about a minute)::

    .venv/bin/python bench/faithfulness.py

Data (../shared/data/factuality/, skipped with a message when absent): SummaC's validation cuts
of XSumFaith, FactCC, SummEval and Polytope (label 1 = consistent), and FRANK's human labels
(frank_annotations_dev.json, Factuality 1.0 = factual) joined by article hash with
../shared/data/summarization/frank_dev.jsonl for the article and the system summary.

A summary is called consistent when every sentence passes ``SourceIndex.check``. Printed per
set, balanced accuracy (mean of the recall on consistent and on inconsistent summaries):

- ``entity/number``: baseline, every number and name of the summary appears somewhere in the
  document (no support sentence, no similarity check);
- ``lexical``: baseline, share of the summary's content words found in the document >= t;
- ``gate (shipped)``: newsdesk.core.faithfulness with the thresholds it ships with;
- ``gate (calibrated)``: the same checks with thresholds chosen in this run.

Every threshold (the lexical baseline's t and the gate's two) is chosen on the CALIBRATION
half only (items whose stable hash is even; FRANK split by article, so an article's five
summaries stay on one side), maximising mean balanced accuracy over the five sets' calibration
halves; the figures are for the other half (HELD OUT). FRANK's CNN/DM and XSum parts are also
printed apart: most XSum summaries are labelled unfaithful and most are abstractive, so the
mixed set rewards any check that spots abstraction.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsdesk.core import faithfulness  # noqa: E402
from newsdesk.core.faithfulness import SourceIndex  # noqa: E402
from newsdesk.core.text import split_sentences  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SUMMAC_SETS = ("xsumfaith", "factcc", "summeval", "polytope")
SOFT = ("content-word", "word-pair")


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


def features(item: dict, cache: dict) -> None:
    index = cache.get(item["document"])
    if index is None:
        index = cache[item["document"]] = SourceIndex([("d", item["document"])])
    verdicts = [index.check(s) for s in claim_sentences(item["claim"])]
    item["hard_fail"] = any(not r.startswith(SOFT) for v in verdicts for r in v.reasons)
    item["coverage"] = min(v.coverage for v in verdicts)
    item["bigram"] = min(v.bigram for v in verdicts)
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


def balanced_accuracy(items: list[dict], predict) -> float:
    positives = [i for i in items if i["label"] == 1]
    negatives = [i for i in items if i["label"] == 0]
    if not positives or not negatives:
        return float("nan")
    tpr = sum(predict(i) for i in positives) / len(positives)
    tnr = sum(not predict(i) for i in negatives) / len(negatives)
    return (tpr + tnr) / 2


def gate(coverage: float, bigram: float):
    return lambda i: not i["hard_fail"] and i["coverage"] >= coverage and i["bigram"] >= bigram


def main() -> None:
    sets = load()
    if not sets:
        print("nothing to measure: ../shared/data/factuality/ is absent")
        return
    started = time.perf_counter()
    cache: dict = {}
    count = 0
    for name, items in sets.items():
        if name.startswith("frank-"):
            continue
        for item in items:
            features(item, cache)
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
    gate_t = max(((c, b) for c in grid for b in grid), key=lambda cb: mean_ba(gate(*cb)))
    gate_frank = max(((c, b) for c in grid for b in grid), key=lambda cb: frank_ba(gate(*cb)))
    shipped = (faithfulness.MIN_COVERAGE, faithfulness.MIN_BIGRAM)
    print(
        f"{count} summaries checked in {elapsed:.1f} s ({count / elapsed:.0f}/s on one core; "
        "2 shared cores, timings noisy)"
    )
    print(
        "thresholds chosen on the CALIBRATION half: lexical baseline t >= "
        f"{lexical_t:.2f} (mean over the 5 sets); gate (content words, word pairs) >= "
        f"{gate_t[0]:.2f}, {gate_t[1]:.2f} (mean over the 5 sets), >= {gate_frank[0]:.2f}, "
        f"{gate_frank[1]:.2f} (FRANK alone); shipped in faithfulness.py: {shipped[0]:.2f}, "
        f"{shipped[1]:.2f}"
    )
    columns = [
        ("entity/number", lambda i: i["entity_ok"]),
        ("lexical", lambda i: i["lexical"] >= lexical_t),
        ("gate shipped", gate(*shipped)),
        ("gate cal.5", gate(*gate_t)),
        ("gate cal.FRANK", gate(*gate_frank)),
    ]
    header = f"{'set':<13}{'n':>6}{'cons.':>7}" + "".join(f"{c:>16}" for c, _ in columns)
    for title, chosen in (
        ("HELD-OUT half", held_out),
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
                + "".join(f"{balanced_accuracy(items, p):>16.3f}" for _, p in columns)
            )
    frank = held_out.get("frank", [])
    if frank:
        predict = gate(*shipped)
        kept = [i for i in frank if predict(i)]
        if kept:
            precision = sum(i["label"] for i in kept) / len(kept)
            print(
                f"\nFRANK held out, shipped gate: passes {len(kept)}/{len(frank)} summaries; "
                f"{precision:.2f} of those it passes are labelled factual "
                f"(base rate {sum(i['label'] for i in frank) / len(frank):.2f})"
            )


if __name__ == "__main__":
    main()
