"""Articles for the stories tests, stored as ingest leaves them (extracted)."""

from datetime import timedelta

from django.utils import timezone

from newsdesk.ingest.models import Article


def stored_article(feed, key: str, title: str, hours: float, text: str = "") -> Article:
    """An extracted article of ``feed`` published ``hours`` after this time yesterday."""
    return Article.objects.create(
        feed=feed,
        outlet=feed.outlet,
        key=key,
        url=f"http://127.0.0.1/{key}",
        title=title,
        text=text,
        published=timezone.now() - timedelta(days=1) + timedelta(hours=hours),
        extraction=Article.Extraction.DONE,
    )
