"""Site benchmark (issue #7): the reader's pages under load, next to nginx serving a static file.

Run from the project root (needs the Debian packages ``wrk`` and ``nginx``)::

    .venv/bin/python bench/site.py                                   # 100k articles, 20k stories
    .venv/bin/python bench/site.py --articles 10000 --stories 2000 --duration 5    # a quick look
    .venv/bin/python bench/site.py --refill       # regenerate the cached corpus database

1. Corpus: a fresh database in a temporary NEWSDESK_DATA_DIR (SQLite, WAL, as settings make
   it), migrated and filled by ``bench/site_corpus.py`` with invented text (outlets, articles,
   stories with briefs, tags, search documents; FTS5 filled by its triggers). The filled file is
   cached as /tmp/newsdesk-bench-site-<articles>-<stories>-v<N>.sqlite3; a re-run copies it,
   migrates the copy and shifts every date by the time since the fill, so "the last 48 hours"
   means the same thing on every run.
2. In process (Django's test Client, one thread, no load): SQL queries and median time per page,
   and ``newsdesk.site.search.search`` timed directly for 200 random queries (p50/p99).
3. Under load: gunicorn (``--workers`` x ``--worker-class``, DEBUG off, no access log) and nginx
   (worker_processes 2, a static copy of the measured story page: same bytes) on 127.0.0.1, each
   loaded by ``wrk -t2 -c<connections>`` for ``--duration`` seconds after a 2 s warm-up. A small
   Lua script picks each request's path from a file: at random (story mix = the newest 1,000
   stories; tags; tag feeds; search words from the corpus vocabulary) or walking the list
   (story uncached: every request a different story, so each worker's local-memory cache
   misses). "story (same)" requests one story over and over (the cached case).
4. A table of req/s, p50, p99 and the ratio to nginx, and PASS/MISS for the targets: cached
   story >= 30% of nginx's req/s with p99 < 50 ms; uncached story >= 500 req/s; search p99 <
   100 ms. wrk, gunicorn and nginx share the machine's cores (and other work on it): the load
   average is printed before and after; treat small differences as noise.
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
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
CORPUS_VERSION = 1  # bump when site_corpus.py changes what it generates
SHIFTED = {  # columns moved forward when a cached corpus is reused
    "ingest_article": ["published", "processed_at", "fetched_at"],
    "stories_story": ["created_at", "updated_at", "first_published", "last_published"],
    "stories_membership": ["joined_at"],
    "site_searchdocument": ["last_published"],
}
LUA = r"""
-- wrk script: args = paths file, "random" | "walk", thread count. Prints one JSON line.
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
    '"p99_us": %d, "socket_errors": %d, "status_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(99), e.connect + e.read + e.write, e.status, e.timeout))
end
"""
NGINX_CONF = """worker_processes 2;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  types {{ text/html html; }}
  sendfile on;
  keepalive_requests 1000000;
  client_body_temp_path {tmp}/nginx-body; proxy_temp_path {tmp}/nginx-proxy;
  fastcgi_temp_path {tmp}/nginx-fcgi; uwsgi_temp_path {tmp}/nginx-uwsgi; scgi_temp_path {tmp}/nginx-scgi;
  server {{ listen 127.0.0.1:{port}; root {tmp}/www; }}
}}
"""
processes: list[subprocess.Popen] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd: list[str], log: Path) -> subprocess.Popen:
    # Own session: Ctrl-C reaches only us, and we stop the whole group in stop_all().
    proc = subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
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
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"server exited early; its log:\n{log.read_text()[-3000:]}")
        if fetch(url)[0] == 200:
            return
        time.sleep(0.5)
    sys.exit(f"{url} not ready after 120 s; log:\n{log.read_text()[-3000:]}")


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and its children (gunicorn's workers), from /proc."""
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
    """wrk stops; the server goes on with the requests already sent. Wait until it is idle so
    that one run's leftovers are not charged to the next (< 5% of a CPU over 0.5 s)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = cpu_seconds(pid)
        time.sleep(0.5)
        if cpu_seconds(pid) - before < 0.025:
            return


def prepare_database(args, data_dir: Path) -> str:
    """Fill (or copy the cached fill), migrate; returns a line saying which."""
    from django.core.management import call_command
    from django.db import connection, transaction

    import site_corpus

    cached = Path(f"/tmp/newsdesk-bench-site-{args.articles}-{args.stories}-v{CORPUS_VERSION}.sqlite3")
    meta = cached.with_suffix(".json")
    target = data_dir / "newsdesk.sqlite3"
    if args.refill or not (cached.exists() and meta.exists()):
        call_command("migrate", interactive=False, verbosity=0)
        started = time.perf_counter()
        site_corpus.generate(args.articles, args.stories, log=lambda m: print(m, flush=True))
        took = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        shutil.copyfile(target, f"{cached}.part")
        os.replace(f"{cached}.part", cached)
        meta.write_text(json.dumps({"filled_at": time.time(), "fill_seconds": took}))
        return f"filled in {took:.1f} s (cached as {cached})"
    facts = json.loads(meta.read_text())
    shutil.copyfile(cached, target)
    call_command("migrate", interactive=False, verbosity=0)
    shift = int(time.time() - facts["filled_at"])
    with connection.cursor() as cursor:
        # The FTS update trigger would re-index every document for a date it does not index.
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'site_searchdocument_au'")
        trigger = cursor.fetchone()
    with transaction.atomic(), connection.cursor() as cursor:
        if trigger:
            cursor.execute("DROP TRIGGER site_searchdocument_au")
        for table, columns in SHIFTED.items():
            sets = ", ".join(f"{c} = strftime('%Y-%m-%d %H:%M:%f', {c}, '+{shift} seconds')" for c in columns)
            cursor.execute(f"UPDATE {table} SET {sets}")
        if trigger:
            cursor.execute(trigger[0])
    connection.close()
    return f"cached corpus from {cached} (filled in {facts['fill_seconds']:.1f} s; dates shifted {shift} s)"


def workload(args, tmp: Path) -> tuple[dict, str]:
    """Path files for wrk, and the story page measured again and again (also nginx's file)."""
    from newsdesk.stories.models import Story, Tag

    import site_corpus

    rng = random.Random(11)
    recent = list(Story.objects.order_by("-last_published").values_list("slug", flat=True)[:1000])
    every = list(Story.objects.values_list("slug", flat=True))
    rng.shuffle(every)
    typical = round(args.articles / args.stories)
    same = Story.objects.filter(article_count=typical).order_by("-last_published").first() or Story.objects.first()
    tags = list(Tag.objects.values_list("slug", flat=True))
    words = site_corpus.vocabulary().words
    queries = [" ".join(words[rng.randint(30, 3000)] for _ in range(rng.choice((1, 1, 2, 2, 3)))) for _ in range(2000)]
    lists = {
        "front": ["/"],
        "same": [same.get_absolute_url()],
        "mix": [f"/stories/{s}/" for s in recent],
        "walk": [f"/stories/{s}/" for s in every],
        "tag": [f"/tags/{t}/" for t in tags],
        "search": ["/search?" + urllib.parse.urlencode({"q": q}) for q in queries],
        "rss": ["/feed.rss"],
        "tagrss": [f"/tags/{t}/feed.rss" for t in tags],
        "static": ["/story.html"],
    }
    files = {}
    for name, paths in lists.items():
        files[name] = tmp / f"paths-{name}.txt"
        files[name].write_text("\n".join(paths) + "\n")
    return {"files": files, "lists": lists, "queries": queries, "same": same}, f"{same.article_count} articles"


def in_process(work: dict, repeat: int) -> None:
    """Queries and time per page (test Client, no load), then search() timed directly."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from newsdesk.site.search import search

    client = Client(raise_request_exception=False)
    lists = work["lists"]
    pages = [
        ("front page", lists["front"][0], False),
        ("story (uncached)", lists["same"][0], True),
        ("story (cached)", lists["same"][0], False),
        ("tag page", lists["tag"][0], False),
        ("search", lists["search"][0], False),
        ("feed.rss", lists["rss"][0], False),
        ("tag feed.rss", lists["tagrss"][0], False),
    ]
    print(f"\nIn process (Django test Client, median of {repeat}; no load):")
    print(f"  {'page':<18} {'status':>6} {'queries':>7} {'ms':>8} {'KiB':>7}  path")
    for label, path, cold in pages:
        times = []
        for _ in range(repeat):
            if cold:
                cache.clear()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
        size = len(response.content) / 1024
        print(f"  {label:<18} {response.status_code:>6} {len(queries):>7} {statistics.median(times):>8.1f} {size:>7.1f}  {path[:60]}")
    times = []
    for query in work["queries"][:200]:
        started = time.perf_counter()
        search(query)
        times.append((time.perf_counter() - started) * 1000)
    connection.close()
    times.sort()
    work["search_direct"] = (statistics.median(times), times[int(len(times) * 0.99) - 1])
    print(f"  search() direct, 200 queries: p50 {work['search_direct'][0]:.1f} ms, p99 {work['search_direct'][1]:.1f} ms")


def run_wrk(args, base: str, paths: Path, mode: str, lua: Path, duration: int) -> dict:
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--timeout", "30s",
           "--latency", "-s", str(lua), base, "--", str(paths), mode, str(args.threads)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    result = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    if not result["requests"]:  # nothing finished within the run: no latency to speak of
        result["p50_us"] = result["p99_us"] = float("inf")
    result["errors"] = result["socket_errors"] + result["status_errors"] + result["timeouts"]
    return result


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
    parser.add_argument("--worker-threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--refill", action="store_true", help="regenerate the cached corpus")
    parser.add_argument("--repeat", type=int, default=20, help="in-process requests per page")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            sys.exit(f"{tool} not found: apt-get install -y wrk nginx")
    signal.signal(signal.SIGTERM, interrupted)
    tmp = Path(tempfile.mkdtemp(prefix="newsdesk-bench-site-"))
    try:
        bench(args, tmp)
    except KeyboardInterrupt:
        print("\ninterrupted; stopping servers", file=sys.stderr)
    finally:
        stop_all()
        shutil.rmtree(tmp, ignore_errors=True)


def bench(args, tmp: Path) -> None:
    data_dir = tmp / "data"
    data_dir.mkdir()
    os.environ.update(NEWSDESK_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="newsdesk.project.settings")
    os.environ.pop("NEWSDESK_DEBUG", None)
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    print(f"corpus: {args.articles:,} articles in {args.stories:,} stories", flush=True)
    print("  " + prepare_database(args, data_dir))
    work, same_note = workload(args, tmp)
    in_process(work, args.repeat)

    lua = tmp / "paths.lua"
    lua.write_text(LUA)
    app_port, static_port = free_port(), free_port()
    app, static = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{static_port}"
    server = "gthread" if args.worker_class == "gthread" else "sync"
    gunicorn = [sys.executable, "-m", "gunicorn", "newsdesk.project.wsgi:application", "--bind",
                f"127.0.0.1:{app_port}", "--workers", str(args.workers), "--worker-class", server,
                "--backlog", "2048", "--timeout", "120", "--graceful-timeout", "3", "--log-level", "warning"]
    if server == "gthread":
        gunicorn += ["--threads", str(args.worker_threads)]
    log = tmp / "gunicorn.log"
    gunicorn_proc = start(gunicorn, log)
    wait_ready(app + "/healthz", gunicorn_proc, log)

    status, story_html = fetch(app + work["lists"]["same"][0])
    (tmp / "www").mkdir()
    tmp.chmod(0o755)  # nginx's workers run as an unprivileged user when started by root
    (tmp / "www" / "story.html").write_bytes(story_html)
    (tmp / "nginx.conf").write_text(NGINX_CONF.format(tmp=tmp, port=static_port))
    nginx_log = tmp / "nginx.out"
    nginx = start(["nginx", "-e", str(tmp / "nginx-error.log"), "-p", str(tmp), "-c", str(tmp / "nginx.conf")], nginx_log)
    wait_ready(static + "/story.html", nginx, nginx_log)

    threads = f" x {args.worker_threads} threads" if server == "gthread" else ""
    print(f"\nUnder load: gunicorn {args.workers} {server} workers{threads} vs nginx (2 workers); "
          f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, 2 s warm-up; "
          f"{os.cpu_count()} CPUs shared by wrk, servers and other work (load average before: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    print(f"  story page measured: {work['lists']['same'][0]} ({same_note}, {len(story_html):,} bytes, HTTP {status}); "
          f"nginx serves the same bytes")
    runs = [
        ("static file (nginx)", static, "static", "random", True),
        ("front page", app, "front", "random", True),
        ("story (same: cached)", app, "same", "random", True),
        ("story (mix of 1,000)", app, "mix", "random", True),
        ("story (uncached)", app, "walk", "walk", False),
        ("tag page", app, "tag", "random", True),
        ("search", app, "search", "random", True),
        ("feed.rss", app, "rss", "random", True),
        ("tag feed.rss", app, "tagrss", "random", True),
        ("static file (nginx) again", static, "static", "random", False),
    ]
    results = {}
    print(f"\n  {'endpoint':<27} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x nginx':>8} {'errors':>7} {'KiB':>6}")
    for label, base, name, mode, warm in runs:
        first_path = work["lists"][name][0]
        code, body = fetch(base + first_path)
        if code != 200:
            print(f"  {label:<27} {'HTTP ' + str(code):>8}  (skipped: {first_path[:50]} does not answer 200)")
            continue
        server_pid = (nginx if base == static else gunicorn_proc).pid
        if warm:
            run_wrk(args, base, work["files"][name], mode, lua, 2)
            wait_idle(server_pid)
        r = results[label] = run_wrk(args, base, work["files"][name], mode, lua, args.duration)
        wait_idle(server_pid)
        nginx_rps = results["static file (nginx)"]["rps"]
        print(f"  {label:<27} {r['rps']:>8.0f} {r['p50_us'] / 1000:>8.1f} {r['p99_us'] / 1000:>8.1f} "
              f"{r['rps'] / nginx_rps:>8.1%} {r['errors']:>7} {r['bytes'] / max(1, r['requests']) / 1024:>6.1f}", flush=True)
    print(f"  load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    report(args, results, work)


def report(args, results: dict, work: dict) -> None:
    statics = [results[k]["rps"] for k in ("static file (nginx)", "static file (nginx) again") if k in results]
    nginx = statistics.mean(statics)
    small = f" (corpus {args.articles:,} articles: smaller than the target's 100k)" if args.articles < 100_000 else ""
    targets = []
    if cached := results.get("story (same: cached)"):
        targets += [
            (f"cached story >= 30% of nginx req/s ({cached['rps']:.0f} / {nginx:.0f} = {cached['rps'] / nginx:.1%})", cached["rps"] >= 0.3 * nginx),
            (f"cached story p99 < 50 ms at {args.connections} connections ({cached['p99_us'] / 1000:.1f} ms)", cached["p99_us"] < 50_000),
        ]
    if uncached := results.get("story (uncached)"):
        targets.append((f"uncached story >= 500 req/s on {os.cpu_count()} cores ({uncached['rps']:.0f})", uncached["rps"] >= 500))
    if found := results.get("search"):
        targets.append((f"search p99 < 100 ms under load, {args.connections} connections ({found['p99_us'] / 1000:.1f} ms){small}", found["p99_us"] < 100_000))
    p50, p99 = work["search_direct"]
    targets.append((f"search p99 < 100 ms in process, no load (p50 {p50:.1f} ms, p99 {p99:.1f} ms){small}", p99 < 100))
    errors = sum(r["errors"] for r in results.values())
    print(f"\nTargets (nginx = mean of its two runs, {nginx:.0f} req/s; {errors} errors in all runs):")
    for text, ok in targets:
        print(f"  {'PASS' if ok else 'MISS'}  {text}")


if __name__ == "__main__":
    main()
