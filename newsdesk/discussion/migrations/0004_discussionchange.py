"""When each story's discussion last changed moves from ``Story.discussion_changed_at`` to the
discussion's own table, values carried over (and back when migrating backwards); stories
0009 then drops the story's column."""

import django.db.models.deletion
from django.db import migrations, models


def carry_over(apps, schema_editor):
    Story = apps.get_model("stories", "Story")
    DiscussionChange = apps.get_model("discussion", "DiscussionChange")
    marked = Story.objects.filter(discussion_changed_at__isnull=False).values_list(
        "pk", "discussion_changed_at"
    )
    DiscussionChange.objects.bulk_create(
        (DiscussionChange(story_id=pk, changed_at=when) for pk, when in marked.iterator()),
        batch_size=1000,
    )


def carry_back(apps, schema_editor):
    Story = apps.get_model("stories", "Story")
    DiscussionChange = apps.get_model("discussion", "DiscussionChange")
    for pk, when in DiscussionChange.objects.values_list("story_id", "changed_at").iterator():
        Story.objects.filter(pk=pk).update(discussion_changed_at=when)


class Migration(migrations.Migration):
    dependencies = [
        ("discussion", "0003_mark_discussed_stories"),
        ("stories", "0008_story_brief_passages"),
    ]

    operations = [
        migrations.CreateModel(
            name="DiscussionChange",
            fields=[
                (
                    "story",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="discussion_change",
                        serialize=False,
                        to="stories.story",
                    ),
                ),
                ("changed_at", models.DateTimeField()),
            ],
        ),
        migrations.RunPython(carry_over, carry_back),
    ]
