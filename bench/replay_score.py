"""Scores for bench/replay.py: B-cubed against our labelled events, beside two references.

Labels: ``bench/replay_events.jsonl``. Its first line says how events were decided; then one
``{"event", "description"}`` line per event and one ``{"id", "event"}`` line per labelled
article (``id``: the feed's GUID of the article, or its URL when the feed gives none).

References, run on every article of the same window (then scored on the labelled ones):
(a) single-pass TF-IDF centroid clustering in time order (bench/cluster.py's, with the
tokens, IDF and threshold it chooses on UCI dev: plain tokens, English IDF, 0.125);
(b) offline average link on MiniLM embeddings (scipy), cut where it scores best on UCI dev
(chosen in this run, a different data set) and, as an upper reference, at the cut that scores
best on these very labels (says so).
"""

from __future__ import annotations

import importlib
import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import numpy as np

# bench/cluster.py's choice on UCI dev for (a) (see bench/README.md).
TFIDF_VARIANT, TFIDF_THRESHOLD = ("plain", "english"), 0.125


def load_labels(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(article id -> event, event -> description)."""
    labels, events = {}, {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        if "id" in record:
            labels[record["id"]] = record["event"]
        elif "description" in record:
            events[record["event"]] = record["description"]
    return labels, events


def _core_articles(articles: list[dict]):
    from newsdesk.core.documents import ArticleText

    return [
        ArticleText(
            str(i),
            a["title"],
            a["text"],
            url=a.get("url", ""),
            outlet=a["outlet"],
            published=datetime.fromisoformat(a["published"]),
        )
        for i, a in enumerate(articles)
    ]


def run_grouper(spec: str, articles: list[dict]) -> list[str]:
    """Story keys from ``spec``: 'newsdesk' (the core's StreamGrouper, in published order, as
    ``newsdesk cluster`` runs it) or 'module:function' taking the article dicts."""
    if spec == "newsdesk":
        order = sorted(range(len(articles)), key=lambda i: articles[i]["published"])
        return _stream(_core_articles(articles), order)
    module, _, function = spec.partition(":")
    return [str(k) for k in getattr(importlib.import_module(module), function)(articles)]


def _stream(core, order: list[int]) -> list[str]:
    from newsdesk.core.group import StreamGrouper

    grouper = StreamGrouper(now=lambda: max(a.published for a in core))
    placed = grouper.add_many([core[i] for i in order])
    keys = [""] * len(core)
    for i, key in zip(order, placed, strict=True):
        keys[i] = grouper.story_key(key, core[i].id)
    return keys


def _records(articles: list[dict]) -> list[dict]:
    return [
        {"id": str(i), "title": a["title"], "text": a["text"], "outlet": a["outlet"]}
        for i, a in enumerate(articles)
    ]


def minilm_vectors(records: list[dict]) -> np.ndarray | None:
    import cluster

    from newsdesk.core.group_features import dequantise, embed_articles, embeddings_enabled

    if not embeddings_enabled():
        return None
    codes = embed_articles([cluster._article({**r, "published": "2000-01-01"}) for r in records])
    return np.stack([dequantise(c) for c in codes])


def uci_minilm_cut() -> float | None:
    """The MiniLM average-link cut scoring best on UCI dev (seed 1), or None without UCI."""
    import cluster

    if not cluster.UCI.exists():
        return None
    dev = cluster.uci_records(cluster.DEV_SEED)
    vectors = minilm_vectors(dev)
    if vectors is None:
        return None
    tree = cluster.average_link(vectors @ vectors.T, is_similarity=True)
    gold = [r["gold"] for r in dev]
    return cluster.best_threshold(lambda t: cluster.cut(tree, t), gold, cluster.FINE)[1]


def score(
    articles: list[dict], labels_path: Path, references: bool = True, name: str = "newsdesk"
) -> None:
    """B-cubed of the articles' ``story`` (named ``name``) and of the references, printed."""
    import cluster

    if not labels_path.exists():
        print(f"\nNo labels at {labels_path}: no B-cubed scores.")
        return
    labels, events = load_labels(labels_path)
    by_id = {a["id"]: i for i, a in enumerate(articles)}
    by_id.update({a.get("url", ""): i for i, a in enumerate(articles) if a.get("url")})
    chosen = sorted({by_id[k] for k in labels if k in by_id})
    chosen_ids = [k for k in labels if k in by_id]
    missing = len(labels) - len(chosen_ids)
    if len(chosen) < len(labels) / 2:
        # A few ids can recur in another window (an outlet re-using an explainer's URL).
        print(
            f"\nOnly {len(chosen)} of the {len(labels)} labelled articles are in this window: "
            "the labels are for another window; no scores."
        )
        return
    gold_of = {by_id[k]: labels[k] for k in chosen_ids}
    gold = [gold_of[i] for i in chosen]
    outlets = {articles[i]["outlet"] for i in chosen}
    print(
        f"\nB-cubed on {len(chosen)} labelled articles ({len(set(gold))} events, "
        f"{len(outlets)} outlets; {missing} labels not in this window); references run on "
        f"all {len(articles)} articles of the window, scored on the same labelled ones:"
    )

    def line(name: str, stories: list) -> float:
        pred = [stories[i] for i in chosen]
        p, r, f = cluster.bcubed(pred, gold)
        print(f"  {name:<66} P {p:.3f} R {r:.3f} F1 {f:.3f}  ({len(set(pred))} stories)")
        return f

    line(name, [a["story"] for a in articles])
    mixing(articles, gold_of)
    if not references:
        return
    records = _records(articles)
    matrix = cluster.tfidf_matrix(records, TFIDF_VARIANT)
    tokens, idf = TFIDF_VARIANT
    line(
        f"(a) single-pass TF-IDF {tokens}/{idf}, {TFIDF_THRESHOLD} (UCI dev)",
        cluster.single_pass(matrix, TFIDF_THRESHOLD),
    )
    best = max(
        (cluster.bcubed([s[i] for i in chosen], gold)[2], t, s)
        for t in cluster.THRESHOLDS
        for s in [cluster.single_pass(matrix, t)]
    )
    line(f"(a) same, best threshold on these labels ({best[1]}; upper reference)", best[2])
    vectors = minilm_vectors(records)
    if vectors is None:
        print("  (b) skipped: MiniLM is not installed or NEWSDESK_GROUP_EMBEDDINGS=0")
        return
    tree = cluster.average_link(vectors @ vectors.T, is_similarity=True)

    def cut(threshold: float) -> list:
        return cluster.cut(tree, threshold)

    uci_cut = uci_minilm_cut()
    if uci_cut is not None:
        line(
            f"(b) average link, MiniLM, cut {uci_cut} (best on UCI dev)", cluster.cut(tree, uci_cut)
        )
    f1, t = cluster.best_threshold(
        lambda t: [cluster.cut(tree, t)[i] for i in chosen], gold, cluster.FINE
    )
    line(
        f"(b) average link, MiniLM, cut {t} (best on these labels; upper ref.)",
        cluster.cut(tree, t),
    )


def mixing(articles: list[dict], gold_of: dict[int, str], top: int = 20) -> None:
    """The labelled events inside each of the ``top`` largest stories: more than one is a mix."""
    members: dict[str, list[int]] = {}
    for i, a in enumerate(articles):
        members.setdefault(a["story"], []).append(i)
    largest = sorted(members, key=lambda k: (-len(members[k]), k))[:top]
    print(f"  labelled events inside the {len(largest)} largest stories (2+ events: mixed):")
    mixed = 0
    for rank, key in enumerate(largest, 1):
        events = Counter(gold_of[i] for i in members[key] if i in gold_of)
        mixed += len(events) >= 2
        listed = ", ".join(f"{e} {c}" for e, c in events.most_common(6)) or "none labelled"
        print(f"   {rank:>2}. [{len(members[key])}] {listed}")
    print(f"  {mixed} of the {len(largest)} largest stories hold 2+ labelled events")
