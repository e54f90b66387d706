from django.core.management.base import BaseCommand

from newsdesk.ingest.health import pass_summary
from newsdesk.ingest.outcomes import PageOutcome
from newsdesk.orchestrate import ingest_pass


class Command(BaseCommand):
    help = (
        "One ingest pass now: fetch every feed (conditional GET), extract new articles, "
        "then group, brief and tag them. Safe to interrupt and re-run. A feed or page that "
        "fails is recorded on itself and the pass goes on: the exit status is 0 unless the "
        "pass itself could not run."
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
        failed = sum(n for status, n in report.feeds.items() if "error" in status)
        if failed:
            self.stdout.write(
                f"{failed} feed(s) failed this pass and will be retried with backoff; "
                "`newsdesk feeds list` shows each one's error"
            )
        kept = report.extraction.get(PageOutcome.FEED_TEXT, 0)
        if kept:
            self.stdout.write(
                f"{kept} page(s) could not be read: the feed's own text was kept, and the reason"
                " is recorded on each article (see the admin's Articles list)"
            )
