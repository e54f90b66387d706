"""The Django side of grouping, briefing and tagging: feeds the core from the database.

The core decides (``newsdesk.core``); this module loads the live window, stores the decision,
and keeps each story's brief, tags and counts in step with its articles.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from newsdesk import limits
from newsdesk.core import Article as CoreArticle
from newsdesk.core import StoryCandidate, TitleGrouper, brief_story, tag_story
from newsdesk.ingest.models import Article
from newsdesk.site.search import index_story
from newsdesk.stories.models import Membership, Story, StoryTag, Tag

log = logging.getLogger("newsdesk.stories")
matcher = TitleGrouper()


def core_article(article: Article) -> CoreArticle:
    return CoreArticle(
        id=str(article.pk),
        title=article.title,
        text=article.body,
        url=article.url,
        outlet=article.outlet.name,
        family=article.outlet.family,
        published=article.published,
        categories=tuple(article.categories or ()),
    )


def live_candidates(published) -> list[StoryCandidate]:
    """Stories still live at ``published``: only these are searched (cost stays flat)."""
    window = timedelta(hours=limits.STORY_WINDOW_HOURS)
    stories = Story.objects.filter(
        merged_into__isnull=True,
        last_published__gte=published - window,
        first_published__lte=published + window,
    )
    candidates: dict[int, StoryCandidate] = {}
    members = Membership.objects.filter(story__in=stories).select_related(
        "article__outlet", "story"
    )
    for membership in members:
        candidate = candidates.setdefault(
            membership.story_id, StoryCandidate(key=str(membership.story_id))
        )
        candidate.add(core_article(membership.article))
    return list(candidates.values())


def process_article(article: Article) -> Story:
    """Place ``article`` in a story (unless an editor already did), then refresh that story."""
    membership = Membership.objects.filter(article=article).select_related("story").first()
    if membership is None:
        key = matcher.match(core_article(article), live_candidates(article.published))
        story = Story.objects.get(pk=int(key)) if key else Story.objects.create()
        membership, _ = Membership.objects.get_or_create(article=article, defaults={"story": story})
    refresh_story(membership.story)
    Article.objects.filter(pk=article.pk).update(processed_at=timezone.now())
    return membership.story


def refresh_story(story: Story) -> None:
    """Recompute counts, brief and tags from the story's current articles.

    The brief and tags are computed before the write transaction opens: with an LLM
    configured, briefing can take a minute, and no database lock may be held that long.
    """
    articles = list(
        Article.objects.filter(membership__story=story)
        .select_related("outlet")
        .order_by("published", "pk")
    )
    if not articles:
        with transaction.atomic():
            story.article_count = story.outlet_count = 0
            story.save()
            index_story(story, [], [])
        return
    documents = [core_article(a) for a in articles]
    brief = brief_story(documents, llm=settings.NEWSDESK_LLM)
    tags = tag_story(documents).tags
    story.headline = brief.headline
    story.brief = {
        "sentences": [
            {
                "text": s.text,
                "sources": [
                    {"id": int(r.id), "sentence_index": r.sentence_index} for r in s.sources
                ],
            }
            for s in brief.sentences
        ]
    }
    story.only_in = brief.only_in
    story.brief_method = brief.method
    # What the LLM gate decided (sentences dropped and why, or the fallback's reason).
    story.brief_log = brief.log
    story.first_published = min(a.published for a in articles)
    story.last_published = max(a.published for a in articles)
    story.article_count = len(articles)
    story.outlet_count = len({a.outlet.family for a in articles})
    story.updated_at = timezone.now()
    with transaction.atomic():
        story.save()
        _store_tags(story, tags)
        index_story(story, articles, [st.tag for st in story.story_tags.select_related("tag")])


def _store_tags(story: Story, tags) -> None:
    StoryTag.objects.filter(story=story).delete()
    for rank, core_tag in enumerate(tags):
        slug = slugify(core_tag.name) or f"tag-{abs(hash(core_tag.name))}"
        tag, _ = Tag.objects.get_or_create(
            slug=slug, defaults={"name": core_tag.name, "kind": core_tag.kind}
        )
        StoryTag.objects.create(story=story, tag=tag, rank=rank)


def schedule_refresh(story: Story) -> None:
    """Refresh now when that is quick; with an LLM configured, in a task (briefing may take a
    minute, and corrections are made from the admin, in the request path)."""
    if settings.NEWSDESK_LLM is None:
        refresh_story(story)
    else:
        from newsdesk.stories.tasks import refresh_story_task

        transaction.on_commit(lambda: refresh_story_task.enqueue(story.pk))


def merge_stories(target: Story, others: list[Story]) -> Story:
    """Editor's correction: move every article of ``others`` into ``target`` and pin them."""
    with transaction.atomic():
        for other in others:
            if other.pk == target.pk:
                continue
            Membership.objects.filter(story=other).update(story=target, pinned=True)
            other.merged_into = target
            other.save()
            schedule_refresh(other)
        Membership.objects.filter(story=target).update(pinned=True)
        schedule_refresh(target)
    return target


def split_article(article: Article) -> Story:
    """Editor's correction: take ``article`` out of its story into a new story of its own."""
    with transaction.atomic():
        membership = Membership.objects.select_related("story").get(article=article)
        old = membership.story
        membership.story = Story.objects.create()
        membership.pinned = True
        membership.save()
        schedule_refresh(old)
        schedule_refresh(membership.story)
    return membership.story
