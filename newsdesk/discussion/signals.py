"""Keep ``Story.discussion_changed_at`` current: the story page is cached whole for readers who
are not signed in (site/story_page.py), keyed by it, so whatever changes what the comments section
shows must move it. Comments change only through ``save``/``delete`` (actions.py), so signals
see every change; a member's account changing its name or standing (banned, reinstated)
changes how their comments show, so it moves every story they commented on.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from newsdesk.discussion.models import Comment, StoryDiscussion
from newsdesk.stories.models import Story


def touch_stories(story_ids) -> None:
    """Mark the stories (and the stories they were merged into, which show their comments)."""
    ids = {i for i in story_ids if i is not None}
    if ids:
        Story.objects.filter(
            Q(pk__in=ids)
            | Q(
                pk__in=Story.objects.filter(pk__in=ids, merged_into__isnull=False).values(
                    "merged_into"
                )
            )
        ).update(discussion_changed_at=timezone.now())


def _comment_changed(sender, instance: Comment, **kwargs) -> None:
    touch_stories([instance.story_id])


def _discussion_changed(sender, instance: StoryDiscussion, **kwargs) -> None:
    touch_stories([instance.story_id])


def _story_saved(sender, instance: Story, **kwargs) -> None:
    # A story merged into another brings its comments along: the other's page changes.
    if (
        instance.merged_into_id
        and Story.objects.filter(pk=instance.pk, discussion_changed_at__isnull=False).exists()
    ):
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
    for signal in (post_save, post_delete):
        signal.connect(_comment_changed, sender=Comment, dispatch_uid="discussion-comment-page")
        signal.connect(
            _discussion_changed, sender=StoryDiscussion, dispatch_uid="discussion-closed-page"
        )
    post_save.connect(_story_saved, sender=Story, dispatch_uid="discussion-story-merged")
    post_save.connect(_user_changed, sender=get_user_model(), dispatch_uid="discussion-user-page")
