"""Stories that already have comments or a closed discussion get ``discussion_changed_at``, which
the story page's cache key and the comments section's shortcut rely on (signals.py keeps it
current from now on)."""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone


def mark(apps, schema_editor):
    Story = apps.get_model("stories", "Story")
    Story.objects.filter(
        Q(pk__in=apps.get_model("discussion", "Comment").objects.values("story_id"))
        | Q(pk__in=apps.get_model("discussion", "StoryDiscussion").objects.values("story_id"))
    ).update(discussion_changed_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("discussion", "0002_moderator_and_editor_groups"),
        ("stories", "0007_story_discussion_changed_at"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
