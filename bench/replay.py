"""Real-news replay: a window of captured feeds through the real ingest, then its stories.

Run from the project root (25-35 minutes for the default four days on a shared 2-core machine;
``--offline`` re-scores a dump in 1-5)::

    .venv/bin/python bench/replay.py                                  # 16-20 September 2021
    .venv/bin/python bench/replay.py --start 2020-08-14 --days 4      # another window
    .venv/bin/python bench/replay.py --dump /tmp/replay.jsonl         # keep the articles
    .venv/bin/python bench/replay.py --offline /tmp/replay.jsonl      # score a dump, no ingest
    .venv/bin/python bench/replay.py --offline /tmp/replay.jsonl --grouper mymodule:group

Data: ``../shared/data/feeds/news-feeds-2020-2021/history/<feed>.tar.xz`` (every captured
version of 19 outlets' feeds; skipped, saying so, when absent). A 127.0.0.1 server answers each
feed's URL with the snapshot current at the replay clock, every article link rewritten to the
same server, whose pages all answer 404: the feeds' own text is what gets grouped. A fresh
SQLite data directory (temporary) subscribes every feed and runs ``orchestrate.ingest_pass``
(what ``newsdesk ingest`` runs) once per ``--step-hours`` of captured time, with Django's clock
set to the replay clock so "now" (future dates, extraction age) is the capture's, not today's.

It prints the window's articles and stories, the stories with 2+ and 3+ outlets, the largest
story's share of the articles, and the largest stories with their outlets and member titles,
to be read by a person. With labels (``bench/replay_events.jsonl``, see its first line) it
prints B-cubed precision/recall/F1 on the labelled articles beside two references run on the
same window's articles (``bench/replay_score.py``).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import tarfile
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
FEEDS = ROOT.parent / "shared" / "data" / "feeds" / "news-feeds-2020-2021" / "history"
LABELS = ROOT / "bench" / "replay_events.jsonl"
SNAPSHOT_NAME = re.compile(r"(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d)([+-]\d\d)-(\d\d)_\w+\.xml$")
# Article links in RSS <link>, Atom <link href> and FeedBurner's origLink: rewritten to the
# replay server so no page is ever fetched from the outlet.
LINK = re.compile(
    rb"(<link>\s*(?:<!\[CDATA\[)?\s*|<link\b[^>]*?\bhref=[\"']|<feedburner:origLink>\s*)"
    rb"(https?)://"
)
PAGE_PREFIX = "/page/"


# --- Captured feeds --------------------------------------------------------------------------


def snapshot_time(name: str) -> datetime | None:
    found = SNAPSHOT_NAME.search(name)
    if not found:
        return None
    stamp, hours, minutes = found.groups()
    offset = timedelta(hours=int(hours), minutes=int(minutes) * (1 if int(hours) >= 0 else -1))
    local = datetime.strptime(stamp, "%Y-%m-%dT%H-%M-%S")
    return (local - offset).replace(tzinfo=UTC)


def load_snapshots(start: datetime, end: datetime) -> dict[str, list[tuple[datetime, bytes]]]:
    """Per feed, (capture time, XML) of every capture in [start, end], oldest first.

    Captures before the window are left out: the history has gaps of weeks, and a month-old
    capture served at the first pass would bring a month-old front page into the window."""
    feeds = {}
    for archive in sorted(FEEDS.glob("*.tar.xz")):
        kept: list[tuple[datetime, bytes]] = []
        with tarfile.open(archive, "r:xz") as tar:
            for member in tar:
                when = snapshot_time(member.name) if member.isfile() else None
                if when is not None and start <= when <= end:
                    kept.append((when, tar.extractfile(member).read()))
        if kept:
            feeds[archive.name.removesuffix(".tar.xz")] = sorted(kept, key=lambda p: p[0])
    return feeds


class ReplayServer:
    """127.0.0.1 server: ``/feed/<name>`` is the snapshot current at ``clock``; all else 404."""

    def __init__(self, snapshots: dict[str, list[tuple[datetime, bytes]]]):
        self.snapshots = snapshots
        self.clock = datetime.min.replace(tzinfo=UTC)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True, name="replay").start()

    def feed_url(self, name: str) -> str:
        return f"{self.base}/feed/{name}"

    def current(self, name: str) -> bytes | None:
        body = None
        for when, data in self.snapshots.get(name, []):
            if when > self.clock:
                break
            body = data
        if body is None:
            return None
        return LINK.sub(
            lambda m: m.group(1) + f"{self.base}{PAGE_PREFIX}".encode() + m.group(2) + b"/", body
        )

    def _handler(self):
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                body = None
                if self.path.startswith("/feed/"):
                    body = replay.current(self.path.removeprefix("/feed/"))
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler

    def original_url(self, url: str) -> str:
        """The outlet's own URL of a rewritten article link."""
        prefix = f"{self.base}{PAGE_PREFIX}"
        if not url.startswith(prefix):
            return url
        scheme, _, rest = url.removeprefix(prefix).partition("/")
        return f"{scheme}://{rest}"


def feed_title(data: bytes, fallback: str) -> str:
    import feedparser

    return (feedparser.parse(io.BytesIO(data)).feed.get("title") or fallback).strip()[:200]


# --- The replay through the real ingest ------------------------------------------------------


def replay(start: datetime, days: float, step_hours: float) -> list[dict]:
    """Run the window through ``ingest_pass`` and return every stored article with its story."""
    end = start + timedelta(days=days)
    snapshots = load_snapshots(start, end)
    server = ReplayServer(snapshots)
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from newsdesk import orchestrate
    from newsdesk.ingest import subscriptions
    from newsdesk.ingest.models import Article
    from newsdesk.stories.models import Membership

    call_command("migrate", verbosity=0)
    for name, snaps in snapshots.items():
        subscriptions.subscribe(server.feed_url(name), outlet_name=feed_title(snaps[-1][1], name))
    captures = sum(len(s) for s in snapshots.values())
    print(
        f"Replay {start:%Y-%m-%d %H:%M} UTC + {days:g} days, one ingest pass per {step_hours:g} "
        f"captured hours; {len(snapshots)} feeds, {captures} captures; server {server.base}"
    )
    real_now = timezone.now
    clock = start
    started = time.perf_counter()
    try:
        while clock <= end:
            server.clock = clock
            pass_start, wall = clock, time.monotonic()
            # Django's clock is the replay clock (plus the pass's own elapsed time).
            timezone.now = lambda at=pass_start, since=wall: (
                at + timedelta(seconds=time.monotonic() - since)
            )
            report = orchestrate.ingest_pass(force=True, threads=2)
            # A feed whose first capture in the window is later answers 404: an "error" here.
            waiting = sum(1 for snaps in snapshots.values() if snaps[0][0] > clock)
            print(
                f"  pass {clock:%m-%d %H:%M}: feeds {dict(report.feeds)}, pages "
                f"{dict(report.extraction)}, {report.processed} grouped"
                + (f" ({waiting} feeds not captured yet)" if waiting else ""),
                flush=True,
            )
            clock += timedelta(hours=step_hours)
    finally:
        timezone.now = real_now
        server.server.shutdown()
    print(f"  replay took {time.perf_counter() - started:.0f} s")
    kept = Counter(
        (reason.split(":")[0] if "HTTP" not in reason else "page answered " + reason[:8])
        for reason in Article.objects.values_list("extraction_error", flat=True)
    )
    print(f"  feed text kept because: {dict(kept.most_common(5))}")
    stories = dict(Membership.objects.values_list("article_id", "story_id"))
    headlines = dict(Membership.objects.values_list("story_id", "story__headline").distinct())
    articles = []
    for a in Article.objects.select_related("outlet").order_by("published", "pk"):
        articles.append(
            {
                "id": a.guid or server.original_url(a.url),
                "url": server.original_url(a.url),
                "outlet": a.outlet.name,
                "title": a.title,
                "text": a.body,
                "published": a.published.isoformat(),
                "story": str(stories.get(a.pk, "")),
                "headline": headlines.get(stories.get(a.pk), ""),
            }
        )
    return articles


# --- What a person reads ---------------------------------------------------------------------


def report(articles: list[dict], top: int) -> None:
    n = len(articles)
    members = defaultdict(list)
    for a in articles:
        members[a["story"]].append(a)
    outlets = {key: {a["outlet"] for a in group} for key, group in members.items()}
    largest = sorted(members, key=lambda k: (-len(members[k]), k))
    biggest = len(members[largest[0]]) if largest else 0
    print(
        f"\n{n} articles from {len({a['outlet'] for a in articles})} outlets in "
        f"{len(members)} stories; stories with >= 2 outlets "
        f"{sum(len(o) >= 2 for o in outlets.values())}, >= 3 outlets "
        f"{sum(len(o) >= 3 for o in outlets.values())}; largest story {biggest} articles "
        f"({biggest / max(n, 1):.1%} of the window)"
    )
    print(f"\nThe {min(top, len(largest))} largest stories:")
    for rank, key in enumerate(largest[:top], 1):
        group = members[key]
        headline = group[0].get("headline") or group[0]["title"]
        counts = Counter(a["outlet"] for a in group)
        print(f"\n {rank:>2}. [{len(group)} articles, {len(counts)} outlets] {headline}")
        print("     outlets: " + ", ".join(f"{o} {c}" for o, c in counts.most_common()))
        # Five titles spread over the story's time, not only its first five.
        step = max(1, len(group) // 5)
        for a in group[::step][:5]:
            print(f"     - {a['published'][:16]} {a['outlet'][:18]}: {a['title'][:110]}")


def write_dump(articles: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for a in articles:
            out.write(json.dumps(a, ensure_ascii=False) + "\n")
    print(f"\n{len(articles)} articles written to {path}")


def read_dump(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--start", default="2021-09-16", help="UTC date or time (ISO)")
    parser.add_argument("--days", type=float, default=4.0)
    parser.add_argument("--step-hours", type=float, default=6.0)
    parser.add_argument("--top", type=int, default=20, help="largest stories listed")
    parser.add_argument("--dump", type=Path, help="write the ingested articles as JSON Lines")
    parser.add_argument("--offline", type=Path, help="read a --dump instead of replaying")
    parser.add_argument(
        "--grouper",
        help="with --offline: regroup the dump with 'newsdesk' (StreamGrouper, as `newsdesk "
        "cluster`) or 'module:function' (list of article dicts -> list of story keys)",
    )
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--no-references", action="store_true", help="skip TF-IDF and MiniLM")
    args = parser.parse_args()

    if args.offline:
        articles = read_dump(args.offline)
    else:
        if not FEEDS.is_dir():
            print(f"SKIPPED: no feed history at {FEEDS} (see ../shared/data/README.md)")
            return
        start = datetime.fromisoformat(args.start)
        start = start.replace(tzinfo=UTC) if start.tzinfo is None else start.astimezone(UTC)
        with tempfile.TemporaryDirectory(prefix="newsdesk-replay-") as data_dir:
            # Before anything imports Django or newsdesk.limits, which read them once.
            os.environ["NEWSDESK_DATA_DIR"] = data_dir
            os.environ["DJANGO_SETTINGS_MODULE"] = "newsdesk.project.settings"
            os.environ.setdefault("NEWSDESK_LOG", "ERROR")
            articles = replay(start, args.days, args.step_hours)
        if args.dump:
            write_dump(articles, args.dump)
    if args.grouper:
        import replay_score

        stories = replay_score.run_grouper(args.grouper, articles)
        for a, story in zip(articles, stories, strict=True):
            a["story"], a["headline"] = str(story), ""
        print(f"Stories from --grouper {args.grouper}")
    report(articles, args.top)
    import replay_score

    name = f"--grouper {args.grouper}" if args.grouper else "newsdesk (the replay's stories)"
    replay_score.score(articles, args.labels, references=not args.no_references, name=name)


if __name__ == "__main__":
    main()
