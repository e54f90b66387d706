"""``newsdesk nginx_config``: nginx in front of newsdesk, with a shared page cache.

The text is newsdesk/site/deploy/nginx.conf with this installation's values filled in;
bench/site.py measures the site through exactly this output."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"


def render(
    *,
    listen: str = "80",
    server_name: str = "_",
    app: str = "127.0.0.1:8000",
    cache_dir: str = "/var/cache/nginx/newsdesk",
    cache_size: str = "1g",
) -> str:
    values = {
        "listen": listen,
        "server_name": server_name,
        "app": app,
        "cache_dir": cache_dir,
        "cache_size": cache_size,
        "session_cookie": settings.SESSION_COOKIE_NAME,
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


class Command(BaseCommand):
    help = (
        "Print an nginx configuration that puts a shared page cache in front of newsdesk "
        "(for nginx's http block, e.g. /etc/nginx/conf.d/newsdesk.conf)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--listen", default="80", help="nginx's listen address (80)")
        parser.add_argument("--server-name", default="_", help="the site's host name")
        parser.add_argument(
            "--app", default="127.0.0.1:8000", help="where 'newsdesk run' listens (127.0.0.1:8000)"
        )
        parser.add_argument("--cache-dir", default="/var/cache/nginx/newsdesk")
        parser.add_argument("--cache-size", default="1g", help="the cache's size on disk")

    def handle(self, *args, **options):
        self.stdout.write(
            render(
                listen=options["listen"],
                server_name=options["server_name"],
                app=options["app"],
                cache_dir=options["cache_dir"],
                cache_size=options["cache_size"],
            ),
            ending="",
        )
