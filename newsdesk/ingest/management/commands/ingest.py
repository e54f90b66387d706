from django.core.management.base import BaseCommand

from newsdesk.ingest.health import pass_summary
from newsdesk.ingest.pipeline import ingest_pass


class Command(BaseCommand):
    help = (
        "One ingest pass now: fetch every feed (conditional GET), extract new articles, "
        "then group, brief and tag them. Safe to interrupt and re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--due-only", action="store_true", help="only feeds whose next poll time has come"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")

    def handle(self, *args, due_only, no_progress, **options):
        report = ingest_pass(force=not due_only, progress=not no_progress)
        self.stdout.write(pass_summary(report.feeds, report.extraction, report.processed))
        if not report.feeds:
            self.stdout.write("No feeds to fetch: subscribe to one with newsdesk feeds add URL")
