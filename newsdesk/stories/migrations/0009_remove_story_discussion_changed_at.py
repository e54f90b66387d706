"""``discussion_changed_at`` now lives in the discussion app (discussion 0004 carries the values
over first)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0008_story_brief_passages"),
        ("discussion", "0004_discussionchange"),
    ]

    operations = [
        migrations.RemoveField(model_name="story", name="discussion_changed_at"),
    ]
