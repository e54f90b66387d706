"""The outlet farm: the bundled demo outlets served over real HTTP on 127.0.0.1.

Each invented outlet gets a feed in its own format (RSS 2.0, Atom or JSON Feed) carrying
teasers only, and an HTML page per article with the usual page furniture (navigation, related
links, footer, a comment box), so ingest has to extract the text as it would from a real site.
The farm answers conditional GET (ETag, Last-Modified -> 304) and serves a robots.txt.

Dates are shifted so the newest demo article is an hour old whenever the demo runs: the
corpus is written over 16-21 November 2026, and a demo run months later should still look like
today's news (and be young enough for extraction and the story window).

    python -m newsdesk.demo.farm --port 8001     # serve it alone
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from xml.sax.saxutils import escape

CORPUS = resources.files("newsdesk.demo") / "corpus"


@dataclass
class DemoArticle:
    id: str
    story: str
    outlet: dict
    title: str
    published: datetime
    author: str
    categories: list[str]
    summary: str
    paragraphs: list[str]

    @property
    def path(self) -> str:
        return f"/{self.id}.html"


def load_corpus(now: datetime | None = None) -> tuple[list[dict], list[DemoArticle]]:
    outlets = json.loads((CORPUS / "outlets.json").read_text(encoding="utf-8"))
    by_slug = {o["slug"]: o for o in outlets}
    articles = []
    for story_file in sorted((CORPUS / "stories").iterdir(), key=lambda p: p.name):
        if not story_file.name.endswith(".json"):
            continue
        story = json.loads(story_file.read_text(encoding="utf-8"))
        for raw in story["articles"]:
            articles.append(
                DemoArticle(
                    id=raw["id"],
                    story=story["story"],
                    outlet=by_slug[raw["outlet"]],
                    title=raw["title"],
                    published=datetime.fromisoformat(raw["published"].replace("Z", "+00:00")),
                    author=raw.get("author", ""),
                    categories=raw.get("categories", []),
                    summary=raw.get("summary", ""),
                    paragraphs=raw["paragraphs"],
                )
            )
    newest = max(a.published for a in articles)
    now = now or datetime.now(UTC)
    shift = (now - timedelta(hours=1)).replace(minute=0, second=0, microsecond=0) - newest.replace(
        minute=0, second=0, microsecond=0
    )
    for article in articles:
        article.published += shift
    articles.sort(key=lambda a: a.published, reverse=True)
    return outlets, articles


class Farm:
    def __init__(self, base_url: str, now: datetime | None = None):
        self.base_url = base_url.rstrip("/")
        self.outlets, self.articles = load_corpus(now)
        self.documents: dict[str, tuple[str, bytes]] = {}
        self.last_modified = format_datetime(
            max(a.published for a in self.articles).astimezone(UTC), usegmt=True
        )
        self._build()

    def feed_path(self, outlet: dict) -> str:
        extension = {"rss": "rss.xml", "atom": "atom.xml", "json": "feed.json"}[outlet["format"]]
        return f"/{outlet['slug']}/{extension}"

    def feed_urls(self) -> list[tuple[dict, str]]:
        return [(o, self.base_url + self.feed_path(o)) for o in self.outlets]

    def _build(self) -> None:
        for outlet in self.outlets:
            items = [a for a in self.articles if a.outlet is outlet]
            builder = {"rss": self._rss, "atom": self._atom, "json": self._json_feed}
            content_type, body = builder[outlet["format"]](outlet, items)
            self.documents[self.feed_path(outlet)] = (content_type, body.encode("utf-8"))
            self.documents[f"/{outlet['slug']}/"] = (
                "text/html; charset=utf-8",
                self._index(outlet, items).encode("utf-8"),
            )
            for article in items:
                self.documents[article.path] = (
                    "text/html; charset=utf-8",
                    self._page(article, items).encode("utf-8"),
                )
        self.documents["/robots.txt"] = (
            "text/plain; charset=utf-8",
            b"User-agent: *\nDisallow: /private/\n",
        )
        self.documents["/opml.xml"] = ("text/x-opml; charset=utf-8", self._opml().encode())

    def _rss(self, outlet: dict, items: list[DemoArticle]) -> tuple[str, str]:
        entries = "".join(
            f"""
    <item>
      <title>{escape(a.title)}</title>
      <link>{self.base_url}{a.path}</link>
      <guid isPermaLink="true">{self.base_url}{a.path}</guid>
      <pubDate>{format_datetime(a.published, usegmt=True)}</pubDate>
      <dc:creator>{escape(a.author)}</dc:creator>
      {"".join(f"<category>{escape(c)}</category>" for c in a.categories)}
      <description>{escape(a.summary)}</description>
    </item>"""
            for a in items
        )
        return (
            "application/rss+xml; charset=utf-8",
            f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>{escape(outlet["name"])}</title>
    <link>{self.base_url}/{outlet["slug"]}/</link>
    <description>Latest from {escape(outlet["name"])} (newsdesk demo outlet)</description>
    <ttl>30</ttl>{entries}
  </channel>
</rss>
""",
        )

    def _atom(self, outlet: dict, items: list[DemoArticle]) -> tuple[str, str]:
        entries = "".join(
            f"""
  <entry>
    <title>{escape(a.title)}</title>
    <link rel="alternate" href="{self.base_url}{a.path}"/>
    <id>tag:newsdesk-demo,2026:{a.id}</id>
    <published>{a.published.isoformat()}</published>
    <updated>{a.published.isoformat()}</updated>
    <author><name>{escape(a.author)}</name></author>
    {"".join(f'<category term="{escape(c)}"/>' for c in a.categories)}
    <summary>{escape(a.summary)}</summary>
  </entry>"""
            for a in items
        )
        updated = max((a.published for a in items), default=datetime.now(UTC)).isoformat()
        return (
            "application/atom+xml; charset=utf-8",
            f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>{escape(outlet["name"])}</title>
  <link rel="alternate" href="{self.base_url}/{outlet["slug"]}/"/>
  <id>tag:newsdesk-demo,2026:{outlet["slug"]}</id>
  <updated>{updated}</updated>{entries}
</feed>
""",
        )

    def _json_feed(self, outlet: dict, items: list[DemoArticle]) -> tuple[str, str]:
        document = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": outlet["name"],
            "home_page_url": f"{self.base_url}/{outlet['slug']}/",
            "feed_url": self.base_url + self.feed_path(outlet),
            "items": [
                {
                    "id": a.id,
                    "url": self.base_url + a.path,
                    "title": a.title,
                    "summary": a.summary,
                    "content_text": a.summary,
                    "date_published": a.published.isoformat(),
                    "authors": [{"name": a.author}],
                    "tags": a.categories,
                }
                for a in items
            ],
        }
        return "application/feed+json; charset=utf-8", json.dumps(document, ensure_ascii=False)

    def _chrome(self, outlet: dict, title: str, main: str) -> str:
        return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} | {html.escape(outlet["name"])}</title>
<link rel="alternate" type="application/rss+xml" href="{self.feed_path(outlet)}"></head>
<body>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept all</button></div>
<header><a href="/{outlet["slug"]}/">{html.escape(outlet["name"])}</a>
<nav><a href="/{outlet["slug"]}/">Home</a> <a href="#">World</a> <a href="#">Business</a> <a href="#">Sport</a> <a href="#">Subscribe</a></nav></header>
{main}
<footer><p>&copy; 2026 {html.escape(outlet["name"])}, an invented outlet of the newsdesk demo. All rights reserved.</p>
<p><a href="#">Privacy</a> · <a href="#">Terms</a> · <a href="#">Contact us</a></p></footer>
</body></html>
"""

    def _page(self, article: DemoArticle, siblings: list[DemoArticle]) -> str:
        related = "".join(
            f'<li><a href="{a.path}">{html.escape(a.title)}</a></li>'
            for a in siblings
            if a is not article
        )[:2000]
        body = "".join(f"<p>{html.escape(p)}</p>\n" for p in article.paragraphs)
        main = f"""<main>
<article>
<h1>{html.escape(article.title)}</h1>
<p class="byline">By {html.escape(article.author)} · <time datetime="{article.published.isoformat()}">{article.published:%d %B %Y %H:%M} UTC</time></p>
<div class="article-body">
{body}</div>
</article>
<aside><h2>Most read</h2><ul>{related}</ul></aside>
<section class="comments"><h2>Comments (0)</h2><form><textarea name="c"></textarea><button>Post</button></form></section>
</main>"""
        return self._chrome(article.outlet, article.title, main)

    def _index(self, outlet: dict, items: list[DemoArticle]) -> str:
        links = "".join(f'<li><a href="{a.path}">{html.escape(a.title)}</a></li>' for a in items)
        return self._chrome(outlet, "Home", f"<main><h1>Latest</h1><ul>{links}</ul></main>")

    def _opml(self) -> str:
        outlines = "".join(
            f'\n    <outline type="rss" text="{html.escape(o["name"])}" '
            f'title="{html.escape(o["name"])}" xmlUrl="{url}" '
            f'htmlUrl="{self.base_url}/{o["slug"]}/"/>'
            for o, url in self.feed_urls()
        )
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>newsdesk demo outlets</title></head>
  <body>{outlines}
  </body>
</opml>
"""


def _handler_for(farm_holder: dict):
    class Handler(BaseHTTPRequestHandler):
        server_version = "newsdesk-demo-farm/1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            farm: Farm = farm_holder["farm"]
            document = farm.documents.get(self.path.split("?")[0])
            if document is None:
                self.send_error(404, "no such page on the demo farm")
                return
            content_type, body = document
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            if self.headers.get("If-None-Match") == etag or (
                self.headers.get("If-Modified-Since") == farm.last_modified
                and not self.headers.get("If-None-Match")
            ):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", farm.last_modified)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", farm.last_modified)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:  # quiet: the demo prints its own
            pass

    return Handler


def start_farm(host: str = "127.0.0.1", port: int = 0) -> tuple[ThreadingHTTPServer, Farm]:
    """Serve the farm in a daemon thread; port 0 picks a free port."""
    holder: dict = {}
    server = ThreadingHTTPServer((host, port), _handler_for(holder))
    holder["farm"] = Farm(f"http://{host}:{server.server_address[1]}")
    threading.Thread(target=server.serve_forever, daemon=True, name="outlet-farm").start()
    return server, holder["farm"]


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the newsdesk demo outlets.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    server, farm = start_farm(args.host, args.port)
    print(f"outlet farm at {farm.base_url}/ (OPML: {farm.base_url}/opml.xml); Ctrl-C stops it")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main()
