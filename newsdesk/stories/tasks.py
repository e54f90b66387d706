"""Story work as tasks: grouping an article, then refreshing (re-briefing and re-tagging) the
stories it touched in a task of their own, at most one waiting per story: a burst of articles
on one story is grouped without waiting for its refreshes, and the story refreshed once for
the lot."""

from __future__ import annotations

from django.tasks import task

from newsdesk import limits
from newsdesk.ingest.models import Article
from newsdesk.stories.grouping import (
    process_article,
    process_ready_articles,
    request_refresh,
    stale_refreshes,
    take_refresh,
)
from newsdesk.stories.models import Membership, Story
from newsdesk.stories.refresh import refresh_story


@task(priority=limits.GROUPING_TASK_PRIORITY)
def process_article_task(article_id: int, sweep: bool = False) -> str:
    """Group ``article_id`` with every other ready article, oldest first
    (``process_ready_articles``). ``sweep`` (the scheduler's sweep of work left by a crash):
    an article already placed but never briefed gets its story refreshed."""
    article = Article.objects.select_related("outlet").filter(pk=article_id).first()
    if article is None:
        return "article deleted"
    if article.processed_at is not None:
        return "already processed"
    if Membership.objects.filter(article=article).exists():
        if not sweep:
            return "placed by another worker's run, which briefs its story"
        return f"story {process_article(article).slug} (swept up)"
    stories = process_ready_articles(queue_refresh=queue_refreshes)
    return f"{len(stories)} article(s) grouped into {len({s.pk for s in stories})} story(ies)"


@task(priority=limits.REFRESH_TASK_PRIORITY)
def refresh_story_task(story_id: int) -> str:
    """Rebuild a story's brief, tags and counts (after grouping, or an editor's correction)."""
    story = Story.objects.filter(pk=story_id).first()
    if story is None:
        return "story deleted"
    take_refresh(story)
    refresh_story(story)
    return f"story {story.slug} refreshed"


def queue_refreshes(stories) -> None:
    """A refresh task for each of ``stories`` (marked as waiting by ``request_refresh``)."""
    for story in stories:
        refresh_story_task.enqueue(story.pk)


def sweep_refreshes(stale) -> int:
    """Queue again the refreshes a crash left (``grouping.stale_refreshes``); how many."""
    waiting, unrefreshed = stale_refreshes(stale)
    stories = [*waiting, *(s.pk for s in request_refresh(Story.objects.filter(pk__in=unrefreshed)))]
    for story_id in stories:
        refresh_story_task.enqueue(story_id)
    return len(stories)
