"""Hostile outlets against a real ``newsdesk ingest``: peak memory of each case beside a normal
feed's, measured in the same run.

Run from the project root (about a minute)::

    .venv/bin/python bench/hostile.py
    .venv/bin/python bench/hostile.py --case gzip-gzip-bomb --case utf-7-entity-bomb

A hostile outlet server and an "internal" server (a second port, standing for a LAN or cloud
metadata address) run in this process on 127.0.0.1. For each case a fresh SQLite database in
a temporary ``NEWSDESK_DATA_DIR`` gets the normal feed and the case's feed through
``newsdesk feeds add --no-check``, and one ``newsdesk ingest --no-progress`` runs in a
subprocess, as a user runs it: the normal case is that pass without a hostile feed. Printed
per case: the exit status, the child's peak RSS (``wait4``'s ``ru_maxrss``), its difference from the
normal feed's peak, whether that is within the target (150 MB), the seconds taken, whether the
internal server was ever asked for anything, and what the pass recorded.

Nothing is written outside the temporary directory, which is removed at the end.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEWSDESK = [str(ROOT / ".venv" / "bin" / "newsdesk")]
TARGET_MB = 150

PUBLISHED = format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)
PARAGRAPH = (
    "The harbour board met on Tuesday and agreed to repair the north breakwater before the "
    "winter storms, at a cost the board put at four hundred thousand crowns."
)
PAGE = (
    "<html><head><title>Breakwater</title></head><body><article><h1>Breakwater repair</h1>"
    + f"<p>{PARAGRAPH}</p>" * 8
    + "</article></body></html>"
).encode()
INTERNAL_MARKER = b"INTERNAL-ONLY-7f3a"


def rss(items: list[tuple[str, str]], title: str = "Gannet Point Herald") -> bytes:
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid isPermaLink='false'>{t}</guid>"
        f"<pubDate>{PUBLISHED}</pubDate><description>{t}. {PARAGRAPH}</description></item>"
        for t, link in items
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}'
        f"</title>{body}</channel></rss>"
    ).encode()


def entity_bomb(levels: int) -> str:
    declarations = "\n".join(
        f'<!ENTITY e{n} "' + f"&e{n - 1};" * 10 + '">' for n in range(1, levels + 1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-7"?>\n<!DOCTYPE rss [\n<!ENTITY e0 "tern">\n'
        f'{declarations}\n]>\n<rss version="2.0"><channel><title>&e{levels};</title>'
        f"<item><title>&e{levels};</title><link>https://terns.example/1</link></item>"
        "</channel></rss>"
    )


def gzip_of_zeros(size: int) -> bytes:
    """``size`` zero bytes gzipped, without ever holding them (a 2 GB bomb in a few MB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = bytes(1 << 20)
    parts = [packer.compress(chunk) for _ in range(size >> 20)]
    return b"".join(parts) + packer.flush()


# What each path of the hostile outlet answers: (status, headers, body). A body given as an
# int is that many spaces streamed without a Content-Length (the connection closes after).
Reply = tuple[int, dict[str, str], bytes | int]


def build_routes(outlet: str, internal: str) -> dict[str, Reply]:
    outlet_port = outlet.rsplit(":", 1)[1]
    normal_items = [(f"Breakwater story {n}", f"{outlet}/news/{n}.html") for n in range(3)]
    utf7 = entity_bomb(9).encode("utf-7").replace(b"<!", b"+ADwAIQ-")
    routes: dict[str, Reply] = {
        "/normal.xml": (200, {"Content-Type": "application/rss+xml"}, rss(normal_items)),
        "/internal-links.xml": (
            200,
            {"Content-Type": "application/rss+xml"},
            rss(
                [
                    ("Minutes on another port", f"{internal}/admin"),
                    ("Camera by name", f"http://localhost:{outlet_port}/news/0.html"),
                    ("Redirect inward", f"{outlet}/go/inward"),
                ]
            ),
        ),
        "/go/inward": (302, {"Location": f"{internal}/admin"}, b""),
        "/script-links.xml": (
            200,
            {"Content-Type": "application/rss+xml"},
            rss([("Script", " JaVaScRiPt:alert(1)"), ("Data", "data:text/html,x")]),
        ),
        "/redirect-to-script.xml": (
            200,
            {"Content-Type": "application/rss+xml"},
            rss([("Script hop", f"{outlet}/go/script"), ("Bad port", "http://h:notaport/x")]),
        ),
        "/go/script": (302, {"Location": "javascript:alert(1)"}, b""),
        "/billion-laughs.xml": (
            200,
            {"Content-Type": "application/rss+xml"},
            entity_bomb(9).replace("UTF-7", "UTF-8").encode(),
        ),
        "/utf-7-entity-bomb.xml": (
            200,
            {"Content-Type": "application/rss+xml; charset=utf-7"},
            # The case: 130 kB of UTF-7 took 3 GB and 39 s before.
            utf7 + b"<!-- " + b"tern " * 25_000 + b"-->",
        ),
        "/gzip-bomb.xml": (
            200,
            {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"},
            gzip_of_zeros(1_000_000_000),
        ),
        "/gzip-gzip-bomb.xml": (
            200,
            {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip, gzip"},
            gzip.compress(gzip_of_zeros(2_000_000_000), 9),
        ),
        "/huge-body.xml": (200, {"Content-Type": "application/rss+xml"}, 200_000_000),
        "/redirect-loop.xml": (302, {"Location": "/redirect-loop.xml"}, b""),
        "/nul-bytes.xml": (
            200,
            {"Content-Type": "application/rss+xml"},
            rss([("Storm\x00 closes the causeway", f"{outlet}/news/0.html?nul")]).replace(
                b"</description>", b"\x00\x01</description>"
            ),
        ),
    }
    for n in range(3):
        routes[f"/news/{n}.html"] = (200, {"Content-Type": "text/html"}, PAGE)
    return routes


CASES = [
    "normal",
    "internal-links",
    "script-links",
    "redirect-to-script",
    "billion-laughs",
    "utf-7-entity-bomb",
    "gzip-bomb",
    "gzip-gzip-bomb",
    "huge-body",
    "redirect-loop",
    "nul-bytes",
]


def serve(routes: Callable[[], dict[str, Reply]] | dict[str, Reply], seen: list[str]):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - stdlib's name
            table = routes() if callable(routes) else routes
            seen.append(self.path)
            status, headers, body = table.get(self.path.split("?")[0], (404, {}, b"not found"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if isinstance(body, int):
                self.send_header("Connection", "close")
                self.close_connection = True
            else:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                if isinstance(body, int):
                    spaces = b" " * (1 << 20)
                    for _ in range(body >> 20):
                        self.wfile.write(spaces)
                else:
                    for start in range(0, len(body), 1 << 20):
                        self.wfile.write(body[start : start + (1 << 20)])
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    # A client that gives up mid-body (the point of several cases) is not worth a traceback.
    server.handle_error = lambda request, address: None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run_case(case: str, outlet: str, template: Path, work: Path) -> dict:
    data = work / case
    shutil.copytree(template, data)
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(data)}
    env.pop("DATABASE_URL", None)
    # Every case's pass also has the normal feed to read, group, brief and tag: the peak
    # compared is that of a whole pass, with the hostile feed in it or not.
    for name in dict.fromkeys(["normal", case]):
        subprocess.run(
            [*NEWSDESK, "feeds", "add", "--no-check", f"{outlet}/{name}.xml"],
            check=True,
            capture_output=True,
            env=env,
            cwd=ROOT,
        )
    started = time.monotonic()
    child = subprocess.Popen(
        [*NEWSDESK, "ingest", "--no-progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=ROOT,
    )
    output = child.stdout.read().decode("utf-8", "replace") if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.monotonic() - started
    with sqlite3.connect(data / "newsdesk.sqlite3") as db:
        feed_id, feed_error = db.execute(
            "SELECT id, last_error FROM ingest_feed WHERE url LIKE ?", (f"%/{case}.xml",)
        ).fetchone()
        article_errors = [
            row[0]
            for row in db.execute(
                "SELECT DISTINCT extraction_error FROM ingest_article WHERE feed_id = ? "
                "AND extraction_error != ''",
                (feed_id,),
            )
        ]
        articles = db.execute(
            "SELECT count(*), coalesce(sum(processed_at IS NOT NULL), 0) FROM ingest_article"
        ).fetchone()
    return {
        "status": os.waitstatus_to_exitcode(status),
        "peak_mb": usage.ru_maxrss / 1024,  # Linux: kilobytes
        "seconds": seconds,
        "summary": output.strip().splitlines()[0] if output.strip() else "",
        "feed_error": feed_error,
        "article_errors": article_errors,
        "articles": articles,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--case", action="append", choices=CASES, help="run only these cases")
    args = parser.parse_args()
    if not Path(NEWSDESK[0]).exists():
        print(f"{NEWSDESK[0]} is missing: run `make install` first")
        return 2
    cases = ["normal"] + [c for c in (args.case or CASES) if c != "normal"]

    internal_seen: list[str] = []
    internal = serve(
        {"/admin": (200, {"Content-Type": "text/html"}, INTERNAL_MARKER * 100)}, internal_seen
    )
    internal_base = f"http://127.0.0.1:{internal.server_address[1]}"
    routes: dict[str, Reply] = {}
    outlet = serve(lambda: routes, [])
    outlet_base = f"http://127.0.0.1:{outlet.server_address[1]}"
    print("building the hostile bodies (a 2 GB gzip bomb takes a few seconds) ...", flush=True)
    routes.update(build_routes(outlet_base, internal_base))

    work = Path(tempfile.mkdtemp(prefix="newsdesk-hostile-"))
    try:
        template = work / "template"
        env = {**os.environ, "NEWSDESK_DATA_DIR": str(template)}
        env.pop("DATABASE_URL", None)
        subprocess.run([*NEWSDESK, "migrate", "-v", "0"], check=True, env=env, cwd=ROOT)
        print(f"outlet {outlet_base}, internal {internal_base}; one `newsdesk ingest` per case\n")
        header = f"{'case':<20} {'exit':>4} {'peak MB':>8} {'vs normal':>9} {'ok':>3} {'s':>6}"
        print(header + "  internal hit  articles (grouped)  recorded on the case's feed")
        print("-" * (len(header) + 60))
        normal_peak = None
        worst = 0.0
        for case in cases:
            before = len(internal_seen)
            result = run_case(case, outlet_base, template, work)
            if normal_peak is None:
                normal_peak = result["peak_mb"]
            delta = result["peak_mb"] - normal_peak
            worst = max(worst, delta)
            hit = "YES" if len(internal_seen) > before else "no"
            said = [result["feed_error"], *result["article_errors"]]
            recorded = " | ".join(x for x in said if x)[:200] or "-"
            print(
                f"{case:<20} {result['status']:>4} {result['peak_mb']:>8.0f} {delta:>+9.0f} "
                f"{'yes' if delta <= TARGET_MB else 'NO':>3} {result['seconds']:>6.1f}  "
                f"{hit:<12}  {result['articles'][0]:>3} ({result['articles'][1]:>3})"
                f"{'':>9}{recorded}",
                flush=True,
            )
        print(
            f"\nworst case: {worst:+.0f} MB against the normal feed (target: within {TARGET_MB} MB)"
        )
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)
        outlet.shutdown()
        internal.shutdown()


if __name__ == "__main__":
    sys.exit(main())
