from pathlib import Path
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

from newsdesk.ingest.discover import NotAFeed, check_address
from newsdesk.ingest.health import STATE_WORDS, feed_health, feed_state, plural
from newsdesk.ingest.models import Feed
from newsdesk.ingest.opml import OPMLError, Subscription, read_opml, write_opml
from newsdesk.ingest.policy import FetchPolicy, RefusedURL, origin_of
from newsdesk.ingest.subscriptions import subscribe


class Command(BaseCommand):
    help = "Manage subscriptions: add a feed, list them, import or export OPML."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser(
            "add",
            help="subscribe to a feed URL, or to the feed a web page links; "
            "the address is fetched once to check it",
        )
        add.add_argument("url")
        add.add_argument(
            "--no-check",
            action="store_true",
            help="subscribe without fetching the address first (offline set-up)",
        )
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

    def handle_add(self, url, outlet, family, no_check, **_):
        url = url.strip()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise CommandError(f"{url!r} is not an http(s) URL; give the feed's full address")
        if self._existing(url):
            return
        if no_check:
            feed = self._subscribe(url, outlet, family)
            self.stdout.write(
                f"subscribed without checking: {feed.url} ({feed.outlet.name}); "
                "the next ingest pass fetches it"
            )
            self._warn_if_refused(feed)
            return
        checked = self._check(url)
        if checked.links:
            if len(checked.links) > 1:
                self.stdout.write(f"{url} is a web page that links {len(checked.links)} feeds:")
                for link in checked.links:
                    self.stdout.write(f"  {link.url}  ({link.format}{_titled(link.title)})")
                raise CommandError(
                    "nothing subscribed: choose one and run `newsdesk feeds add` with its address"
                )
            link = checked.links[0]
            self.stdout.write(f"{url} is a web page; its feed is {link.url}")
            if self._existing(link.url):
                return
            checked = self._check(link.url, typed_url=url)
            if checked.links:
                raise CommandError(f"{link.url}, announced as a feed, is a web page; not added")
        parsed = checked.feed
        if checked.url != url and self._existing(checked.url):
            return
        feed = self._subscribe(checked.url, outlet or parsed.title, family, typed_url=url)
        title = f'"{parsed.title}"' if parsed.title else "an untitled feed"
        self.stdout.write(
            f"subscribed: {title}, {checked.format} with "
            f"{plural(len(parsed.entries), 'item')}, at {feed.url} (outlet: {feed.outlet.name})"
        )
        if parsed.warning:
            self.stdout.write(f"  note: its parser recovered from an error: {parsed.warning}")

    def _existing(self, url: str) -> bool:
        feed = Feed.objects.filter(url=url).select_related("outlet").first()
        if feed is not None:
            self.stdout.write(
                f"already subscribed: {feed.url} ({feed.outlet.name}), since "
                f"{feed.created_at:%-d %B %Y}; nothing added"
            )
        return feed is not None

    def _check(self, url: str, typed_url: str = ""):
        try:
            return check_address(url, typed_url=typed_url)
        except NotAFeed as error:
            raise CommandError(
                f"could not subscribe: {str(error).rstrip('.')}. Nothing was added "
                "(--no-check subscribes without fetching)"
            ) from error

    def _subscribe(self, url: str, outlet: str, family: str, typed_url: str = "") -> Feed:
        try:
            return subscribe(url, outlet_name=outlet, family=family, typed_url=typed_url)
        except ValueError as error:
            raise CommandError(str(error)) from error

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
        feeds = list(Feed.objects.select_related("outlet"))
        if not feeds:
            self.stdout.write("No feeds yet. Subscribe to one: newsdesk feeds add URL")
            return
        for feed in feeds:
            self.stdout.write(f"{feed.outlet.name}  {feed.url}\n  {feed_health(feed)}")
        states = [feed_state(f) for f in feeds]
        counts = ", ".join(
            f"{states.count(state)} {words}"
            for state, words in STATE_WORDS.items()
            if states.count(state)
        )
        self.stdout.write(f"{plural(len(feeds), 'feed')}" + (f": {counts}" if counts else ""))

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
        self.stdout.write(
            f"{plural(added, 'new feed')}, {len(subscriptions) - added} already followed"
        )

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


def _titled(title: str) -> str:
    return f', "{title}"' if title else ""
