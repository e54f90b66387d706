"""Story grouping benchmark: ``newsdesk cluster`` against baselines measured in the same run.

Run from the project root (a few minutes; the machine's 2 cores are shared, so the rates are
noisy and the quality figures are not)::

    .venv/bin/python bench/cluster.py
    .venv/bin/python bench/cluster.py --tune      # also re-run the threshold grid on the dev seed

Data (``../shared/data/clustering/``, skipped, saying so, when absent):

- ``uci_headlines_dev.csv``: 3,318 headlines, 44 gold stories. Its timestamps are sequential per
  story (a crawl artefact: a time-gap rule would score 1.0), so every headline gets a seeded
  random time in the set's span and the stream is replayed in that order. Seed 1 is the DEV
  replay (every threshold, ours and the baselines', is chosen on it); seed 2 is the TEST replay
  reported with the dev-chosen thresholds. Offline average link is an upper reference: its cut
  is chosen on the same data it is scored on (order does not matter to it).
- ``wikiref220.jsonl``: 220 full-text articles, 5 topics plus 11 small "noise" topics (each
  scored as its own gold class); the file has no dates, so they get seeded random times in 36 h.
  The vote thresholds come from UCI dev; CENTROID_FLOOR (which only applies to articles with
  a body) was chosen looking at this set and the demo corpus, so read both as dev figures.
- The demo corpus (invented stories, newsdesk/demo/corpus).

Everything of ours goes through the real command, as a user runs it, in a subprocess:
``python -m newsdesk.cli cluster --in A.jsonl --out B.jsonl``. Rates: articles per wall second
of the whole command (start-up included) and per CPU second of the child (``per core``).
Memory: the UCI stream replayed 10 times, each replay shifted past the story window; peak RSS
of the command for 1 and 10 replays, and RSS after each replay in a child that streams the
same replays through ``StreamGrouper`` without holding the input.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

# One BLAS thread: OpenBLAS's worker threads waking for every small product slow the in-process
# baselines several-fold on this shared 2-core machine (set before numpy is imported).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "clustering"
UCI = DATA / "uci_headlines_dev.csv"
WIKI = DATA / "wikiref220.jsonl"
DEV_SEED, TEST_SEED = 1, 2
# Cosine cut-offs tried for the baselines (low ones matter: headline vectors are sparse).
THRESHOLDS = [0.01, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2, 0.225, 0.25, 0.3]
THRESHOLDS += [0.35, 0.4, 0.45, 0.5, 0.6]
REPLAYS = 10

from newsdesk import limits  # noqa: E402
from newsdesk.core.brief import clean_headline  # noqa: E402
from newsdesk.core.documents import ArticleText  # noqa: E402
from newsdesk.core.group_features import LEAD_WORDS, TITLE_WEIGHT  # noqa: E402
from newsdesk.core.text import content_words  # noqa: E402

# --- data ---------------------------------------------------------------------------------


def uci_records(seed: int, shift: timedelta = timedelta(0)) -> list[dict]:
    with UCI.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    stamps = [int(r["TIMESTAMP"]) for r in rows]
    rng = random.Random(seed)
    low, high = min(stamps), max(stamps)
    records = []
    for row in rows:
        when = datetime.fromtimestamp(rng.randint(low, high) / 1000, UTC) + shift
        records.append(
            {
                "id": row["ID"],
                "title": row["TITLE"],
                "text": "",
                "outlet": row["PUBLISHER"],
                "published": when.isoformat(),
                "gold": row["STORY"],
            }
        )
    return sorted(records, key=lambda r: (r["published"], int(r["id"])))


def wiki_records(seed: int) -> list[dict]:
    rng = random.Random(seed)
    start = datetime(2016, 1, 1, tzinfo=UTC)
    records = []
    for number, line in enumerate(WIKI.read_text(encoding="utf-8").splitlines()):
        doc = json.loads(line)
        text = doc["text"].replace("\r\n", "\n").strip()
        title, _, body = text.partition("\n")
        when = start + timedelta(seconds=rng.randint(0, 36 * 3600))
        records.append(
            {
                "id": str(number),
                "title": title.strip(),
                "text": body.strip(),
                "published": when.isoformat(),
                "gold": doc["topic_label"],
            }
        )
    return sorted(records, key=lambda r: (r["published"], int(r["id"])))


def demo_records() -> list[dict]:
    from newsdesk.demo.farm import load_corpus

    _, articles = load_corpus(now=datetime(2026, 11, 22, tzinfo=UTC))
    return sorted(
        (
            {
                "id": a.id,
                "title": a.title,
                "text": "\n\n".join(a.paragraphs),
                "outlet": a.outlet["name"],
                "published": a.published.isoformat(),
                "gold": a.story,
            }
            for a in articles
        ),
        key=lambda r: (r["published"], r["id"]),
    )


# --- metrics ------------------------------------------------------------------------------


def bcubed(pred: list, gold: list) -> tuple[float, float, float]:
    in_pred, in_gold, both = Counter(pred), Counter(gold), Counter(zip(pred, gold, strict=True))
    precision = sum(c * c / in_pred[p] for (p, _), c in both.items()) / len(pred)
    recall = sum(c * c / in_gold[g] for (_, g), c in both.items()) / len(pred)
    return precision, recall, _f1(precision, recall)


def pairwise(pred: list, gold: list) -> tuple[float, float, float]:
    def pairs(counts: Counter) -> float:
        return sum(c * (c - 1) / 2 for c in counts.values())

    together = pairs(Counter(zip(pred, gold, strict=True)))
    precision = together / pairs(Counter(pred)) if pairs(Counter(pred)) else 1.0
    recall = together / pairs(Counter(gold)) if pairs(Counter(gold)) else 1.0
    return precision, recall, _f1(precision, recall)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def scores(pred: list, gold: list) -> str:
    pp, pr, pf = pairwise(pred, gold)
    bp, br, bf = bcubed(pred, gold)
    return (
        f"pairwise P {pp:.3f} R {pr:.3f} F1 {pf:.3f} | "
        f"B-cubed P {bp:.3f} R {br:.3f} F1 {bf:.3f} | {len(set(pred))} stories"
    )


# --- ours, through the command ------------------------------------------------------------


def run_command(records: list[dict], workdir: Path, name: str) -> tuple[dict, float, float, int]:
    """Story per id, wall seconds, child CPU seconds, child peak RSS (KiB)."""
    source, target = workdir / f"{name}.in.jsonl", workdir / f"{name}.out.jsonl"
    with source.open("w", encoding="utf-8") as out:
        for r in records:
            out.write(json.dumps({k: v for k, v in r.items() if k != "gold"}) + "\n")
    command = [
        sys.executable,
        "-m",
        "newsdesk.cli",
        "cluster",
        "--in",
        str(source),
        "--out",
        str(target),
    ]
    env = dict(os.environ, ORT_DISABLE_TELEMETRY="1")
    started = time.perf_counter()
    with (workdir / f"{name}.err").open("w+") as errors:
        child = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=errors, env=env, cwd=ROOT
        )
        # The child's own peak RSS is VmHWM, read until it exits: ru_maxrss would count the
        # parent's pages the child had before exec. wait4 gives the child's own CPU time.
        peak_kib = _watch_peak_rss(child.pid)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        errors.seek(0)
        if child.returncode != 0:
            raise SystemExit(f"newsdesk cluster failed on {name}:\n{errors.read()}")
    cpu, rss = usage.ru_utime + usage.ru_stime, peak_kib
    stories = {}
    for line in target.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        stories[record["id"]] = record["story"]
    return stories, wall, cpu, rss


def _watch_peak_rss(pid: int) -> int:
    peak = 0
    status = Path(f"/proc/{pid}/status")
    while True:
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            return peak
        if fields.get("State", "").strip().startswith("Z") or "VmHWM" not in fields:
            return peak
        peak = max(peak, int(fields["VmHWM"].split()[0]))
        time.sleep(0.02)


def report_ours(label: str, records: list[dict], workdir: Path) -> float:
    stories, wall, cpu, _ = run_command(records, workdir, label.split()[0])
    pred = [stories[r["id"]] for r in records]
    gold = [r["gold"] for r in records]
    n = len(records)
    print(f"  newsdesk cluster  {scores(pred, gold)}")
    print(
        f"    {n / wall:,.0f} articles/s wall (start-up included), "
        f"{n / cpu:,.0f} articles/s per core (child CPU time {cpu:.2f} s)"
    )
    return bcubed(pred, gold)[2]


# --- baselines: TF-IDF -------------------------------------------------------------------

# The single-pass TF-IDF baseline is tuned like ours: every variant below x every threshold of
# THRESHOLDS is run on the dev replay and the best pair is reported on dev and test. Variants:
# - tokens: "plain" = scikit-learn's default (lower-cased runs of 2+ word characters, no stop
#   list, no stemming, IDF discounts function words); "content" = our stop list and stemmer.
# - idf: "set" = smoothed IDF over the whole evaluated set (more than a stream can know);
#   "english" = IDF from a background corpus, here wordfreq's English frequencies
#   (-log10 p = 9 - zipf: what a deployed system without a news archive would use); "none".
# Sublinear tf (1 + log tf) and the headline counted TITLE_WEIGHT times (as ours reads it) are
# always on: they only matter with a body. Measured on UCI dev (seed 1, best threshold each):
# plain/english 0.734, content/none 0.679, plain/set 0.706, content/set 0.646 (the previous
# bench's variant, 0.653 with its threshold grid), plain/none 0.557, content/english 0.672.
# Set IDF hurts here because each gold story is big (up to 317 of 3,318 headlines), so a
# story's own key words are the set's common words.
TFIDF_VARIANTS = [
    (tokens, idf) for tokens in ("plain", "content") for idf in ("english", "set", "none")
]
_PLAIN_WORD = __import__("re").compile(r"(?u)\b\w\w+\b")


def _tokens(text: str, kind: str) -> list[str]:
    if kind == "plain":
        return _PLAIN_WORD.findall(text.lower())
    return content_words(text)


def tfidf_matrix(records: list[dict], variant: tuple[str, str] = ("plain", "english")):
    """Headline (x TITLE_WEIGHT) + lead, as ours reads them, weighted as ``variant`` says."""
    from wordfreq import zipf_frequency

    tokens, idf = variant
    bags = []
    for r in records:
        bag = Counter()
        for w in _tokens(clean_headline(r["title"], r.get("outlet", "")), tokens):
            bag[w] += TITLE_WEIGHT
        bag.update(_tokens(" ".join(r["text"].split()[:LEAD_WORDS]), tokens))
        bags.append(bag)
    vocab = {w: i for i, w in enumerate(sorted({w for b in bags for w in b}))}
    df = Counter(w for b in bags for w in b)
    n = len(bags)
    weights = {}
    for w in vocab:
        if idf == "set":
            weights[w] = math.log((1 + n) / (1 + df[w])) + 1
        elif idf == "english":
            weights[w] = 9 - zipf_frequency(w, "en")
        else:
            weights[w] = 1.0
    matrix = np.zeros((n, len(vocab)), dtype=np.float32)
    for i, bag in enumerate(bags):
        for w, c in bag.items():
            matrix[i, vocab[w]] = (1 + math.log(c)) * weights[w]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def tuned_single_pass(records: list[dict]) -> tuple[float, tuple[str, str], float]:
    """(dev F1, variant, threshold): the best single-pass TF-IDF configuration on ``records``."""
    gold = [r["gold"] for r in records]
    best = (-1.0, TFIDF_VARIANTS[0], THRESHOLDS[0])
    for variant in TFIDF_VARIANTS:
        matrix = tfidf_matrix(records, variant)
        f1, threshold = best_threshold(lambda t, m=matrix: single_pass(m, t), gold, THRESHOLDS)
        best = max(best, (f1, variant, threshold))
    return best


def single_pass(matrix: np.ndarray, threshold: float) -> list[int]:
    """Classic single-pass clustering: join the most similar centroid (cosine), else start."""
    sums = np.zeros_like(matrix)
    norms = np.zeros(len(matrix), dtype=np.float32)
    labels, count = [], 0
    for row in matrix:
        terms = np.flatnonzero(row)
        best = -1
        if count and len(terms):
            similarity = sums[:count, terms] @ row[terms] / np.maximum(norms[:count], 1e-9)
            j = int(np.argmax(similarity))
            if similarity[j] >= threshold:
                best = j
        if best < 0:
            best, count = count, count + 1
        sums[best] += row
        norms[best] = np.linalg.norm(sums[best])
        labels.append(best)
    return labels


def average_link(matrix: np.ndarray, is_similarity: bool = False):
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    distance = np.clip(1 - (matrix if is_similarity else matrix @ matrix.T), 0, 2)
    np.fill_diagonal(distance, 0)
    return linkage(squareform(distance, checks=False), "average")


def cut(tree, threshold: float) -> list[int]:
    from scipy.cluster.hierarchy import fcluster

    return list(fcluster(tree, 1 - threshold, "distance"))


def best_threshold(run, gold: list, grid) -> tuple[float, float]:
    results = [(bcubed(run(t), gold)[2], t) for t in grid]
    return max(results)


def ours_features_matrix(records: list[dict]) -> np.ndarray:
    from newsdesk.core.group_features import article_features

    feats = [article_features(_article(r), vector=b"") for r in records]
    vocab = {w: i for i, w in enumerate(sorted({w for f in feats for w in f.terms}))}
    matrix = np.zeros((len(feats), len(vocab)), dtype=np.float32)
    for i, f in enumerate(feats):
        for w, v in f.terms.items():
            matrix[i, vocab[w]] = v
    return matrix


def _article(r: dict) -> ArticleText:
    return ArticleText(
        r["id"],
        r["title"],
        r["text"],
        outlet=r.get("outlet", ""),
        published=datetime.fromisoformat(r["published"]),
    )


# --- tuning -------------------------------------------------------------------------------


TUNE_SEEDS = (1, 3, 5)  # dev replays: the test replay (seed 2) is never tuned on


def tune() -> None:
    """The grid the HYBRID_* constants of newsdesk/core/group.py were chosen from: mean B-cubed
    F1 over the dev replays, in process (the same StreamGrouper code the command runs), each
    article's features computed once."""
    from dataclasses import replace

    from newsdesk.core.group import (
        HYBRID_STORY_MEAN_FLOOR,
        EmbeddingVote,
        StoryMatcher,
        StreamGrouper,
    )
    from newsdesk.core.group_features import articles_features

    base = uci_records(DEV_SEED)
    features = {f.id: f for f in articles_features([_article(r) for r in base])}

    def replay(seed: int) -> tuple:
        records = uci_records(seed)
        articles = [_article(r) for r in records]
        return (
            articles,
            [replace(features[a.id], published=a.published) for a in articles],
            [r["gold"] for r in records],
        )

    replays = [replay(seed) for seed in TUNE_SEEDS]

    def mean_f1(matcher: StoryMatcher, on: list | None = None) -> float:
        f1s = []
        for articles, feats, gold in on or replays:
            grouper = StreamGrouper(matcher)
            pred = [grouper.add(a, f) for a, f in zip(articles, feats, strict=True)]
            pred = [grouper.story_key(k, a.id) for k, a in zip(pred, articles, strict=True)]
            f1s.append(bcubed(pred, gold)[2])
        return sum(f1s) / len(f1s)

    def mean_floor(floor: float | None) -> StoryMatcher:
        return StoryMatcher(embedding_vote=EmbeddingVote(story_mean_floor=floor))

    print(f"  grid on DEV seeds {TUNE_SEEDS}, mean B-cubed F1 (in process, same code):")
    floors = {0.7: (0.26, 0.3, 0.34), 0.8: (0.3, 0.34, 0.38), 0.9: (0.34, 0.38, 0.42)}
    floors[1.0] = (0.36, 0.4, 0.44)
    for weight, weight_floors in floors.items():
        for floor in weight_floors:
            row = []
            for threshold in (0.3, 0.7):
                vote = EmbeddingVote(weight=weight, floor=floor, threshold=threshold)
                matcher = StoryMatcher(embedding_vote=vote)
                row.append(f"{threshold}:{mean_f1(matcher):.3f}")
            print(f"    weight={weight} floor={floor:<4} " + " ".join(row), flush=True)
    for neighbours in (3, 5, 20):
        f1 = mean_f1(StoryMatcher(embedding_vote=EmbeddingVote(neighbours=neighbours)))
        print(f"    k={neighbours} (other settings as chosen): {f1:.3f}", flush=True)
    # HYBRID_STORY_MEAN_FLOOR, chosen later, on dev seed 1, with the settings above fixed; then
    # checked on more dev orders and on the test orders.
    seed_one = [replays[TUNE_SEEDS.index(DEV_SEED)]]
    row = [
        f"{floor}:{mean_f1(mean_floor(floor), seed_one):.3f}"
        for floor in (None, 0.15, 0.17, 0.18, 0.19, 0.2, 0.22)
    ]
    print(f"    story mean floor, dev seed {DEV_SEED}: " + " ".join(row), flush=True)
    more_dev = [replay(seed) for seed in range(1, 16, 2)]
    test = [replay(seed) for seed in (2, 4, 6, 8)]
    for floor in (None, HYBRID_STORY_MEAN_FLOOR):
        matcher = mean_floor(floor)
        print(
            f"    story mean floor {floor}: dev seeds 1,3,...,15 {mean_f1(matcher, more_dev):.4f}, "
            f"test seeds 2,4,6,8 {mean_f1(matcher, test):.4f}",
            flush=True,
        )


# --- memory ---------------------------------------------------------------------------------


def memory_child() -> None:
    """Stream REPLAYS shifted replays through StreamGrouper; print RSS after each."""
    from newsdesk.core.group import StreamGrouper

    grouper = StreamGrouper()
    shift = timedelta(hours=limits.STORY_WINDOW_HOURS) + timedelta(days=3)
    for replay in range(REPLAYS):
        for r in uci_records(DEV_SEED, shift * replay):
            r["id"] = f"{replay}-{r['id']}"
            grouper.add(_article(r))
        with open("/proc/self/statm") as statm:
            rss_mib = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        print(f"{replay + 1} {rss_mib:.1f} {len(grouper.live)}", flush=True)


def memory(workdir: Path) -> None:
    shift = timedelta(hours=limits.STORY_WINDOW_HOURS) + timedelta(days=3)
    one = uci_records(DEV_SEED)
    many = []
    for replay in range(REPLAYS):
        for r in uci_records(DEV_SEED, shift * replay):
            many.append(dict(r, id=f"{replay}-{r['id']}"))
    _, _, _, rss_one = run_command(one, workdir, "replay1")
    _, wall, cpu, rss_many = run_command(many, workdir, f"replay{REPLAYS}")
    print(
        f"  newsdesk cluster peak RSS: 1 replay {rss_one / 1024:.0f} MiB, {REPLAYS} replays "
        f"{rss_many / 1024:.0f} MiB ({len(many):,} headlines, {len(many) / cpu:,.0f}/s per core;"
        " the command holds its whole input to sort it by date, which is part of any growth)"
    )
    done = subprocess.run(
        [sys.executable, __file__, "--memory-child"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, ORT_DISABLE_TELEMETRY="1"),
    )
    rows = [line.split() for line in done.stdout.splitlines()]
    print(
        "  StreamGrouper alone, RSS MiB after each replay (live stories): "
        + ", ".join(f"{mib} ({live})" for _, mib, live in rows)
    )


# --- main -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="re-run our threshold grid on dev")
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child()
        return
    try:
        import scipy  # noqa: F401  (the offline reference (b): average-link clustering)
    except ImportError:
        sys.exit("bench/cluster.py needs scipy: run `make bench-install`")
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        workdir = Path(tmp)
        if UCI.exists():
            uci(workdir, args.tune)
        else:
            print(f"skipped: {UCI} absent")
        if WIKI.exists():
            wiki(workdir)
        else:
            print(f"skipped: {WIKI} absent")
        demo(workdir)


def uci(workdir: Path, tuning: bool) -> None:
    print(f"UCI headlines ({UCI.name}), shuffled times; dev seed {DEV_SEED}, test seed {TEST_SEED}")
    dev, test = uci_records(DEV_SEED), uci_records(TEST_SEED)
    if tuning:
        tune()
    f1, variant, chosen = tuned_single_pass(dev)
    print(
        f"  (a) single-pass TF-IDF centroid: tokens {variant[0]}, IDF {variant[1]}, threshold "
        f"{chosen}, chosen on dev among {len(TFIDF_VARIANTS)} variants (dev F1 {f1:.3f})"
    )
    for label, records in (("DEV", dev), ("TEST", test)):
        gold = [r["gold"] for r in records]
        print(
            f" {label} seed {DEV_SEED if label == 'DEV' else TEST_SEED}, {len(records)} headlines"
        )
        report_ours(f"uci-{label}", records, workdir)
        started = time.process_time()
        pred = single_pass(tfidf_matrix(records, variant), chosen)
        rate = len(records) / (time.process_time() - started)
        print(f"  (a) single-pass TF-IDF  {scores(pred, gold)} ({rate:,.0f}/s per core, numpy)")
    rates(dev, "UCI dev headlines")
    more_replays(variant, chosen)
    gold = [r["gold"] for r in dev]
    for name, similarity in offline_similarities(dev, variant):
        tree = average_link(similarity, is_similarity=True)
        f1, t = best_threshold(lambda t, tree=tree: cut(tree, t), gold, FINE)
        print(f"  (b) offline average link on {name}, best cut {t} (upper reference)")
        print(f"      {scores(cut(tree, t), gold)}")
    memory(workdir)


# Cuts tried for offline average link, every 0.01: a coarse grid sold the upper reference short
# (MiniLM's best cut on UCI dev is near 0.28, between the old grid's 0.25 and 0.3).
FINE = [round(0.01 * n, 2) for n in range(1, 91)]


def offline_similarities(records: list[dict], variant: tuple[str, str]):
    """(name, similarity matrix) for the offline references: TF-IDF, our term vectors, MiniLM
    (if installed) and our hybrid mix of the two."""
    from newsdesk.core.group import EMBEDDING_WEIGHT
    from newsdesk.core.group_features import embed_articles, embeddings_enabled

    tfidf = tfidf_matrix(records, variant)
    yield f"TF-IDF ({variant[0]}/{variant[1]})", tfidf @ tfidf.T
    terms = ours_features_matrix(records)
    lexical = terms @ terms.T
    yield "our term vectors", lexical
    if embeddings_enabled():
        from newsdesk.core.group_features import dequantise

        codes = embed_articles([_article(r) for r in records])
        vectors = np.stack([dequantise(c) for c in codes])
        embedded = np.einsum("ik,jk->ij", vectors, vectors)
        yield "MiniLM embeddings", embedded
        mixed = EMBEDDING_WEIGHT * embedded + (1 - EMBEDDING_WEIGHT) * lexical
        yield f"our hybrid ({EMBEDDING_WEIGHT} MiniLM + rest terms)", mixed


def rates(records: list[dict], name: str) -> None:
    """Ours in process, per CPU second with features (embedding included) and decisions, the
    model loaded beforehand: one article at a time (as ``newsdesk cluster`` runs) and with
    the embeddings batched by 32 as a feed poll delivers them (``StreamGrouper.add_many``)."""
    from newsdesk.core.group import StreamGrouper

    articles = [_article(r) for r in records]
    StreamGrouper().add_many(articles[:2])  # loads the model: not counted
    started = time.process_time()
    single = StreamGrouper()
    pred = [single.add(a) for a in articles]
    pred = [single.story_key(k, a.id) for k, a in zip(pred, articles, strict=True)]
    one_rate = len(articles) / (time.process_time() - started)
    started = time.process_time()
    grouper, batched = StreamGrouper(), []
    for start in range(0, len(articles), 32):
        batched += grouper.add_many(articles[start : start + 32])
    batched = [grouper.story_key(k, a.id) for k, a in zip(batched, articles, strict=True)]
    batch_rate = len(articles) / (time.process_time() - started)
    gold = [r["gold"] for r in records]
    print(
        f"  {name} in process (model loaded): {one_rate:,.0f} articles/s per core one at a "
        f"time (F1 {bcubed(pred, gold)[2]:.3f}), {batch_rate:,.0f}/s embedded in batches of 32 "
        f"(F1 {bcubed(batched, gold)[2]:.3f})"
    )


MORE_DEV_SEEDS, MORE_TEST_SEEDS = (1, 3, 5), (2, 4, 6, 8)


def more_replays(variant: tuple[str, str], threshold: float) -> None:
    """One replay is one random order, and streaming depends on order: B-cubed F1 on more
    replays, ours (in process, the same code) and (a) with its dev-chosen settings. Our
    settings were chosen on the mean of the dev seeds; the test seeds were never tuned on."""
    from dataclasses import replace

    from newsdesk.core.group import StreamGrouper
    from newsdesk.core.group_features import articles_features

    base = uci_records(DEV_SEED)
    features = {f.id: f for f in articles_features([_article(r) for r in base])}
    for label, seeds in (("dev", MORE_DEV_SEEDS), ("test", MORE_TEST_SEEDS)):
        ours, theirs = [], []
        for seed in seeds:
            records = uci_records(seed)
            gold = [r["gold"] for r in records]
            grouper = StreamGrouper()
            pred = [
                grouper.add(a, replace(features[a.id], published=a.published))
                for a in map(_article, records)
            ]
            pred = [grouper.story_key(k, r["id"]) for k, r in zip(pred, records, strict=True)]
            ours.append(bcubed(pred, gold)[2])
            theirs.append(bcubed(single_pass(tfidf_matrix(records, variant), threshold), gold)[2])
        print(
            f"  {label} replays (seeds {', '.join(map(str, seeds))}), B-cubed F1: ours "
            f"{' '.join(f'{f:.3f}' for f in ours)} (mean {np.mean(ours):.3f}); (a) "
            f"{' '.join(f'{f:.3f}' for f in theirs)} (mean {np.mean(theirs):.3f})"
        )


def wiki(workdir: Path) -> None:
    from newsdesk.core.group import StreamGrouper

    records = wiki_records(DEV_SEED)
    gold = [r["gold"] for r in records]
    print(
        f"WikiRef220 ({len(records)} full-text articles; "
        "vote thresholds from UCI dev, centroid floor seen on it)"
    )
    report_ours("wiki", records, workdir)
    rates(records, "WikiRef220")
    f1, variant, chosen = tuned_single_pass(records)
    matrix = tfidf_matrix(records, variant)
    print(
        f"  (a) single-pass TF-IDF, {variant[0]}/{variant[1]}, threshold {chosen}, "
        "tuned on this set (favours it)"
    )
    print(f"      {scores(single_pass(matrix, chosen), gold)}")
    ours, theirs = [], []
    for seed in MORE_TEST_SEEDS:
        other = wiki_records(seed)
        other_gold = [r["gold"] for r in other]
        grouper = StreamGrouper()
        placed = grouper.add_many([_article(r) for r in other])
        final = [grouper.story_key(k, r["id"]) for k, r in zip(placed, other, strict=True)]
        ours.append(bcubed(final, other_gold)[2])
        theirs.append(bcubed(single_pass(tfidf_matrix(other, variant), chosen), other_gold)[2])
    print(
        f"  other orders (seeds {', '.join(map(str, MORE_TEST_SEEDS))}; (a) keeps the settings "
        f"tuned on seed {DEV_SEED}), B-cubed F1: ours {' '.join(f'{f:.3f}' for f in ours)} "
        f"(mean {np.mean(ours):.3f}); (a) {' '.join(f'{f:.3f}' for f in theirs)} "
        f"(mean {np.mean(theirs):.3f})"
    )
    tree = average_link(matrix @ matrix.T, is_similarity=True)
    f1, t = best_threshold(lambda t: cut(tree, t), gold, FINE)
    print(f"  (b) offline average link on TF-IDF, best cut {t}: {scores(cut(tree, t), gold)}")


def demo(workdir: Path) -> None:
    records = demo_records()
    count = len({r["gold"] for r in records})
    print(
        f"Demo corpus ({len(records)} articles, {count} invented stories; centroid floor "
        "seen on it)"
    )
    stories, _, _, _ = run_command(records, workdir, "demo")
    pred = [stories[r["id"]] for r in records]
    print(f"  newsdesk cluster  {scores(pred, [r['gold'] for r in records])}")
    by_gold = {}
    for r in records:
        by_gold.setdefault(r["gold"], set()).add(stories[r["id"]])
    apart = by_gold["cscb-rate-rise"].isdisjoint(by_gold["norvia-interest-rate-cut"])
    print(f"  cscb-rate-rise and norvia-interest-rate-cut kept apart: {apart}")


if __name__ == "__main__":
    main()
