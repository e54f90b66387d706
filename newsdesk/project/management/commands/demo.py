"""``newsdesk demo``: the whole of newsdesk on the bundled demo outlets, no internet needed."""

from __future__ import annotations

import secrets
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from newsdesk.demo.farm import start_farm
from newsdesk.ingest.health import pass_summary
from newsdesk.ingest.subscriptions import subscribe
from newsdesk.orchestrate import ingest_pass
from newsdesk.project.management.commands.run import (
    ensure_periodic_tasks,
    ensure_port_free,
    start_children,
    supervise,
)


class Command(BaseCommand):
    help = (
        "Start the demo outlet farm on 127.0.0.1, subscribe to its feeds, ingest them, "
        "and run the site (web + worker + scheduler) until Ctrl-C."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="the site's port")
        parser.add_argument("--farm-port", type=int, default=8001, help="the outlet farm's port")
        parser.add_argument(
            "--ingest-only",
            action="store_true",
            help="set up and ingest the demo, then exit without serving",
        )

    def handle(self, *args, port, farm_port, ingest_only, **options):
        if not ingest_only:
            ensure_port_free("127.0.0.1", port, "make demo PORT=8010 (newsdesk demo --port 8010)")
        try:
            server, farm = start_farm("127.0.0.1", farm_port)
        except OSError as error:
            raise CommandError(
                f"cannot start the outlet farm on 127.0.0.1:{farm_port} ({error.strerror}); "
                "is a demo already running? Choose another port: make demo FARM_PORT=8011 "
                "(newsdesk demo --farm-port 8011)."
            ) from error
        self.stdout.write(
            f"outlet farm: {len(farm.outlets)} outlets, {len(farm.articles)} "
            f"articles at {farm.base_url}/ (OPML at {farm.base_url}/opml.xml)"
        )
        call_command("migrate", interactive=False, verbosity=0)
        sign_in = demo_editor(port)
        self.stdout.write(sign_in)
        for outlet, url in farm.feed_urls():
            subscribe(
                url,
                outlet_name=outlet["name"],
                family=outlet["family"],
                homepage=f"{farm.base_url}/{outlet['slug']}/",
            )
        report = ingest_pass(force=True, progress=True)
        self.stdout.write(pass_summary(report.feeds, report.extraction, report.processed))
        if ingest_only:
            server.shutdown()
            return
        ensure_periodic_tasks()
        code = supervise(
            start_children("127.0.0.1", port, web_workers=2, task_workers=1),
            f"\nnewsdesk demo is running at http://127.0.0.1:{port}/  (Ctrl-C stops it)\n"
            f"{sign_in}\n",
            self.stdout,
        )
        server.shutdown()
        if code:
            sys.exit(code)


DEMO_EDITOR = "editor"


def demo_editor(port: int) -> str:
    """The demo's moderator and editor, with a new password each start; says how to sign in.

    A staff superuser: the moderation queue and brief flags are in its header, and the admin
    (merge stories, split articles, rename tags) is open to it. Only ever in the demo's own
    database."""
    from django.contrib.auth import get_user_model

    from newsdesk.discussion.groups import EDITORS, MODERATORS, ensure_groups

    password = secrets.token_urlsafe(9)
    user, _ = get_user_model().objects.get_or_create(username=DEMO_EDITOR)
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    ensure_groups()
    from django.contrib.auth.models import Group

    user.groups.add(*Group.objects.filter(name__in=[MODERATORS, EDITORS]))
    return (
        f"sign in as {DEMO_EDITOR} (password {password}) at "
        f"http://127.0.0.1:{port}/accounts/login/ to moderate comments and correct stories "
        f"(/admin/); a new password is made at each start"
    )
