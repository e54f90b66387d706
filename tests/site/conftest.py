import pytest
from django.utils import timezone

from newsdesk.demo.farm import start_farm
from newsdesk.ingest.models import Article, Feed, Outlet
from newsdesk.stories.grouping import process_article


def ferry_strike_story():
    """One extracted article of one outlet, grouped and briefed: the smallest real story."""
    outlet = Outlet.objects.create(name="the Lantern", slug="the-lantern", family="lantern")
    feed = Feed.objects.create(url="http://127.0.0.1/feed.xml", outlet=outlet)
    article = Article.objects.create(
        feed=feed,
        outlet=outlet,
        key="k",
        url="https://lantern.example/a",
        title="Ferry strike ends at Skerry Point",
        text="The ferry strike at Skerry Point ended on Monday after four days of talks.",
        published=timezone.now(),
        extraction="done",
    )
    story = process_article(article)
    return story


@pytest.fixture
def demo_farm():
    """The bundled demo outlets on a free port of 127.0.0.1."""
    server, farm = start_farm("127.0.0.1", 0)
    yield farm
    server.shutdown()
    server.server_close()


@pytest.fixture
def ingested_demo(demo_farm, transactional_db):
    """The demo subscribed and ingested through the real pipeline (threads: transactional db)."""
    from newsdesk.ingest.subscriptions import subscribe
    from newsdesk.orchestrate import ingest_pass

    for outlet, url in demo_farm.feed_urls():
        subscribe(url, outlet_name=outlet["name"], family=outlet["family"])
    report = ingest_pass(force=True, progress=False)
    return demo_farm, report
