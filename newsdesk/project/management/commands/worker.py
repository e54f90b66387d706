"""``newsdesk worker``: a task worker for every app's tasks, making sure the periodic tasks are
queued."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from newsdesk.project.management.commands.run import ensure_periodic_tasks


class Command(BaseCommand):
    help = (
        "Run a task worker (django-tasks-db's db_worker) that fetches, extracts, groups, "
        "briefs and tags. Run several on PostgreSQL to share the work."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds between polls of an empty queue (default 1)",
        )
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="do not make sure the periodic tasks (feed scheduler, discussion housekeeping) "
            "are queued",
        )

    def handle(self, *args, interval, no_scheduler, **options):
        if not no_scheduler:
            ensure_periodic_tasks()
        call_command(
            "db_worker", interval=interval, startup_delay=False, verbosity=options["verbosity"]
        )
