"""A feed whose every item carries the same channel blurb: stored without it (issue 24)."""

import pytest

from newsdesk.ingest.models import Article
from newsdesk.ingest.pipeline import refresh_feed
from newsdesk.ingest.subscriptions import subscribe

pytestmark = pytest.mark.django_db


def test_the_blurb_every_item_repeats_is_not_stored_as_its_text(server, client, testdata):
    server.route("/feed.xml", server.feed(testdata("rss2-channel-blurb-on-every-item.xml")))
    feed = subscribe(server.url("/feed.xml"))
    assert refresh_feed(feed, client, force=True).status == "ok"
    texts = {a.title: a.feed_text for a in Article.objects.all()}
    assert len(texts) == 5
    assert texts["Ferry Castell runs aground off Quillon Point"] == (
        "All 200 passengers were taken off by lifeboat and the coastguard is investigating."
    )
    for text in texts.values():
        assert "Subscribe" not in text and "http" not in text and "Ostrian coast" not in text
        assert text.endswith(".")
