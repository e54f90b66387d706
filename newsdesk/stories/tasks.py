"""Story work as tasks: grouping an article re-briefs and re-tags the story it joined."""

from __future__ import annotations

from django.tasks import task

from newsdesk.ingest.models import Article
from newsdesk.stories.models import Story
from newsdesk.stories.services import process_article, refresh_story


@task()
def process_article_task(article_id: int) -> str:
    article = Article.objects.select_related("outlet").filter(pk=article_id).first()
    if article is None:
        return "article deleted"
    if article.processed_at is not None:
        return "already processed"
    story = process_article(article)
    return f"story {story.slug}"


@task()
def refresh_story_task(story_id: int) -> str:
    """Rebuild a story's brief, tags and counts (after an editor's correction)."""
    story = Story.objects.filter(pk=story_id).first()
    if story is None:
        return "story deleted"
    refresh_story(story)
    return f"story {story.slug} refreshed"
