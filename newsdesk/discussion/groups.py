"""The two staff groups the discussion needs, and their permissions.

Used by the data migration (with the migration's historical models) and by anything that must
restore them after a database flush (the browser tests do).
"""

from __future__ import annotations

from django.apps import apps as global_apps

MODERATORS = "Moderators"
EDITORS = "Editors"

# group -> (model, permission codename, permission name)
GROUP_PERMISSIONS = {
    MODERATORS: [("comment", "moderate_comments", "Can moderate reader comments")],
    EDITORS: [
        (
            "sentenceflag",
            "review_sentence_flags",
            "Can review readers' reports of inaccurate brief sentences",
        )
    ],
}


def ensure_groups(apps=global_apps) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for group_name, grants in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for model, codename, name in grants:
            # Permissions are normally created after all migrations ran; make them now so the
            # group can hold them (the later automatic step finds them and leaves them be).
            content_type, _ = ContentType.objects.get_or_create(app_label="discussion", model=model)
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name}
            )
            group.permissions.add(permission)
