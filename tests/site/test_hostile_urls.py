"""Only web links leave newsdesk: outlets' script URLs stored in the database (as an older
version, a bug or a hand edit could have left them) never become an href or src of a page, a
URL of the API or a link of a feed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection

from newsdesk.core.weburl import web_url
from newsdesk.discussion.models import SentenceFlag
from newsdesk.ingest.models import Article, Feed, Outlet
from newsdesk.stories.grouping import process_article
from newsdesk.stories.models import Story

from ..discussion.conftest import client_for, make_user

# Every spelling a browser still reads as script or an inline document.
HOSTILE_URLS = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    " JaVaScRiPt:alert(1)",
    "\tjavascript:alert(1)",
    "\x01\x02javascript:alert(1)",
    "java\nscript:alert(1)",
    "java\tscript:alert(1)",
    "\u000bjavascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " DaTa:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "  VBScript:msgbox(1)",
    "\x1fvbscript:msgbox(1)",
]
SCRIPT_SCHEME = re.compile(r"^\s*(javascript|data|vbscript):", re.IGNORECASE)
# Invented events, one per article, worded apart so each is a story of its own.
EVENTS = [
    "Harbour cranes at Velmar stopped on Tuesday after a power cut hit the container terminal",
    "The Orlen river bridge reopened to lorries on Friday after six weeks of repairs",
    "Teachers in Caston voted to accept a new pay offer from the district council",
    "A late frost damaged apple orchards across the Dunmere valley on Sunday night",
    "The Pellow city museum returned a carved door to the village of Ashgrove",
    "Night trains between Corra and Lissfield will run again from March, the operator said",
    "Flooding closed the coast road at Tamsey Point for the second time this month",
    "Fishermen at Brack Harbour protested against new quotas for the autumn season",
    "The Renwick observatory found a comet that will pass close to the sun next spring",
    "A fire at a paper mill in Holloway forced the evacuation of forty homes on Monday",
    "The Garth island ferry fare rises by a tenth from January, the council confirmed",
    "Volunteers planted two thousand oak saplings on the old quarry site at Medlow",
    "The Sarn valley dam passed its ten-year safety inspection, engineers reported",
]


def hostile_urls() -> list[str]:
    # PostgreSQL text cannot hold NUL at all; SQLite can, so there it is tried too.
    extra = ["\x00javascript:alert(1)"] if connection.vendor == "sqlite" else []
    return HOSTILE_URLS + extra


@pytest.fixture
def hostile_site(db):
    """One outlet per hostile URL (as its homepage), each with an article linking to it,
    grouped, briefed, tagged and indexed by the real pipeline."""
    stories = []
    published = datetime.now(UTC) - timedelta(hours=3)
    for number, url in enumerate(hostile_urls()):
        outlet = Outlet.objects.create(
            name=f"Outlet {number}", slug=f"outlet-{number}", family=f"f{number}", homepage=url
        )
        feed = Feed.objects.create(url=f"http://127.0.0.1/feed-{number}.xml", outlet=outlet)
        event = EVENTS[number % len(EVENTS)]
        article = Article.objects.create(
            feed=feed,
            outlet=outlet,
            key=f"hostile-{number}",
            url=url,
            title=event,
            text=f"{event}. Officials said more details would follow later in the week.",
            published=published - timedelta(minutes=number),
            extraction=Article.Extraction.DONE,
        )
        stories.append(process_article(article))
    return stories


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action", "formaction", "srcset", "poster", "data"):
                self.links.append(value or "")


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def assert_only_web_links(html: str, where: str) -> None:
    for link in links_of(html):
        assert not SCRIPT_SCHEME.match(link), f"{where}: {link!r}"
        # Our own pages (relative) or an outside web page; nothing else.
        assert link.startswith(("/", "?", "#")) or web_url(link) == link.strip(), (
            f"{where}: {link!r}"
        )


def test_no_page_links_a_script_url(hostile_site, client):
    story_pages = [s.get_absolute_url() for s in Story.objects.filter(article_count__gt=0)]
    assert len(story_pages) >= 2
    pages = ["/", "/search?q=officials", "/search?q=harbour", *story_pages]
    pages += [f"/outlets/outlet-{n}/" for n in range(len(hostile_urls()))]
    pages += [st.tag.get_absolute_url() for s in hostile_site for st in s.story_tags.all()]
    checked = 0
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert_only_web_links(html, path)
        checked += 1
    # The story pages did show the articles, without a link.
    story = client.get(story_pages[0]).content.decode()
    assert "(no web address)" in story
    assert checked == len(pages)


def test_a_safe_link_beside_hostile_ones_is_still_a_link(hostile_site, client):
    outlet = Outlet.objects.get(slug="outlet-0")
    outlet.homepage = "  HTTPS://outlet-zero.example/home "
    outlet.save()
    article = Article.objects.filter(outlet=outlet).get()
    Article.objects.filter(pk=article.pk).update(url="https://outlet-zero.example/news/1")
    Story.objects.filter(memberships__article=article).update(updated_at=datetime.now(UTC))
    html = client.get("/outlets/outlet-0/").content.decode()
    assert 'href="https://outlet-zero.example/home"' in html
    story = Story.objects.get(memberships__article=article)
    html = client.get(story.get_absolute_url()).content.decode()
    assert 'class="read-more" href="https://outlet-zero.example/news/1"' in html


def test_the_editors_flag_page_links_no_script_url(hostile_site):
    editor = make_user("eddie", groups=("Editors",))
    for story in hostile_site:
        SentenceFlag.objects.create(
            story=story,
            sentence_index=0,
            sentence_text=story.brief["sentences"][0]["text"],
            sources=story.brief["sentences"][0]["sources"],
            kind=SentenceFlag.Kind.INACCURATE,
        )
    response = client_for(editor).get("/moderation/brief-flags/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="queue-item flag-item"') == len(hostile_site)
    assert_only_web_links(html, "brief flags")


def _urls_in(value, key: str = "") -> list[tuple[str, object]]:
    """Every (key, value) of a JSON document whose key names a URL."""
    found = []
    if isinstance(value, dict):
        for k, v in value.items():
            found += _urls_in(v, k)
    elif isinstance(value, list):
        for v in value:
            found += _urls_in(v, key)
    elif key in ("url", "homepage", "external_url", "home_page_url", "feed_url", "id"):
        found.append((key, value))
    return found


def test_the_api_gives_null_for_a_url_it_would_not_link(hostile_site, client):
    documents = {
        "/api/articles": client.get("/api/articles", {"page_size": 100}).json(),
        "/api/outlets": client.get("/api/outlets").json(),
        "/api/stories": client.get("/api/stories").json(),
        "/api/search": client.get("/api/search", {"q": "officials"}).json(),
    }
    for story in hostile_site:
        documents[story.slug] = client.get(f"/api/stories/{story.slug}").json()
    for article in Article.objects.all():
        documents[f"article {article.pk}"] = client.get(f"/api/articles/{article.pk}").json()
    assert documents["/api/search"]["total"] >= 1
    outlet_doc = client.get("/api/outlets/outlet-2").json()
    assert outlet_doc["homepage"] is None
    article_urls = [a["url"] for a in documents["/api/articles"]["results"]]
    assert article_urls == [None] * len(hostile_urls())
    for where, document in documents.items():
        for key, value in _urls_in(document):
            if value is None or key == "id":
                continue
            assert isinstance(value, str) and not SCRIPT_SCHEME.match(value), (where, key, value)
            assert value.startswith("/") or web_url(value) == value, (where, key, value)


def test_the_sites_own_feeds_carry_no_script_url(hostile_site, client):
    for path in (
        "/feed.rss",
        "/feed.atom",
        "/feed.json",
        "/outlets/outlet-1/feed.rss",
        "/outlets/outlet-1/feed.atom",
        "/outlets/outlet-1/feed.json",
        "/search/feed.rss?q=officials",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert "<item>" in body or "<entry>" in body or '"items": [{' in body, path
        for scheme in ("javascript:", "vbscript:", "data:text"):
            assert scheme not in body.lower(), (path, scheme)
