"""Feeds out: RSS 2.0 and Atom through Django's syndication framework, and JSON Feed 1.1.

Every listing (front page, tag, outlet, search) has all three, advertised in its page's head.
"""

from __future__ import annotations

import re

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, JsonResponse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from newsdesk.site.listings import Listing, listing_for, with_tags
from newsdesk.stories.models import Story

ITEMS_PER_FEED = 50

# Characters XML 1.0 cannot carry at all (NUL and most C0 controls, lone surrogates, U+FFFE/F).
# Ingest strips them from what outlets send; stripped here too, so a value stored before that
# (or by any other way in) cannot stop a feed from being written.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text or "")


def brief_text(story: Story) -> str:
    return xml_text(" ".join(s["text"] for s in story.brief.get("sentences", [])))


class StoryFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request: HttpRequest, kind: str = "front", slug: str = "") -> Listing:
        return listing_for(kind, slug, request.GET.get("q", ""))

    def title(self, listing: Listing) -> str:
        return xml_text(f"{listing.title} · newsdesk")

    def link(self, listing: Listing) -> str:
        return listing.link

    def description(self, listing: Listing) -> str:
        return xml_text(listing.description)

    def items(self, listing: Listing):
        return with_tags(listing.stories[:ITEMS_PER_FEED])

    def item_title(self, story: Story) -> str:
        return xml_text(story.headline)

    def item_description(self, story: Story) -> str:
        return brief_text(story)

    def item_link(self, story: Story) -> str:
        return story.get_absolute_url()

    def item_guid(self, story: Story) -> str:
        return story.get_absolute_url()

    def item_pubdate(self, story: Story):
        return story.first_published

    def item_updateddate(self, story: Story):
        return story.last_published

    def item_categories(self, story: Story):
        return [xml_text(tag.name) for tag in story.listed_tags]


class AtomStoryFeed(StoryFeed):
    feed_type = Atom1Feed
    subtitle = StoryFeed.description


def json_feed(request: HttpRequest, kind: str = "front", slug: str = "") -> JsonResponse:
    listing = listing_for(kind, slug, request.GET.get("q", ""))
    absolute = request.build_absolute_uri
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": xml_text(f"{listing.title} · newsdesk"),
        "home_page_url": absolute(listing.link),
        "feed_url": absolute(request.get_full_path()),
        "description": xml_text(listing.description),
        "items": [
            {
                "id": absolute(story.get_absolute_url()),
                "url": absolute(story.get_absolute_url()),
                "title": xml_text(story.headline),
                "content_text": brief_text(story),
                "date_published": story.first_published.isoformat()
                if story.first_published
                else None,
                "date_modified": story.last_published.isoformat() if story.last_published else None,
                "tags": [xml_text(tag.name) for tag in story.listed_tags],
            }
            for story in with_tags(listing.stories[:ITEMS_PER_FEED])
        ],
    }
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/feed+json; charset=utf-8"
    return response
