"""Site benchmark (issue #7): the reader's pages under load, next to nginx serving a static file.

Run from the project root (needs Debian's ``wrk`` and ``nginx``: apt-get install -y wrk nginx)::

    .venv/bin/python bench/site.py                     # 100,000 articles in 20,000 stories
    .venv/bin/python bench/site.py --articles 10000 --stories 2000 --duration 5   # quick look
    .venv/bin/python bench/site.py --refill             # regenerate the cached corpus

1. Corpus (bench/site_corpus.py): a fresh database in a temporary NEWSDESK_DATA_DIR (SQLite in
   WAL mode, as the settings make it), migrated and filled with invented text: ~50 outlets,
   articles, stories with briefs, tags and search documents (FTS5 filled by its triggers).
   The filled file is cached in /tmp per parameters; a re-run copies it, migrates the copy and
   shifts every date by the time since the fill.
2. In process, no load (Django's test Client): SQL queries, wall and CPU time per page, and
   ``newsdesk.search.query.search`` called directly for 200 random queries (p50/p99). The
   row "story, signed in, 60 comments" is another story of the same size given a discussion
   first (60 comments by 5 readers, a third of them replies; in this run's copy of the
   database only), read by a signed-in reader: the page no cache serves whole.
3. Under load: gunicorn (default 4 gthread workers x 4 threads, the worker class ``newsdesk
   run`` uses; gthread keeps connections alive, sync workers close each one and measured at
   half the requests/s on the cheapest page) with DEBUG off and no access log, and nginx
   (worker_processes 2) serving a copy of the measured story page, same bytes, on 127.0.0.1.
   Each is loaded with ``wrk -t2 -c<connections> -d<duration>`` after a 2 s warm-up, and the
   server is left to go idle between runs (requests wrk abandoned are not charged to the next
   run). A small Lua script takes each request's path from a file, at random: story mix = the
   newest 1,000 stories, tag pages and tag feeds = every tag, search = 1-3 words of the
   corpus vocabulary; "story (uncached)" walks all stories in shuffled order so that each
   request asks for a story not asked before (the per-process cache misses); "story (same)"
   asks for one story of typical size again and again (cached). robots.txt is the cheapest
   Django response (no database): the floor of any page. "search, 2 connections" is the
   search latency without queueing (one connection per core). The "front:" rows go through
   nginx configured by exactly what `newsdesk nginx_config` prints (the shared page cache
   newsdesk ships for production: pages of readers not signed in are kept
   NEWSDESK_SHARED_CACHE_SECONDS, 5 s, then revalidated).
4. A table of req/s, p50, p99 and the ratio to nginx, then PASS/MISS for the issue's targets:
   cached story >= 30% of nginx's req/s with p99 < 50 ms at 100 connections (through the
   front cache, and from gunicorn alone: both printed); uncached story
   >= 500 req/s on 2 cores; search p99 < 100 ms on the 100k corpus (under load, and in
   process). wrk, gunicorn, nginx and whatever else runs on the machine share its cores: the
   load average is printed before and after; compare rows of one run, not runs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
LUA = r"""
-- args: paths file, "random" | "walk", thread count. done() prints one JSON line.
local paths, mode, threads, n, counter = {}, "random", 1, 0, 0
function setup(thread) counter = counter + 1; thread:set("id", counter) end
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  mode, threads = args[2], tonumber(args[3])
  math.randomseed(id * 7919 + os.time())
end
function request()
  n = n + 1
  local i = math.random(#paths)
  if mode == "walk" then i = ((id - 1) * math.floor(#paths / threads) + n - 1) % #paths + 1 end
  return wrk.format(nil, paths[i])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, ' ..
    '"p99_us": %d, "errors": %d}\n', summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""
NGINX_CONF = """worker_processes 2;
daemon off;
pid {tmp}/nginx.pid;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  types {{ text/html html; }}
  sendfile on;
  keepalive_requests 1000000;
  client_body_temp_path {tmp}/nginx-body; proxy_temp_path {tmp}/nginx-proxy;
  fastcgi_temp_path {tmp}/nginx-fcgi; uwsgi_temp_path {tmp}/nginx-uwsgi;
  scgi_temp_path {tmp}/nginx-scgi;
  server {{ listen 127.0.0.1:{static_port}; root {tmp}/www; }}
  # newsdesk's own front cache, exactly as `newsdesk nginx_config` prints it:
{front}
}}
"""
# label, server ("static", "app" or "front"), paths list, Lua mode, warm up first, connections
# (None: --connections)
RUNS = [
    ("static file (nginx)", "static", "static", "random", True, None),
    ("robots.txt (Django floor)", "app", "robots", "random", True, None),
    ("front page", "app", "front", "random", True, None),
    ("story (same: cached)", "app", "same", "random", True, None),
    ("story (mix of 1,000)", "app", "mix", "random", True, None),
    ("story (uncached)", "app", "walk", "walk", False, None),
    ("tag page", "app", "tag", "random", True, None),
    ("search", "app", "search", "random", True, None),
    ("search, 2 connections", "app", "search", "random", True, 2),
    ("feed.rss", "app", "rss", "random", True, None),
    ("tag feed.rss", "app", "tagrss", "random", True, None),
    ("front: story (same)", "front", "same", "random", True, None),
    ("front: story (mix of 1,000)", "front", "mix", "random", True, None),
    ("front: front page", "front", "front", "random", True, None),
    ("front: tag page", "front", "tag", "random", True, None),
    ("static file (nginx) again", "static", "static", "random", False, None),
]
processes: list[subprocess.Popen] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd: list[str], log: Path) -> subprocess.Popen:
    # Own session: Ctrl-C reaches only us, and stop_all() stops each whole group.
    out = log.open("w")
    proc = subprocess.Popen(cmd, stdout=out, stderr=out, start_new_session=True)
    processes.append(proc)
    return proc


def stop_all() -> None:
    for proc in processes:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for proc in processes:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def wait_ready(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if fetch(url)[0] == 200:
            return
        time.sleep(0.5)
    sys.exit(f"{url} did not answer 200; the server's log:\n{log.read_text()[-3000:]}")


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and its children (gunicorn's or nginx's workers), from /proc."""
    total = 0.0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        for p in [pid, *map(int, children)]:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        pass
    return total


def wait_idle(pid: int, limit: float = 180) -> None:
    """When wrk stops, the server still works through the requests it had read: wait until it
    uses < 5% of a CPU over 0.5 s so that one run's leftovers do not slow the next."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = cpu_seconds(pid)
        time.sleep(0.5)
        if cpu_seconds(pid) - before < 0.025:
            return


def workload(args, tmp: Path) -> dict:
    """Path lists (written to files for wrk), queries, and the story measured again and again."""
    import site_corpus

    from newsdesk.stories.models import Story, Tag

    rng = random.Random(11)
    stories = Story.objects.order_by("-last_published")
    recent = list(stories.values_list("slug", flat=True)[:1000])
    every = list(Story.objects.values_list("slug", flat=True))
    rng.shuffle(every)
    typical = round(args.articles / args.stories)
    same = stories.filter(article_count=typical).first() or stories.first()
    tags = list(Tag.objects.values_list("slug", flat=True))
    words = site_corpus.vocabulary().words
    pick = lambda: " ".join(rng.choice(words[30:3000]) for _ in range(rng.choice((1, 1, 2, 2, 3))))  # noqa: E731
    queries = [pick() for _ in range(2000)]
    lists = {
        "static": ["/story.html"],
        "robots": ["/robots.txt"],
        "front": ["/"],
        "same": [same.get_absolute_url()],
        "mix": [f"/stories/{s}/" for s in recent],
        "walk": [f"/stories/{s}/" for s in every],
        "tag": [f"/tags/{t}/" for t in tags],
        "search": ["/search?" + urllib.parse.urlencode({"q": q}) for q in queries],
        "rss": ["/feed.rss"],
        "tagrss": [f"/tags/{t}/feed.rss" for t in tags],
    }
    files = {name: tmp / f"paths-{name}.txt" for name in lists}
    for name, paths in lists.items():
        files[name].write_text("\n".join(paths) + "\n")
    return {"files": files, "lists": lists, "queries": queries, "same": same}


def discussion(work: dict):
    """A story of the measured size other than the one under load, given 60 comments by 5
    readers (every other comment after the third a reply), and the reader who reads it."""
    from django.contrib.auth import get_user_model

    from newsdesk.discussion.models import Comment
    from newsdesk.stories.models import Story

    same = work["same"]
    story = (
        Story.objects.filter(article_count=same.article_count).exclude(pk=same.pk).first() or same
    )
    readers = [
        get_user_model().objects.get_or_create(username=f"bench-reader-{i}")[0] for i in range(5)
    ]
    posted: list = []
    for i in range(60):
        parent = posted[i // 3] if i >= 3 and i % 2 else None
        body = f"Comment {i}: *some* words on the story and a [link](https://example.org/{i})."
        posted.append(
            Comment.objects.create(story=story, author=readers[i % 5], body=body, parent=parent)
        )
    return story, readers[0]


def in_process(work: dict, repeat: int) -> None:
    """Queries and time per page (test Client, one thread, no load), then search() directly."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from newsdesk.search.query import search

    client, lists = Client(raise_request_exception=False), work["lists"]
    pages = [
        ("front page", "front", False),
        ("story (uncached)", "same", True),
        ("story (cached)", "same", False),
        ("tag page", "tag", False),
        ("search", "search", False),
        ("feed.rss", "rss", False),
        ("tag feed.rss", "tagrss", False),
    ]
    print(
        f"\nIn process (test Client, one thread, no load; median of {repeat}). CPU ms = this "
        "process's CPU time, which\nother work on the machine does not inflate. The test "
        "Client keeps its DB connection; gunicorn opens one per request."
    )
    print(f"  {'page':<30} {'status':>6} {'queries':>7} {'ms':>7} {'CPU ms':>7} {'KiB':>6}  path")
    discussed, reader = discussion(work)
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(reader)
    lists = {**lists, "discussed": [discussed.get_absolute_url()]}
    pages.append(("story, signed in, 60 comments", "discussed", False))
    for label, name, cold in pages:
        path, wall, cpu = lists[name][0], [], []
        reading = signed_in if name == "discussed" else client
        for _ in range(repeat):
            if cold:
                cache.clear()
            with CaptureQueriesContext(connection) as queries:
                started, started_cpu = time.perf_counter(), time.process_time()
                response = reading.get(path)
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
        print(
            f"  {label:<30} {response.status_code:>6} {len(queries):>7} "
            f"{statistics.median(wall):>7.1f} {statistics.median(cpu):>7.1f} "
            f"{len(response.content) / 1024:>6.1f}  {path[:60]}"
        )
    wall, cpu = [], []
    for query in work["queries"][:200]:
        started, started_cpu = time.perf_counter(), time.process_time()
        search(query)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    connection.close()
    wall.sort(), cpu.sort()
    work["search_direct"] = (wall[99], wall[197], cpu[99], cpu[197])
    print(
        "  search() called directly, 200 random queries: p50 {:.1f} ms, p99 {:.1f} ms "
        "(CPU time: p50 {:.1f} ms, p99 {:.1f} ms)".format(*work["search_direct"])
    )


def run_wrk(
    args, base: str, paths: Path, mode: str, lua: Path, duration: int, connections: int | None
) -> dict:
    connections = connections or args.connections
    threads = min(args.threads, connections)
    cmd = f"wrk -t{threads} -c{connections} -d{duration}s --timeout 30s --latency"
    cmd = [*cmd.split(), "-s", str(lua), base, "--", str(paths), mode, str(threads)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    result = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    if not result["requests"]:  # nothing finished within the run: no latency to speak of
        result["p50_us"] = result["p99_us"] = float("inf")
    return result


def load(args, tmp: Path, work: dict) -> dict:
    """Start gunicorn and nginx, run every row of RUNS, print the table; returns the results."""
    from newsdesk.site.management.commands.nginx_config import render as front_config

    ports = {"app": free_port(), "static": free_port(), "front": free_port()}
    base = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    gthread = args.worker_class == "gthread"
    log = tmp / "gunicorn.log"
    command = f"""-m gunicorn newsdesk.project.wsgi:application
        --bind 127.0.0.1:{ports["app"]} --workers {args.workers} --worker-class {args.worker_class}
        --backlog 2048 --timeout 120 --graceful-timeout 3 --log-level warning"""
    if gthread:
        command += f" --threads {args.worker_threads}"
    gunicorn = start([sys.executable, *command.split()], log)
    wait_ready(base["app"] + "/healthz", gunicorn, log)

    status, story_html = fetch(base["app"] + work["lists"]["same"][0])
    (tmp / "www").mkdir()
    tmp.chmod(0o755)  # started by root, nginx's workers run as an unprivileged user
    (tmp / "www" / "story.html").write_bytes(story_html)
    front = front_config(
        listen=f"127.0.0.1:{ports['front']}",
        app=f"127.0.0.1:{ports['app']}",
        cache_dir=str(tmp / "nginx-cache"),
        cache_size="200m",
    )
    conf = NGINX_CONF.format(tmp=tmp, static_port=ports["static"], front=front)
    (tmp / "nginx.conf").write_text(conf)
    log = tmp / "nginx.log"
    nginx = start(["nginx", "-e", str(log), "-p", str(tmp), "-c", str(tmp / "nginx.conf")], log)
    wait_ready(base["static"] + "/story.html", nginx, log)

    threads = f" x {args.worker_threads} threads" if gthread else ""
    loadavg = lambda: " ".join(f"{x:.2f}" for x in os.getloadavg())  # noqa: E731
    print(
        f"\nUnder load: gunicorn {args.workers} {args.worker_class} workers{threads}, DEBUG "
        f"off; nginx 2 workers; wrk -t{args.threads} -c{args.connections} -d{args.duration}s "
        f"after a 2 s warm-up.\n{os.cpu_count()} CPUs shared by wrk, the servers and other work "
        f"on the machine (load average before: {loadavg()})."
    )
    print(
        f"Story page: {work['lists']['same'][0]} ({work['same'].article_count} articles, "
        f"{len(story_html):,} bytes, HTTP {status}); nginx serves the same bytes."
    )
    print(
        f"\n  {'endpoint':<27} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x nginx':>8} "
        f"{'errors':>7} {'KiB':>6}"
    )
    lua = tmp / "paths.lua"
    lua.write_text(LUA)
    results = {}
    for label, server, name, mode, warm, connections in RUNS:
        url, paths = base[server], work["files"][name]
        code = fetch(url + work["lists"][name][0])[0]
        if code != 200:
            print(f"  {label:<27} skipped: {work['lists'][name][0][:50]} answers HTTP {code}")
            continue
        pid = (gunicorn if server == "app" else nginx).pid
        if warm:
            run_wrk(args, url, paths, mode, lua, 2, connections)
            wait_idle(pid)
        r = results[label] = run_wrk(args, url, paths, mode, lua, args.duration, connections)
        wait_idle(pid)
        ratio = r["rps"] / results["static file (nginx)"]["rps"]
        size = r["bytes"] / max(1, r["requests"]) / 1024
        print(
            f"  {label:<27} {r['rps']:>8.0f} {r['p50_us'] / 1000:>8.1f} "
            f"{r['p99_us'] / 1000:>8.1f} {ratio:>8.1%} {r['errors']:>7} {size:>6.1f}",
            flush=True,
        )
    print(f"  load average after: {loadavg()}")
    return results


def report(args, results: dict, work: dict) -> None:
    runs = ("static file (nginx)", "static file (nginx) again")
    nginx = statistics.mean(results[k]["rps"] for k in runs if k in results)
    small = f"; corpus of {args.articles:,} articles, not 100k" if args.articles < 100_000 else ""
    alone = results.get("story (same: cached)", {})
    fronted = results.get("front: story (same)", {})
    uncached = results.get("story (uncached)", {})
    found, found2 = results.get("search", {}), results.get("search, 2 connections", {})
    ms = lambda result: result.get("p99_us", float("inf")) / 1000  # noqa: E731
    rps = lambda result: result.get("rps", 0)  # noqa: E731
    p50, p99, cpu50, cpu99 = work["search_direct"]
    c = args.connections
    targets = [
        (f"cached story >= 30% of nginx's req/s, through the front cache of `newsdesk "
         f"nginx_config` ({rps(fronted):.0f} / {nginx:.0f} = {rps(fronted) / nginx:.1%})",
         rps(fronted) >= 0.3 * nginx),
        (f"cached story p99 < 50 ms at {c} connections, through that front ({ms(fronted):.1f} ms)",
         ms(fronted) < 50),
        (f"cached story >= 30% of nginx's req/s from gunicorn alone, no front cache "
         f"({rps(alone):.0f} / {nginx:.0f} = {rps(alone) / nginx:.1%})", rps(alone) >= 0.3 * nginx),
        (f"cached story p99 < 50 ms at {c} connections from gunicorn alone ({ms(alone):.1f} ms)",
         ms(alone) < 50),
        (f"uncached story >= 500 req/s on {os.cpu_count()} cores ({rps(uncached):.0f} req/s)",
         rps(uncached) >= 500),
        (f"search p99 < 100 ms, 2 connections (one per core) ({ms(found2):.1f} ms{small})",
         ms(found2) < 100),
        (f"search p99 < 100 ms under load, {c} connections ({ms(found):.1f} ms{small})",
         ms(found) < 100),
        (f"search p99 < 100 ms in process, no load (p50 {p50:.1f} ms, p99 {p99:.1f} ms; CPU "
         f"time p99 {cpu99:.1f} ms{small})", p99 < 100),
    ]  # fmt: skip
    errors = sum(r["errors"] for r in results.values())
    print(
        f"\nTargets (nginx = mean of its two runs, {nginx:.0f} req/s; {errors} errors in all runs):"
    )
    for text, ok in targets:
        print(f"  {'PASS' if ok else 'MISS'}  {text}")


def interrupted(signum, frame):
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--stories", type=int, default=20_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--worker-threads", type=int, default=4, help="per gthread worker")
    parser.add_argument("--repeat", type=int, default=20, help="in-process requests per page")
    parser.add_argument("--refill", action="store_true", help="regenerate the cached corpus")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool, path=os.environ.get("PATH", "") + ":/usr/sbin"):
            sys.exit(f"{tool} not found: apt-get install -y wrk nginx")
    for signum in (signal.SIGINT, signal.SIGTERM):  # SIGINT too: a background job ignores it
        signal.signal(signum, interrupted)
    tmp = Path(tempfile.mkdtemp(prefix="newsdesk-bench-site-"))
    try:
        data_dir = tmp / "data"
        data_dir.mkdir()
        os.environ.update(NEWSDESK_DATA_DIR=str(data_dir))
        os.environ.update(DJANGO_SETTINGS_MODULE="newsdesk.project.settings")
        for name in ("NEWSDESK_DEBUG", "DATABASE_URL", "NEWSDESK_REDIS_URL"):
            os.environ.pop(name, None)
        import django

        django.setup()
        import site_corpus

        print(f"Corpus: {args.articles:,} articles in {args.stories:,} stories", flush=True)
        print("  " + site_corpus.prepare(args.articles, args.stories, data_dir, args.refill))
        work = workload(args, tmp)
        in_process(work, args.repeat)
        report(args, load(args, tmp, work), work)
    except KeyboardInterrupt:
        print("\ninterrupted: stopping the servers", file=sys.stderr)
    finally:
        stop_all()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
