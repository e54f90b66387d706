"""The language core's view of a stored article."""

from __future__ import annotations

from newsdesk.core import ArticleText
from newsdesk.ingest.models import Article


def core_article(article: Article) -> ArticleText:
    """The core's view of a stored article (grouping, briefing and tagging all take it)."""
    return ArticleText(
        id=str(article.pk),
        title=article.title,
        text=article.body,
        url=article.url,
        outlet=article.outlet.name,
        family=article.outlet.family,
        published=article.published,
        categories=tuple(article.categories or ()),
    )
