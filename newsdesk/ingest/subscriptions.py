"""Subscriptions: feeds added by the operator, and where fetching for them may connect.

``subscribe`` is idempotent; ``fetch_policy`` trusts exactly the origins the operator typed
(``policy.py``), never one an outlet's page or redirect pointed to.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db import transaction
from django.utils.text import slugify

from newsdesk.ingest.clean import web_url
from newsdesk.ingest.fetch import FetchClient, make_client
from newsdesk.ingest.hosts import host_of
from newsdesk.ingest.models import Feed, Outlet
from newsdesk.ingest.policy import FetchPolicy, trusted_origin_for


def subscribe(
    url: str,
    outlet_name: str = "",
    family: str = "",
    homepage: str = "",
    typed_url: str = "",
) -> Feed:
    """Add a feed (idempotent). Without a name, the outlet is named after the feed's title
    on the first successful fetch, exactly as the feed writes it.

    ``typed_url`` is the address the operator gave when ``url`` was found from it (a page's
    feed link, a redirect): only what the operator typed is trusted (``policy.py``), never an
    origin an outlet's page or redirect pointed to."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{url!r} is not an http(s) URL; give the feed's full address")
    existing = Feed.objects.filter(url=url).select_related("outlet").first()
    if existing:
        return existing
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError as error:
        raise ValueError(f"{url!r} is not a valid URL: {error}") from error
    name = outlet_name.strip() or host_of(url)
    slug = slugify(name) or slugify(host_of(url)) or "outlet"
    outlet = Outlet.objects.filter(slug=slug).first() or Outlet.objects.create(
        name=name, slug=slug, family=slugify(family) or slug, homepage=web_url(homepage)[0]
    )
    # Feed.save() records the URL's origin as trusted when its host is a literal address.
    with transaction.atomic():
        feed = Feed.objects.create(url=url, outlet=outlet)
        typed_origin = trusted_origin_for(typed_url) if typed_url else feed.trusted_origin
        if feed.trusted_origin != typed_origin:
            feed.trusted_origin = typed_origin
            feed.save(update_fields=["trusted_origin"])
    return feed


def fetch_policy() -> FetchPolicy:
    """Public addresses, NEWSDESK_FETCH_ALLOW, and the literal-address origins of the feeds
    the operator subscribed to (``Feed.trusted_origin``)."""
    origins = Feed.objects.exclude(trusted_origin="").values_list("trusted_origin", flat=True)
    return FetchPolicy(trusted_origins=frozenset(origins))


def make_fetch_client() -> FetchClient:
    """A client under ``fetch_policy()``, for a worker or one thread of a pass."""
    return make_client(fetch_policy())
