"""Several task workers against one pass: do they build the same stories?

Run from the project root (about 2-3 minutes a run on 2 shared cores)::

    .venv/bin/python bench/workers.py                       # SQLite, 3 workers, 3 runs
    .venv/bin/python bench/workers.py --database postgres://newsdesk:newsdesk@127.0.0.1/newsdesk

The demo outlet farm (``newsdesk.demo.farm``, 6 outlets, 49 articles, on 127.0.0.1) is
subscribed from its OPML in a fresh database and ingested two ways, each as a user runs it:

- the baseline, ``newsdesk ingest``: one process, articles grouped in published order;
- ``--workers`` processes of ``newsdesk worker`` started together on an empty queue: the
  first scheduler tick enqueues every feed, so all pages arrive as one burst, fetched and
  extracted by whichever worker is free, the hard case for grouping.

Printed per run: the stories (live stories holding articles), whether the workers' partition of
the articles into stories is exactly the pass's, its B-cubed F1 against the pass's, the
articles the stories' stored counts add up to against the articles placed (a brief written
from a stale article list shows here), and the seconds until every article was processed.

With ``--database`` a PostgreSQL server URL: each run gets its own database, created next to
the one named (the role needs CREATEDB) and dropped afterwards. Without it, a SQLite file in a
temporary directory. Nothing else is written.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cluster import bcubed  # noqa: E402
from newsdesk.demo.farm import start_farm  # noqa: E402

# How long a run may take before it is reported as stuck.
DEADLINE_SECONDS = 600

PARTITION_SQL = """
    SELECT m.story_id, a.key FROM stories_membership m JOIN ingest_article a
    ON a.id = m.article_id ORDER BY a.key
"""
COUNTS_SQL = """
    SELECT (SELECT count(*) FROM ingest_article),
           (SELECT count(*) FROM ingest_article WHERE processed_at IS NOT NULL),
           (SELECT count(*) FROM stories_membership),
           (SELECT coalesce(sum(article_count), 0) FROM stories_story
            WHERE merged_into_id IS NULL AND article_count > 0),
           (SELECT count(*) FROM stories_story
            WHERE merged_into_id IS NULL AND article_count > 0)
"""


class Database:
    """A fresh database for one run: a SQLite file, or a PostgreSQL database of its own."""

    def __init__(self, folder: Path, server_url: str | None, name: str):
        self.folder, self.server_url, self.name = folder, server_url, name
        if server_url:
            parts = urlsplit(server_url)
            self.url = urlunsplit(parts._replace(path=f"/{name}"))
            self._admin(f'DROP DATABASE IF EXISTS "{name}"')
            self._admin(f'CREATE DATABASE "{name}"')
        else:
            self.url = f"sqlite:///{folder / (name + '.sqlite3')}"

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.server_url, autocommit=True) as connection:
            connection.execute(statement)

    def query(self, sql: str) -> list[tuple]:
        if not self.server_url:
            path = self.url.removeprefix("sqlite:///")
            with contextlib.closing(sqlite3.connect(path, timeout=30)) as connection:
                return connection.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.url) as connection:
            return connection.execute(sql).fetchall()

    def drop(self) -> None:
        if self.server_url:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def newsdesk(env: dict, *args: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        **options,
    )


def prepared(database: Database, farm_url: str, folder: Path) -> dict:
    """Environment for the commands of one run, with the farm's feeds subscribed."""
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, DATABASE_URL=database.url, NEWSDESK_DATA_DIR=str(folder))
    env.setdefault("ORT_DISABLE_TELEMETRY", "1")
    newsdesk(env, "migrate", "-v", "0")
    opml = folder / "farm.opml"
    opml.write_bytes(urlopen(f"{farm_url}/opml.xml", timeout=10).read())
    newsdesk(env, "feeds", "import-opml", str(opml))
    return env


def with_workers(database: Database, env: dict, workers: int) -> float:
    started = time.monotonic()
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "newsdesk.cli", "worker", "--interval", "0.2"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        while time.monotonic() - started < DEADLINE_SECONDS:
            articles, processed, *_ = database.query(COUNTS_SQL)[0]
            if articles and processed == articles:
                return time.monotonic() - started
            time.sleep(0.5)
        raise RuntimeError(f"workers did not process every article in {DEADLINE_SECONDS} s")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)


def with_pass(env: dict) -> float:
    started = time.monotonic()
    newsdesk(env, "ingest")
    return time.monotonic() - started


def partition(database: Database) -> dict[str, int]:
    return {key: story for story, key in database.query(PARTITION_SQL)}


def run(kind: str, number: int, args, farm_url: str, folder: Path) -> tuple[dict, tuple, float]:
    name = f"newsdesk_bench_workers_{os.getpid()}_{kind}_{number}"
    database = Database(folder, args.database, name)
    try:
        env = prepared(database, farm_url, folder / name)
        seconds = with_pass(env) if kind == "pass" else with_workers(database, env, args.workers)
        return partition(database), database.query(COUNTS_SQL)[0], seconds
    finally:
        database.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", help="a PostgreSQL URL (default: SQLite files)")
    args = parser.parse_args()
    server, farm = start_farm("127.0.0.1", 0)
    folder = Path(tempfile.mkdtemp(prefix="newsdesk-bench-workers-"))
    engine = "PostgreSQL" if args.database else "SQLite"
    print(f"demo farm: {len(farm.articles)} articles from {len(farm.outlets)} outlets; {engine}")
    try:
        base, counts, seconds = run("pass", 1, args, farm.base_url, folder)
        keys = sorted(base)
        print(f"\n{'':28} stories  same as pass  B-cubed F1  counted/placed  seconds")
        print(
            f"{'newsdesk ingest (baseline)':28} {counts[4]:7}  {'-':>12}  {'-':>10}"
            f"  {counts[3]:>7}/{counts[2]:<6}  {seconds:7.1f}"
        )
        for number in range(1, args.runs + 1):
            placed, counts, seconds = run("workers", number, args, farm.base_url, folder)
            same = "yes" if _same(placed, base) else "no"
            f1 = bcubed([placed.get(k, -1) for k in keys], [base[k] for k in keys])[2]
            label = f"{args.workers} workers, run {number}"
            print(
                f"{label:28} {counts[4]:7}  {same:>12}  {f1:10.3f}"
                f"  {counts[3]:>7}/{counts[2]:<6}  {seconds:7.1f}"
            )
    finally:
        server.shutdown()
        shutil.rmtree(folder, ignore_errors=True)


def _same(left: dict[str, int], right: dict[str, int]) -> bool:
    """Whether two story assignments put the same articles together (story ids aside)."""

    def groups(assignment):
        found: dict[int, set] = {}
        for key, story in assignment.items():
            found.setdefault(story, set()).add(key)
        return {frozenset(g) for g in found.values()}

    return left.keys() == right.keys() and groups(left) == groups(right)


if __name__ == "__main__":
    main()
