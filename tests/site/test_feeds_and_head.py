"""Feeds out, conditional GET, and what a page's head tells other programs."""

import json
import re
from html import unescape

import feedparser
import pytest

from newsdesk.stories.models import Story

LISTINGS = ["/", "/tags/{tag}/", "/outlets/the-lantern/", "/search?q=floods"]


def feed_urls(html: str) -> dict[str, str]:
    return {
        kind: unescape(href)
        for kind, href in re.findall(
            r'<link rel="alternate" type="application/([\w+]+)"[^>]*href="([^"]+)"', html
        )
    }


@pytest.mark.parametrize("listing", LISTINGS)
def test_every_listing_advertises_rss_atom_and_json_feeds_that_parse(
    ingested_demo, client, listing
):
    tag = Story.objects.order_by("-outlet_count").first().story_tags.first().tag.slug
    html = client.get(listing.format(tag=tag)).content.decode()
    urls = feed_urls(html)
    assert set(urls) == {"rss+xml", "atom+xml", "feed+json"}
    rss = feedparser.parse(client.get(urls["rss+xml"]).content)
    atom = feedparser.parse(client.get(urls["atom+xml"]).content)
    assert rss.version == "rss20" and atom.version == "atom10"
    assert rss.entries and len(rss.entries) == len(atom.entries)
    document = client.get(urls["feed+json"]).json()
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert [i["title"] for i in document["items"]] == [e.title for e in rss.entries]
    for entry in rss.entries:
        assert "/stories/" in entry.link


def test_feeds_and_pages_answer_conditional_get_with_304(ingested_demo, client):
    for path in ("/feed.rss", "/feed.json", "/", Story.objects.first().get_absolute_url()):
        first = client.get(path)
        assert first.status_code == 200
        assert first.has_header("ETag") and first.has_header("Last-Modified"), path
        again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, path
        since = client.get(path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert since.status_code == 304, path


def test_story_head_has_open_graph_and_news_article_json_ld(ingested_demo, client):
    story = Story.objects.order_by("-outlet_count").first()
    html = client.get(story.get_absolute_url()).content.decode()
    assert f'<meta property="og:title" content="{story.headline}">' in unescape(html)
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )
    assert data["@type"] == "NewsArticle" and data["headline"] == story.headline
    assert len(data["isBasedOn"]) == story.article_count


def test_a_changed_story_is_not_served_from_the_cache(ingested_demo, client):
    story = Story.objects.order_by("-outlet_count").first()
    client.get(story.get_absolute_url())  # now cached
    sentence = story.brief["sentences"][0]
    sentence["text"] = "A corrected sentence the cache has never seen."
    story.save()
    Story.objects.filter(pk=story.pk).update(updated_at=story.updated_at.replace(year=2030))
    html = unescape(client.get(story.get_absolute_url()).content.decode())
    assert "A corrected sentence the cache has never seen." in html


def test_front_page_has_topic_sections_and_marks_developing_stories(ingested_demo, client):
    html = client.get("/").content.decode()
    assert html.count('class="section"') >= 1
    assert "Developing" in html
    # Each section's title links to its topic's page (an empty href once slipped through).
    titles = re.findall(r'<h2 class="section-title" id="section-([^"]+)"><a href="([^"]*)">', html)
    assert titles
    for slug, href in titles:
        assert href == f"/tags/{slug}/"
        assert client.get(href).status_code == 200


def test_robots_and_sitemap(ingested_demo, client):
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in robots and "Sitemap: http://testserver/sitemap.xml" in robots
    sitemap = client.get("/sitemap.xml").content.decode()
    live = Story.objects.filter(merged_into__isnull=True, article_count__gt=0)
    assert sitemap.count("<url>") >= live.count()
    assert live.first().get_absolute_url() in sitemap


@pytest.mark.parametrize("path", ["/feed.json", "/search/feed.json?q=norvia"])
def test_feed_items_carry_their_storys_tags_all_read_in_one_query(ingested_demo, client, path):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        document = client.get(path).json()
    assert len(document["items"]) >= 3
    assert len([q for q in queries if "stories_storytag" in q["sql"]]) == 1
    for item in document["items"]:
        story = Story.objects.get(slug=item["url"].rstrip("/").rsplit("/", 1)[-1])
        visible = story.story_tags.filter(tag__hidden=False).order_by("rank", "pk")
        assert item["tags"] == [st.tag.name for st in visible]
        assert item["tags"], item["title"]
