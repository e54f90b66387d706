from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsdesk.ingest.models import Feed
from newsdesk.ingest.opml import OPMLError, Subscription, read_opml, write_opml
from newsdesk.ingest.pipeline import subscribe
from newsdesk.ingest.policy import FetchPolicy, RefusedURL, origin_of


class Command(BaseCommand):
    help = "Manage subscriptions: add a feed, list them, import or export OPML."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="subscribe to a feed URL")
        add.add_argument("url")
        add.add_argument(
            "--outlet",
            default="",
            help="outlet name as it writes it (default: the feed's own title)",
        )
        add.add_argument("--family", default="", help="publisher family shared by editions")
        actions.add_parser("list", help="list subscriptions and their health")
        imp = actions.add_parser("import-opml", help="subscribe to every feed in an OPML file")
        imp.add_argument("file")
        exp = actions.add_parser("export-opml", help="write subscriptions as OPML")
        exp.add_argument("file", nargs="?", default="-", help="output file (default stdout)")

    def handle(self, *args, action, **options):
        getattr(self, "handle_" + action.replace("-", "_"))(**options)

    def handle_add(self, url, outlet, family, **_):
        try:
            feed = subscribe(url, outlet_name=outlet, family=family)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"subscribed: {feed.url} ({feed.outlet.name})")
        self._warn_if_refused(feed)

    def _warn_if_refused(self, feed: Feed) -> None:
        # A host *name* that resolves to a private address is refused at fetch time, like any
        # outlet link: say so now rather than leave the operator to find it in `feeds list`.
        origin = origin_of(feed.url)
        if feed.trusted_origin or origin is None:
            return
        try:
            FetchPolicy().addresses(origin[1], origin[2], trusted=False)
        except RefusedURL as refused:
            self.stderr.write(
                f"warning: {refused}. Give the address itself (http://10.0.0.5/...) or add "
                "the name to NEWSDESK_FETCH_ALLOW to fetch it."
            )
        except (OSError, UnicodeError):
            pass  # not resolvable now; the fetch will say so on the feed

    def handle_list(self, **_):
        for feed in Feed.objects.select_related("outlet"):
            state = (
                "gone (410)"
                if feed.gone
                else (f"error x{feed.error_count}: {feed.last_error}" if feed.error_count else "ok")
            )
            self.stdout.write(f"{feed.outlet.name}\t{feed.url}\t{state}")

    def handle_import_opml(self, file, **_):
        try:
            subscriptions = read_opml(Path(file).read_bytes())
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from error
        except OPMLError as error:
            raise CommandError(f"{file}: {error}") from error
        added = 0
        for s in subscriptions:
            try:
                before = Feed.objects.filter(url=s.url).exists()
                subscribe(s.url, outlet_name=s.title, homepage=s.homepage)
                added += not before
            except ValueError as error:
                self.stderr.write(f"skipped: {error}")
        self.stdout.write(f"{added} new feed(s), {len(subscriptions) - added} already followed")

    def handle_export_opml(self, file, **_):
        text = write_opml(
            [
                Subscription(url=f.url, title=f.outlet.name, homepage=f.outlet.homepage)
                for f in Feed.objects.select_related("outlet")
            ]
        )
        if file == "-":
            self.stdout.write(text, ending="")
        else:
            Path(file).write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {file}")
