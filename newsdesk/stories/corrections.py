"""Editors' corrections from the admin (and the tag rename of the JSON API): stories merged,
an article split into a story of its own, tags renamed, merged or hidden. Grouping leaves
what an editor placed alone (memberships are pinned)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newsdesk.ingest.models import Article
from newsdesk.stories.grouping import grouping_turn
from newsdesk.stories.models import Membership, Story, StoryTag, Tag, TagAlias
from newsdesk.stories.refresh import refresh_story
from newsdesk.stories.tags import move_tag_rows
from newsdesk.stories.tasks import refresh_story_task


def rename_tag(tag: Tag, name: str) -> Tag:
    """Editor's rename: readers see ``name`` now, and the tagger maps the old name to it."""
    name = name.strip()
    if name and name != tag.name:
        TagAlias.objects.update_or_create(
            name=tag.name.casefold(), defaults={"tag": tag, "by_tagger": False}
        )
        tag.name = name
        tag.save(update_fields=["name"])
        _touch_stories_of([tag])
    return tag


def _touch_stories_of(tags: list[Tag]) -> None:
    # Cached story pages are keyed by the story's update time: touching them shows the change.
    Story.objects.filter(story_tags__tag__in=tags).update(updated_at=timezone.now())


def merge_tags(target: Tag, others: list[Tag]) -> Tag:
    """Editor's merge: stories of ``others`` carry ``target``; their pages redirect there."""
    with transaction.atomic():
        _touch_stories_of(others)
        for other in others:
            if other.pk == target.pk:
                continue
            # The stories' readings of the merged tag now speak for the target's kind.
            move_tag_rows(other, target)
            TagAlias.objects.update_or_create(
                name=other.name.casefold(), defaults={"tag": target, "by_tagger": False}
            )
            TagAlias.objects.filter(tag=other).update(tag=target)
            other.merged_into = target
            other.save(update_fields=["merged_into"])
    return target


def hide_tags(tags: list[Tag]) -> None:
    """Editor's hide: gone from every story now, and never given to a story again."""
    with transaction.atomic():
        _touch_stories_of(tags)
        for tag in tags:
            tag.hidden = True
            tag.save(update_fields=["hidden"])
            StoryTag.objects.filter(tag=tag).delete()


def schedule_refresh(story: Story) -> None:
    """Refresh now when that is quick; with an LLM configured, in a task (briefing may take a
    minute, and corrections are made from the admin, in the request path)."""
    if settings.NEWSDESK_LLM is None:
        refresh_story(story)
    else:
        transaction.on_commit(lambda: refresh_story_task.enqueue(story.pk))


def merge_stories(target: Story, others: list[Story]) -> Story:
    """Editor's correction: move every article of ``others`` into ``target`` and pin them.
    Made in the grouping turn, so no worker places an article in a story being merged."""
    with grouping_turn():
        for other in others:
            if other.pk == target.pk:
                continue
            Membership.objects.filter(story=other).update(story=target, pinned=True)
            # Out of every listing at once, even before its refresh runs.
            StoryTag.objects.filter(story=other).delete()
            other.merged_into, other.article_count = target, 0
            other.save()
            schedule_refresh(other)
        Membership.objects.filter(story=target).update(pinned=True)
        schedule_refresh(target)
    return target


def split_article(article: Article) -> Story:
    """Editor's correction: take ``article`` out of its story into a new story of its own
    (in the grouping turn, dated at once so later articles can join it)."""
    with grouping_turn():
        membership = Membership.objects.select_related("story").get(article=article)
        old = membership.story
        membership.story = Story.objects.create(
            first_published=article.published, last_published=article.published
        )
        membership.pinned = True
        membership.save()
        schedule_refresh(old)
        schedule_refresh(membership.story)
    return membership.story
