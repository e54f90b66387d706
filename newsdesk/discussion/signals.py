"""Keep ``Story.discussion_changed_at`` current: the story page is cached whole for readers who
are not signed in (site/story_page.py), keyed by it, so whatever changes what the comments section
shows must move it. Comments change only through ``save``/``delete`` (actions.py), so signals
see every change; a member's account changing its name or standing (banned, reinstated)
changes how their comments show, so it moves every story they commented on.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save, pre_delete
from django.utils import timezone

from newsdesk.discussion.models import Comment, DiscussionChange, StoryDiscussion
from newsdesk.stories.models import Story


def touch_stories(story_ids, going: frozenset[int] = frozenset()) -> None:
    """Mark the stories (and the stories they were merged into, which show their comments),
    except those in ``going``."""
    ids = {i for i in story_ids if i is not None}
    if not ids:
        return
    merged_into = Story.objects.filter(pk__in=ids, merged_into__isnull=False).values_list(
        "merged_into", flat=True
    )
    now = timezone.now()
    DiscussionChange.objects.bulk_create(
        [
            DiscussionChange(story_id=pk, changed_at=now)
            for pk in sorted((ids | set(merged_into)) - going)
        ],
        update_conflicts=True,
        update_fields=["changed_at"],
        unique_fields=["story"],
    )


def _story_deleting(sender, instance: Story, origin=None, **kwargs) -> None:
    # Noted on the deletion itself (a story or a queryset), before anything is deleted: the
    # comments it takes along must not mark a story that is going (see _deleted).
    if origin is not None:
        origin.__dict__.setdefault("_discussion_stories_going", set()).add(instance.pk)


def _comment_saved(sender, instance: Comment, **kwargs) -> None:
    touch_stories([instance.story_id])


def _discussion_saved(sender, instance: StoryDiscussion, **kwargs) -> None:
    touch_stories([instance.story_id])


def _deleted(sender, instance: Comment | StoryDiscussion, origin=None, **kwargs) -> None:
    # A story being deleted takes its comments and settings along; its page goes too, and a
    # row written for it now would stand in the way of deleting it.
    going = getattr(origin, "_discussion_stories_going", ())
    touch_stories([instance.story_id], going=frozenset(going))


def _story_saved(sender, instance: Story, **kwargs) -> None:
    # A story merged into another brings its comments along: the other's page changes.
    if instance.merged_into_id and DiscussionChange.objects.filter(story_id=instance.pk).exists():
        touch_stories([instance.merged_into_id])


# Fields of an account that show beside its comments.
_SHOWN_USER_FIELDS = {"username", "is_active", "first_name", "last_name"}


def _user_changed(sender, instance, created: bool, update_fields=None, **kwargs) -> None:
    if created or (update_fields is not None and not _SHOWN_USER_FIELDS & set(update_fields)):
        return  # a login only moves last_login: nothing on any page changes
    touch_stories(
        Comment.objects.filter(author_id=instance.pk).values_list("story_id", flat=True).distinct()
    )


def connect() -> None:
    post_save.connect(_comment_saved, sender=Comment, dispatch_uid="discussion-comment-page")
    post_delete.connect(_deleted, sender=Comment, dispatch_uid="discussion-comment-page")
    post_save.connect(
        _discussion_saved, sender=StoryDiscussion, dispatch_uid="discussion-closed-page"
    )
    post_delete.connect(_deleted, sender=StoryDiscussion, dispatch_uid="discussion-closed-page")
    post_save.connect(_story_saved, sender=Story, dispatch_uid="discussion-story-merged")
    pre_delete.connect(_story_deleting, sender=Story, dispatch_uid="discussion-story-deleting")
    post_save.connect(_user_changed, sender=get_user_model(), dispatch_uid="discussion-user-page")
