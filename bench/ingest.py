"""Ingest benchmark: pipeline throughput on a synthetic outlet farm, and extraction quality.

Run from the project root (1-3 minutes in full; ``make bench`` runs the same)::

    .venv/bin/python bench/ingest.py
    .venv/bin/python bench/ingest.py --copies 5 --limit 200     # a quick look
    .venv/bin/python bench/ingest.py --skip-extraction          # part A only (--skip-throughput: B)

A) Throughput. The demo outlet farm (newsdesk.demo.farm) multiplied ``--copies`` times: copy k
   has its own feed per outlet and its own article pages, dated k x 10 days earlier so its
   stories never meet another copy's in the 72 h story window, and a "[copy k]" mark on every
   paragraph so every page is a distinct text, as real articles are (no cache or duplicate
   check can make a copy cheaper than an original). Served over HTTP on 127.0.0.1 (one host,
   so the per-host lease serialises the pass), ingested into a fresh temporary database by
   ``orchestrate.ingest_pass(force=True)``; each stage's time is read off the stage functions.
   The floor, measured in the same run: the same pages fetched with a plain httpx client and
   ``trafilatura.extract`` (defaults) in a loop, with no database.
B) Extraction quality on ../shared/data/extraction/trafilatura-eval/ (trafilatura's own
   evaluation set): ``newsdesk.ingest.extract.extract_text`` against plain
   ``trafilatura.extract`` with defaults. A page scores the share of its "with" snippets found
   in the output and the share of its "without" snippets absent (whitespace normalised).
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import os
import re
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, timedelta
from email.utils import format_datetime
from http.server import ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT.parent / "shared" / "data" / "extraction" / "trafilatura-eval"
# More than the demo corpus's span (5 days) plus twice the story window (2 x 72 h).
COPY_SPACING_DAYS = 10
HTML_LANG = re.compile(rb"""<html\b[^>]*?\blang\s*=\s*["']?\s*([A-Za-z-]+)""", re.IGNORECASE)


# --- A) Throughput -----------------------------------------------------------------------------


def start_copy_farm(copies: int):
    """The demo farm with every outlet and article repeated ``copies`` times, on a free port."""
    from newsdesk.demo.farm import Farm, _handler_for, load_corpus

    class CopyFarm(Farm):
        def __init__(self, base_url: str):
            self.base_url = base_url
            outlets, originals = load_corpus()
            self.outlets, self.articles, self.documents = [], [], {}
            for k in range(copies):
                for outlet in outlets:
                    twin = {**outlet, "slug": f"c{k}/{outlet['slug']}"}
                    self.outlets.append(twin)
                    self.articles += [
                        dataclasses.replace(
                            a,
                            id=f"c{k}-{a.id}",
                            outlet=twin,
                            published=a.published - timedelta(days=COPY_SPACING_DAYS * k),
                            paragraphs=[f"{p} [copy {k}]" if k else p for p in a.paragraphs],
                        )
                        for a in originals
                        if a.outlet is outlet
                    ]
            newest = max(a.published for a in self.articles)
            self.last_modified = format_datetime(newest.astimezone(UTC), usegmt=True)
            self._build()

    holder: dict = {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(holder))
    holder["farm"] = CopyFarm(f"http://127.0.0.1:{server.server_address[1]}")
    threading.Thread(target=server.serve_forever, daemon=True, name="copy-farm").start()
    return server, holder["farm"]


def baseline(urls: list[str]) -> tuple[float, float, int]:
    """Seconds spent in plain httpx GETs and in plain trafilatura.extract; pages with text."""
    import httpx
    import trafilatura

    fetching, extracting, with_text = 0.0, 0.0, 0
    with httpx.Client() as client:
        for url in urls:
            started = time.perf_counter()
            page = client.get(url).text
            fetched = time.perf_counter()
            with_text += bool(trafilatura.extract(page))
            fetching += fetched - started
            extracting += time.perf_counter() - fetched
    return fetching, extracting, with_text


def bench_throughput(copies: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from newsdesk import orchestrate
    from newsdesk.ingest import pages, pipeline, subscriptions
    from newsdesk.ingest.models import Article
    from newsdesk.stories import grouping
    from newsdesk.stories.models import Story

    call_command("migrate", verbosity=0)
    server, farm = start_copy_farm(copies)
    for outlet, url in farm.feed_urls():
        subscriptions.subscribe(url, outlet_name=outlet["name"], family=outlet["family"])
    urls = [farm.base_url + a.path for a in farm.articles]
    n = len(urls)
    print(
        f"\nA) Throughput: {copies} copies x {n // copies} demo articles = {n} article pages, "
        f"{len(farm.outlets)} feeds, served by {farm.base_url} (one host)"
    )
    print(
        f"   fresh SQLite database in {os.environ['NEWSDESK_DATA_DIR']}; "
        f"NEWSDESK_EXTRACT_MAX_AGE_DAYS={os.environ['NEWSDESK_EXTRACT_MAX_AGE_DAYS']} "
        "(old copies get extracted too)"
    )

    import trafilatura  # warm up imports and lazy tables once, outside every timing
    from trafilatura.meta import reset_caches

    trafilatura.extract(farm.documents[farm.articles[0].path][1].decode())
    reset_caches()
    fetching, extracting, with_text = baseline(urls)
    reset_caches()  # the pass must not reuse the floor's caches of the very same texts

    # Time ingest_pass's three stages: each stage function records when its last call returned.
    ends: dict[str, float] = {}

    def timed(stage, function):
        def wrapper(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            finally:
                ends[stage] = max(ends.get(stage, 0.0), time.perf_counter())

        return wrapper

    patched = [(pipeline, "refresh_feed"), (pages, "extract_article")]
    patched.append((grouping, "process_articles"))
    originals = [getattr(module, name) for module, name in patched]
    for module, name in patched:
        setattr(module, name, timed(name, getattr(module, name)))
    try:
        started = time.perf_counter()
        report = orchestrate.ingest_pass(force=True)
        finished = time.perf_counter()
    finally:
        for (module, name), original in zip(patched, originals, strict=True):
            setattr(module, name, original)
    feeds_end = ends.get("refresh_feed", started)
    pages_end = ends.get("extract_article", feeds_end)
    stored = Article.objects.count()
    done = Article.objects.filter(extraction=Article.Extraction.DONE).count()
    rows = [
        ("floor: httpx GET only", n, "pages", fetching),
        ("floor: trafilatura.extract only", n, "pages", extracting),
        ("floor: httpx + trafilatura.extract", n, "pages", fetching + extracting),
        ("ingest 1 feeds: fetch+parse+store", len(farm.outlets), "feeds", feeds_end - started),
        ("ingest 2 pages: fetch+extract+store", stored, "pages", pages_end - feeds_end),
        ("ingest 1+2: fetch -> extract -> store", stored, "articles", pages_end - started),
        ("ingest 3 process: group+brief+tag", report.processed, "articles", finished - pages_end),
        ("ingest_pass overall", stored, "articles", finished - started),
    ]
    print(f"\n   {'stage':<40} {'items':>14} {'seconds':>9} {'items/s':>9}")
    for label, count, unit, seconds in rows:
        rate = count / seconds if seconds > 0 else float("nan")
        print(f"   {label:<40} {count:>5} {unit:<8} {seconds:>9.2f} {rate:>9.1f}")
    if len(ends) < 3:
        print(f"   (stage split unreliable: only {sorted(ends)} seen; did ingest_pass change?)")
    floor = n / (fetching + extracting)
    print(
        f"\n   entries stored {stored}/{n}; page text extracted {done} (floor: {with_text}); "
        f"outcomes {dict(report.extraction)}; stories {Story.objects.count()} "
        f"(expected {len({(a.story, a.id.split('-')[0]) for a in farm.articles})}: "
        "the demo's stories once per copy)"
    )
    print(
        f"   fetch -> extract -> store runs at {stored / (pages_end - started) / floor:.0%} "
        f"of the floor's {floor:.1f} pages/s; the whole pass at "
        f"{stored / (finished - started) / floor:.0%}"
    )
    server.shutdown()
    connections.close_all()


# --- B) Extraction quality ---------------------------------------------------------------------


def normalise(text: str) -> str:
    return " ".join(text.split())


def page_scores(output: str, item: dict) -> tuple[float | None, float | None]:
    text = normalise(output)
    found = [normalise(s) in text for s in item.get("with", []) if s.strip()]
    absent = [normalise(s) not in text for s in item.get("without", []) if s.strip()]
    return (
        sum(found) / len(found) if found else None,
        sum(absent) / len(absent) if absent else None,
    )


def bench_extraction(limit: int | None) -> None:
    evaldata = EVAL_DIR / "evaldata.json"
    if not evaldata.is_file():
        print(f"\nB) Extraction quality: skipped: {evaldata} absent")
        return
    import trafilatura
    from trafilatura.meta import reset_caches
    from trafilatura.utils import decode_file

    from newsdesk.ingest.extract import ExtractionError, extract_text

    pages, missing = [], 0
    for url, item in list(json.loads(evaldata.read_text(encoding="utf-8")).items())[:limit]:
        path = EVAL_DIR / "html" / f"{item['file']}.gz"
        if not path.is_file():
            missing += 1
            continue
        raw = gzip.decompress(path.read_bytes())
        lang = HTML_LANG.search(raw[:50_000])
        english = bool(lang and lang.group(1).lower().startswith(b"en"))
        pages.append((url, raw, english, item))
    if not pages:
        print(f"\nB) Extraction quality: skipped: no page to score ({missing} absent)")
        return

    failures: Counter[str] = Counter()

    def newsdesk(raw: bytes, url: str) -> str:
        try:
            return extract_text(raw, url)
        except ExtractionError as error:
            failures[re.sub(r" \(declared [^)]*\)", "", str(error))] += 1
            return ""

    def plain(raw: bytes, url: str) -> str:  # trafilatura's own decoding, then its defaults
        return trafilatura.extract(decode_file(raw)) or ""

    results = {}
    for name, extractor in (("newsdesk extract_text", newsdesk), ("plain trafilatura", plain)):
        extractor(pages[0][1], pages[0][0])  # warm-up; then neither side inherits the other's
        # trafilatura caches (its deduplication LRU included, should anyone switch it on)
        failures.clear()
        reset_caches()
        rows = []
        for url, raw, english, item in pages:
            started = time.perf_counter()
            try:
                output = extractor(raw, url)
            except Exception as error:  # noqa: BLE001 - a crash is a finding, not the end
                failures[f"crashed: {type(error).__name__}: {error}"[:100]] += 1
                output = ""
            seconds = time.perf_counter() - started
            rows.append((english, seconds, not output, *page_scores(output, item)))
        results[name] = (rows, Counter(failures))

    english_count = sum(p[2] for p in pages)
    print(
        f"\nB) Extraction quality: {EVAL_DIR} ({len(pages)} pages"
        + (f", {missing} missing" if missing else "")
        + ")"
    )
    print(
        f'   English = the page\'s <html lang> starts with "en": {english_count} pages '
        "(pages without a lang attribute count in 'all' only)"
    )
    print(
        f"\n   {'pages':<8} {'extractor':<22} {'n':>4} {'with-recall':>12} "
        f"{'without-acc':>12} {'score':>7} {'pages/s':>8} {'empty':>6}"
    )
    for subset in ("English", "all"):
        for name, (rows, _) in results.items():
            chosen = [r for r in rows if subset == "all" or r[0]]
            if not chosen:
                continue
            recall = [r[3] for r in chosen if r[3] is not None]
            accuracy = [r[4] for r in chosen if r[4] is not None]
            recall_mean = sum(recall) / len(recall) if recall else float("nan")
            accuracy_mean = sum(accuracy) / len(accuracy) if accuracy else float("nan")
            seconds = sum(r[1] for r in chosen)
            print(
                f"   {subset:<8} {name:<22} {len(chosen):>4} {recall_mean:>12.3f} "
                f"{accuracy_mean:>12.3f} {(recall_mean + accuracy_mean) / 2:>7.3f} "
                f"{len(chosen) / seconds:>8.1f} {sum(r[2] for r in chosen):>6}"
            )
    for name, (_, failed) in results.items():
        if failed:
            listed = "; ".join(f"{count} x {message!r}" for message, count in failed.most_common())
            print(f"   {name} errors (scored as empty output): {listed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--copies",
        type=int,
        default=20,
        help="copies of the 49-article demo corpus (default 20: 980 articles)",
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="pages of the extraction eval set (default all)"
    )
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-extraction", action="store_true")
    args = parser.parse_args()
    if args.copies < 1:
        parser.error("--copies must be at least 1")

    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as data_dir:
        # Before anything imports Django or newsdesk.limits, which read them once.
        os.environ["NEWSDESK_DATA_DIR"] = data_dir
        os.environ["DJANGO_SETTINGS_MODULE"] = "newsdesk.project.settings"
        os.environ["NEWSDESK_EXTRACT_MAX_AGE_DAYS"] = str(COPY_SPACING_DAYS * args.copies + 7)
        os.environ.setdefault("NEWSDESK_LOG", "WARNING")
        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
        if not args.skip_throughput:
            bench_throughput(args.copies)
        if not args.skip_extraction:
            bench_extraction(args.limit)


if __name__ == "__main__":
    main()
