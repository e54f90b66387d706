"""Brief benchmark: ROUGE of the default brief next to Lead-3, TextRank, LexRank and neural systems.

Run from the project root (about five minutes on 2 shared cores; TextRank and LexRank
are the slow part)::

    .venv/bin/python bench/brief.py                  # the brief as `newsdesk brief --sentences 4`
    .venv/bin/python bench/brief.py --sentences 3    # or any --sentences N / --words N
    .venv/bin/python bench/brief.py --quick          # while iterating: no TextRank / LexRank

Data (skipped with a message when absent): ../shared/data/summarization/frank_dev.jsonl
(CNN/DailyMail and XSum test articles, gold references, stored outputs of published neural
systems) and bbc_news_summary.jsonl (BBC articles with extractive gold summaries).

Everything is measured in this run: our brief through the real command (``python -m
newsdesk.cli brief`` as a subprocess, one story per article), Lead-3, and simple TextRank
(Mihalcea & Tarau 2004: word-overlap similarity, PageRank) and LexRank (Erkan & Radev 2004:
tf-idf cosine graph, threshold 0.1) over the same sentence splitter, all three sentences in
document order; the stored neural outputs are scored with the same scorer. ROUGE-1/2/Lsum F1
from ``rouge-score`` with the Porter stemmer, Lsum on newline-separated sentences.

Held out: the brief's few settings (word target, compression threshold, first-person skip,
which deletions compression makes) were chosen on the CALIBRATION half of frank's CNN/DM
articles (hash starting 0-7) together with BBC (whose gold sentences are whole source
sentences, so any deletion costs it recall); the other half is printed apart as HELD OUT.
On frank's CNN/DM set the difference between our ROUGE-1 and Lead-3's, bert_sum's and bart's is
also printed with a 95% paired-bootstrap interval over the articles: with 129 articles a
difference of a few tenths is inside the noise. Traceability is checked, not assumed: every
brief sentence must equal, or be a deletion-only subsequence of, the source sentence its first
source reference names.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsdesk.core.brief_compress import is_deletion_of  # noqa: E402
from newsdesk.core.text import content_words, split_sentences, words  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "summarization"


def scorer():
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)


def reference_sentences(text: str) -> list[str]:
    """Gold sentences: CNN/DM highlights are tokenised (" . "), BBC's are glued ("x.The")."""
    if " . " in text:
        return [s.strip() + " ." for s in text.split(" . ") if s.strip()]
    return [s for s in re.split(r"(?<=[.!?])\s*(?=[A-Z\"'])", text) if s.strip()]


# --- baselines -------------------------------------------------------------------------------


def lead3(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)[:3]]


def _pagerank(matrix: list[list[float]], damping: float = 0.85, rounds: int = 50) -> list[float]:
    n = len(matrix)
    out = [sum(row) for row in matrix]
    rank = [1.0 / n] * n
    for _ in range(rounds):
        rank = [
            (1 - damping) / n
            + damping * sum(matrix[j][i] / out[j] * rank[j] for j in range(n) if out[j])
            for i in range(n)
        ]
    return rank


def _top3(sentences: list[str], scores: list[float]) -> list[str]:
    best = sorted(range(len(sentences)), key=lambda i: -scores[i])[:3]
    return [sentences[i] for i in sorted(best)]


def textrank(text: str) -> list[str]:
    sentences = [s.text for s in split_sentences(text)]
    if len(sentences) <= 3:
        return sentences
    bags = [set(content_words(s)) for s in sentences]
    sizes = [len(words(s)) for s in sentences]

    def similarity(i: int, j: int) -> float:
        if i == j or sizes[i] < 2 or sizes[j] < 2:
            return 0.0
        return len(bags[i] & bags[j]) / (math.log(sizes[i]) + math.log(sizes[j]))

    n = len(sentences)
    return _top3(sentences, _pagerank([[similarity(i, j) for j in range(n)] for i in range(n)]))


def lexrank(text: str) -> list[str]:
    sentences = [s.text for s in split_sentences(text)]
    if len(sentences) <= 3:
        return sentences
    bags = [Counter(content_words(s)) for s in sentences]
    frequency = Counter(w for bag in bags for w in bag)
    n = len(sentences)
    idf = {w: math.log(n / f) for w, f in frequency.items()}
    vectors = [{w: c * idf[w] for w, c in bag.items()} for bag in bags]
    norms = [math.sqrt(sum(v * v for v in vec.values())) for vec in vectors]

    def cosine(i: int, j: int) -> float:
        if not norms[i] or not norms[j]:
            return 0.0
        return sum(v * vectors[j].get(w, 0.0) for w, v in vectors[i].items()) / (
            norms[i] * norms[j]
        )

    matrix = [[1.0 if cosine(i, j) > 0.1 else 0.0 for j in range(n)] for i in range(n)]
    return _top3(sentences, _pagerank(matrix))


# --- our brief, through the command ----------------------------------------------------------


def run_brief(articles: list[dict], length: list[str]) -> tuple[dict[str, dict], float]:
    """Brief records by story id, and the seconds the command took for these articles.

    Through the command; when the command itself fails (a broken CLI is a bug to fix, not a
    reason to print nothing), the same ``brief_story`` is run in this process instead and the
    failure is printed first, loudly.
    """
    try:
        return _run_command(articles, length)
    except subprocess.CalledProcessError as error:
        reason = (error.stderr or b"").decode(errors="replace").strip().splitlines()
        print(
            "WARNING: `newsdesk brief` failed ("
            + (reason[-1] if reason else f"exit {error.returncode}")
            + "); measuring brief_story in this process instead"
        )
        return _run_in_process(articles, length)


def _run_in_process(articles: list[dict], length: list[str]) -> tuple[dict[str, dict], float]:
    from newsdesk import limits
    from newsdesk.core import ArticleText, brief_story
    from newsdesk.core.jsonl import sentence_record

    words_budget = int(length[1]) if length[0] == "--words" else None
    sentences = int(length[1]) if length[0] == "--sentences" else 1000
    sentences = sentences if sentences else limits.BRIEF_SENTENCES
    records = {}
    started = time.perf_counter()
    for a in articles:
        brief = brief_story(
            [ArticleText(a["id"], a["title"], a["text"])],
            max_sentences=sentences,
            max_words=words_budget,
        )
        records[a["id"]] = {
            "story": a["id"],
            "sentences": [sentence_record(s) for s in brief.sentences],
        }
    return records, max(time.perf_counter() - started, 1e-6)


def _run_command(articles: list[dict], length: list[str]) -> tuple[dict[str, dict], float]:
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.jsonl", Path(folder) / "out.jsonl"
        source.write_text(
            "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8"
        )
        empty = Path(folder) / "empty.jsonl"
        empty.write_text("", encoding="utf-8")
        command = [sys.executable, "-m", "newsdesk.cli", "brief", "--out", str(target), *length]
        # The interpreter's start-up is timed alone and taken off: articles/s is the work.
        started = time.perf_counter()
        subprocess.run([*command, "--in", str(empty)], check=True, capture_output=True, cwd=ROOT)
        startup = time.perf_counter() - started
        started = time.perf_counter()
        subprocess.run([*command, "--in", str(source)], check=True, capture_output=True, cwd=ROOT)
        elapsed = time.perf_counter() - started - startup
        records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    return {r["story"]: r for r in records}, max(elapsed, 1e-6)


def traceable(record: dict, text: str) -> tuple[int, int]:
    sentences = [s.text for s in split_sentences(text)]
    good = 0
    for sentence in record["sentences"]:
        own = sentence["sources"][0] if sentence["sources"] else None
        # A name put in place of a reference must be in the sentence it names; undone, the
        # text must be a deletion of its own source sentence.
        wording, named = sentence["text"], True
        for substitution in sentence.get("substitutions", []):
            wording = wording.replace(substitution["name"], substitution["reference"], 1)
            index = substitution["source"]["sentence_index"]
            named = named and index < len(sentences) and substitution["name"] in sentences[index]
        if own and own["sentence_index"] < len(sentences) and named:
            good += is_deletion_of(wording, sentences[own["sentence_index"]])
    return good, len(record["sentences"])


# --- scoring ---------------------------------------------------------------------------------


def score(rouge, pairs: list[tuple[list[str], str]]) -> tuple[float, float, float, float]:
    totals = [0.0, 0.0, 0.0]
    length = 0
    for summary, reference in pairs:
        result = rouge.score("\n".join(reference_sentences(reference)), "\n".join(summary))
        totals[0] += result["rouge1"].fmeasure
        totals[1] += result["rouge2"].fmeasure
        totals[2] += result["rougeLsum"].fmeasure
        length += sum(len(s.split()) for s in summary)
    n = len(pairs) or 1
    return (*(100 * t / n for t in totals), length / n)


def rouge1_each(rouge, pairs: list[tuple[list[str], str]]) -> list[float]:
    """ROUGE-1 F1 of each (summary, reference) pair, in order."""
    return [
        100
        * rouge.score("\n".join(reference_sentences(ref)), "\n".join(summary))["rouge1"].fmeasure
        for summary, ref in pairs
    ]


def paired_bootstrap(
    ours: list[float], theirs: list[float], rounds: int = 2000, seed: int = 4
) -> tuple[float, float, float]:
    """Mean of ours - theirs over the same articles, with a 95% interval from resampling the
    articles (paired bootstrap): how far the difference is from what 129 articles can tell."""
    import random

    differences = [a - b for a, b in zip(ours, theirs, strict=True)]
    n = len(differences)
    chance = random.Random(seed)
    means = sorted(sum(chance.choices(differences, k=n)) / n for _ in range(rounds))
    return sum(differences) / n, means[int(0.025 * rounds)], means[int(0.975 * rounds) - 1]


def report(title: str, rows: list[tuple[str, tuple, str]]) -> None:
    print(f"\n{title}")
    print(f"{'system':<34}{'R-1':>7}{'R-2':>7}{'R-Lsum':>8}{'words':>7}  speed")
    for name, (r1, r2, rl, length), speed in rows:
        print(f"{name:<34}{r1:>7.2f}{r2:>7.2f}{rl:>8.2f}{length:>7.1f}  {speed}")


def _print_intervals(rouge, items: list[dict], brief_pairs: list) -> None:
    """Our ROUGE-1 minus Lead-3's and each stored system's, article by article, with a 95%
    paired-bootstrap interval: a difference inside its interval's reach of 0 is noise."""
    ours = rouge1_each(rouge, brief_pairs)
    others = {"Lead-3": [(lead3(r["article"]), r["gold"]) for r in items]}
    for system in ("bert_sum", "bart"):
        if all(system in r.get("system_summaries", {}) for r in items):
            others[system] = [
                (reference_sentences(r["system_summaries"][system]), r["gold"]) for r in items
            ]
    print("  ours minus, ROUGE-1 (mean over the same articles, 95% paired-bootstrap interval):")
    for name, pairs in others.items():
        mean, low, high = paired_bootstrap(ours, rouge1_each(rouge, pairs))
        print(f"    {name:<10}{mean:+6.2f}  [{low:+.2f}, {high:+.2f}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--sentences", type=int, default=None)
    length.add_argument("--words", type=int, default=None)
    parser.add_argument(
        "--quick", action="store_true", help="skip TextRank and LexRank (the slow baselines)"
    )
    args = parser.parse_args()
    option = (
        ["--words", str(args.words)] if args.words else ["--sentences", str(args.sentences or 4)]
    )
    ours = "newsdesk brief " + " ".join(option)

    sets: dict[str, list[dict]] = {}
    frank_path, bbc_path = DATA / "frank_dev.jsonl", DATA / "bbc_news_summary.jsonl"
    if frank_path.exists():
        frank = [json.loads(line) for line in frank_path.read_text(encoding="utf-8").splitlines()]
        for record in frank:
            record["id"], record["title"], record["gold"] = record["hash"], "", record["reference"]
        sets["frank CNN/DM"] = [r for r in frank if r["dataset"] == "cnndm"]
        sets["frank XSum"] = [r for r in frank if r["dataset"] == "xsum"]
    else:
        print(f"frank: skipped, {frank_path} absent")
    if bbc_path.exists():
        bbc = [json.loads(line) for line in bbc_path.read_text(encoding="utf-8").splitlines()]
        for record in bbc:
            record["gold"] = record["summary"]
        sets["BBC News Summary"] = bbc
    else:
        print(f"bbc: skipped, {bbc_path} absent")
    if not sets:
        print("nothing to measure: ../shared/data/summarization/ is absent")
        return
    try:
        rouge = scorer()
    except ImportError:
        sys.exit("bench/brief.py needs rouge-score: run `make bench-install`")

    every = [r for records in sets.values() for r in records]
    briefs, elapsed = run_brief(
        [{"id": r["id"], "title": r["title"], "text": r["article"]} for r in every], option
    )
    print(
        f"{ours}: {len(every)} articles in {elapsed:.1f} s = {len(every) / elapsed:.0f} "
        "articles/s on one core (one process; 2 cores shared with other work, timings noisy)"
    )
    good = total = 0
    for record in every:
        g, t = traceable(briefs[record["id"]], record["article"])
        good, total = good + g, total + t
    print(
        f"traceability: {good}/{total} brief sentences ({100 * good / max(total, 1):.1f}%) equal "
        "or are a deletion-only subsequence of the source sentence they cite"
    )

    baselines = {"Lead-3": lead3, "TextRank": textrank, "LexRank": lexrank}
    if args.quick:
        print("--quick: TextRank and LexRank skipped (a full run prints them)")
        del baselines["TextRank"], baselines["LexRank"]
    for name, records in sets.items():
        parts = {name: records}
        if name == "frank CNN/DM":
            parts["  calibration half (hash 0-7)"] = [
                r for r in records if r["hash"][0] in "01234567"
            ]
            parts["  HELD-OUT half (hash 8-f)"] = [
                r for r in records if r["hash"][0] not in "01234567"
            ]
        for part, items in parts.items():
            rows = []
            brief_pairs = [
                ([s["text"] for s in briefs[r["id"]]["sentences"]], r["gold"]) for r in items
            ]
            rows.append((f"{ours} (ours)", score(rouge, brief_pairs), ""))
            for label, method in baselines.items():
                started = time.perf_counter()
                outputs = [method(r["article"]) for r in items]
                speed = len(items) / (time.perf_counter() - started)
                rows.append(
                    (
                        label,
                        score(rouge, list(zip(outputs, [r["gold"] for r in items], strict=True))),
                        f"{speed:.0f}/s",
                    )
                )
            systems = sorted({m for r in items for m in r.get("system_summaries", {})})
            for system in systems:
                pairs = [
                    (reference_sentences(r["system_summaries"][system]), r["gold"])
                    for r in items
                    if system in r["system_summaries"]
                ]
                rows.append((f"{system} (stored neural output)", score(rouge, pairs), ""))
            report(f"{part}: {len(items)} articles", rows)
            if part == "frank CNN/DM":
                _print_intervals(rouge, items, brief_pairs)


if __name__ == "__main__":
    main()
