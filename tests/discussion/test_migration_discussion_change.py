"""Discussion 0004 and stories 0009 on a database made before them: when each story's
discussion last changed moves to the discussion's table, and back when migrating backwards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("discussion", "0003_mark_discussed_stories"), ("stories", "0008_story_brief_passages")]
AFTER = [
    ("discussion", "0004_discussionchange"),
    ("stories", "0009_remove_story_discussion_changed_at"),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest_after")
def test_discussion_change_times_are_carried_over_and_back():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    Story = executor.loader.project_state(BEFORE).apps.get_model("stories", "Story")
    discussed_at = timezone.now() - timedelta(days=3, microseconds=17)
    discussed = Story.objects.create(slug="discussed", discussion_changed_at=discussed_at)
    Story.objects.create(slug="quiet")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    DiscussionChange = new.get_model("discussion", "DiscussionChange")
    assert dict(DiscussionChange.objects.values_list("story_id", "changed_at")) == {
        discussed.pk: discussed_at
    }
    story_fields = {f.name for f in new.get_model("stories", "Story")._meta.get_fields()}
    assert "discussion_changed_at" not in story_fields

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    Story = executor.loader.project_state(BEFORE).apps.get_model("stories", "Story")
    assert dict(Story.objects.values_list("slug", "discussion_changed_at")) == {
        "discussed": discussed_at,
        "quiet": None,
    }
