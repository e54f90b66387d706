"""Per-host politeness shared by every worker: one connection at a time, Retry-After, robots.txt.

The lease is a conditional UPDATE on the host's row (set ``lease_until`` only where it is empty
or expired), which is atomic on SQLite and PostgreSQL alike, so any number of worker processes
agree on who may talk to a host without a lock server.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlsplit

from django.db.models import Q
from django.utils import timezone
from protego import Protego

from newsdesk import limits
from newsdesk.ingest.fetch import FetchClient, FetchError, FetchRefused, fetch
from newsdesk.ingest.models import Host


class HostBusy(Exception):
    """Another worker held the host for longer than we were willing to wait."""


class HostBlocked(Exception):
    """The host asked us (Retry-After) not to come back yet."""


def host_of(url: str) -> str:
    """``host[:port]`` of a URL, for leases and grouping work by host. Never raises: a URL
    too broken to split (a port that is not a number) is its own lower-cased netloc."""
    try:
        parts = urlsplit(url)
        return (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    except ValueError:
        return url.strip().lower().partition("//")[2].partition("/")[0][:255]


@contextmanager
def host_slot(url: str, wait: float = limits.HOST_LEASE_WAIT_SECONDS) -> Iterator[Host]:
    """Hold the only connection slot for ``url``'s host while the block runs."""
    name = host_of(url)
    host, _ = Host.objects.get_or_create(name=name)
    if host.blocked_until and host.blocked_until > timezone.now():
        raise HostBlocked(f"{name} asked us to wait until {host.blocked_until:%Y-%m-%d %H:%M:%S}Z")
    give_up = time.monotonic() + wait
    while True:
        now = timezone.now()
        taken = (
            Host.objects.filter(pk=host.pk)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .update(lease_until=now + timedelta(seconds=limits.HOST_LEASE_SECONDS))
        )
        if taken:
            break
        if time.monotonic() > give_up:
            raise HostBusy(f"{name} stayed busy for {wait:g} s; will retry on the next pass")
        time.sleep(0.1)
    try:
        yield host
    finally:
        Host.objects.filter(pk=host.pk).update(lease_until=None)


def block_host(url: str, seconds: float) -> None:
    Host.objects.filter(name=host_of(url)).update(
        blocked_until=timezone.now() + timedelta(seconds=seconds)
    )


def robots_allows(url: str, host: Host, client: FetchClient) -> bool:
    """Whether robots.txt lets our User-Agent fetch ``url``. Call inside ``host_slot``.

    Fetched at most once per ``ROBOTS_CACHE_SECONDS``. As Google does: a missing robots.txt
    (4xx) allows everything; one we could not read (5xx, network) disallows for now. One the
    fetch policy refuses (the host, or a redirect, is private) raises ``FetchRefused``, so the
    page records the refusal rather than a robots rule.
    """
    fresh = host.robots_fetched_at and timezone.now() - host.robots_fetched_at < timedelta(
        seconds=limits.ROBOTS_CACHE_SECONDS
    )
    if not fresh:
        parts = urlsplit(url)
        try:
            result = fetch(
                f"{parts.scheme}://{parts.netloc}/robots.txt",
                client=client,
                max_bytes=limits.ROBOTS_MAX_BYTES,
            )
            unreadable = result.status >= 500
            body = result.body.decode("utf-8", "replace") if result.status < 400 else ""
        except FetchRefused:
            raise
        except FetchError:
            unreadable, body = True, ""
        fetched_at = timezone.now()
        if unreadable:
            # Disallow everything for now, and look again in ROBOTS_RETRY_SECONDS rather than
            # asking for robots.txt before every page of a host that is failing.
            body = "User-agent: *\nDisallow: /\n"
            fetched_at -= timedelta(
                seconds=limits.ROBOTS_CACHE_SECONDS - limits.ROBOTS_RETRY_SECONDS
            )
        host.robots_txt, host.robots_fetched_at = body, fetched_at
        Host.objects.filter(pk=host.pk).update(
            robots_txt=body, robots_fetched_at=host.robots_fetched_at
        )
    if not host.robots_txt.strip():
        return True
    return Protego.parse(host.robots_txt).can_fetch(url, limits.USER_AGENT.split("/")[0])
