"""newsdesk moderators [add|remove USERNAME [--editors]]: who moderates comments and who
reviews flagged brief sentences, without opening the admin."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from newsdesk.discussion.groups import EDITORS, MODERATORS, ensure_groups


class Command(BaseCommand):
    help = (
        "List the Moderators and Editors groups, or add/remove a reader: "
        "`moderators add alice` (comments), `moderators add alice --editors` (brief flags)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", nargs="?", choices=["list", "add", "remove"], default="list")
        parser.add_argument("username", nargs="?")
        parser.add_argument(
            "--editors",
            action="store_true",
            help="the Editors group (reviews 'report inaccuracy' flags) instead of Moderators",
        )

    def handle(self, *args, action: str, username: str | None, editors: bool, **options) -> None:
        ensure_groups()
        if action == "list":
            for name in (MODERATORS, EDITORS):
                members = Group.objects.get(name=name).user_set.order_by("username")
                listed = ", ".join(u.get_username() for u in members) or "(nobody)"
                self.stdout.write(f"{name}: {listed}")
            return
        if not username:
            raise CommandError(f"Name the account: newsdesk moderators {action} USERNAME")
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(
                f"No account named {username!r}: the reader signs up first "
                "(or create one with `newsdesk createsuperuser`)."
            ) from None
        group = Group.objects.get(name=EDITORS if editors else MODERATORS)
        if action == "add":
            user.groups.add(group)
            self.stdout.write(f"{username} is now in {group.name}.")
        else:
            user.groups.remove(group)
            self.stdout.write(f"{username} is no longer in {group.name}.")
