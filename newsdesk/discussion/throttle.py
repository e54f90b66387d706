"""Client addresses, and the login throttle: a growing delay after repeated failures.

Everything is counted in the database (``LoginFailure`` rows), so every web worker process
and every machine sees the same counts, with no extra server. Numbers are in
``newsdesk.limits`` (``DISCUSSION_LOGIN_*``) with their reasons.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import timedelta

from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from newsdesk import limits
from newsdesk.discussion import limiter
from newsdesk.discussion.models import LoginFailure


def address_bucket(address: str) -> str:
    """The key one client's address is counted under: IPv4 as is, IPv6 by its /64.

    One IPv6 subscriber usually holds a whole /64, so counting single addresses would give
    them 2**64 fresh rate limits.
    """
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_ip(request: HttpRequest) -> str:
    """The reader's address bucket, trusting only as many X-Forwarded-For hops as configured."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = limits.DISCUSSION_TRUSTED_PROXIES
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        # Each trusted proxy appends the address it was reached from; anything to the left of
        # those entries was written by the client and proves nothing.
        if len(hops) >= proxies:
            address = hops[-proxies]
    return address_bucket(address)


def _username_key(username: str) -> str:
    return username.strip().casefold()[:150]


def _wait(failures, free: int, now) -> float:
    count = failures.count()
    if count < free:
        return 0.0
    last = failures.aggregate(last=Max("created_at"))["last"]
    # The exponent is capped so a flood of failures cannot overflow the float.
    exponent = min(count - free, 30)
    delay = min(
        limits.DISCUSSION_LOGIN_DELAY_BASE_SECONDS * 2**exponent,
        limits.DISCUSSION_LOGIN_DELAY_MAX_SECONDS,
    )
    return (last + timedelta(seconds=delay) - now).total_seconds()


def login_wait_seconds(username: str, address: str) -> int:
    """Seconds before this account or address may try a password again; 0 = now."""
    now = timezone.now()
    recent = LoginFailure.objects.filter(
        created_at__gte=now - timedelta(seconds=limits.DISCUSSION_LOGIN_FAILURE_WINDOW_SECONDS)
    )
    wait = max(
        _wait(
            recent.filter(username=_username_key(username)),
            limits.DISCUSSION_LOGIN_FREE_FAILURES_PER_ACCOUNT,
            now,
        ),
        _wait(recent.filter(client_ip=address), limits.DISCUSSION_LOGIN_FREE_FAILURES_PER_IP, now),
    )
    return math.ceil(wait) if wait > 0 else 0


def reserve_login_attempt(username: str, address: str) -> tuple[int, int | None]:
    """Before a password is checked: (seconds to wait, None) when this account or address must
    wait, else (0, the id of a failure recorded now). The attempt counts as a failure from the
    moment it is allowed, in the same locked step as the count (limiter.counted), so attempts
    arriving together each see the ones before them: no more passwords are checked than the
    throttle allows. A success deletes it (``clear_login_failures``)."""
    key = _username_key(username)
    with limiter.counted(f"login-user:{key}", f"login-ip:{address}"):
        wait = login_wait_seconds(username, address)
        if wait:
            return wait, None
        failure = LoginFailure.objects.create(username=key, client_ip=address)
    _forget_old_failures()
    return 0, failure.pk


def record_login_failure(username: str, address: str) -> None:
    LoginFailure.objects.create(username=_username_key(username), client_ip=address)
    _forget_old_failures()


def _forget_old_failures() -> None:
    # Failures older than the window no longer count: forget them (keeps the table small).
    now = timezone.now()
    LoginFailure.objects.filter(
        created_at__lt=now - timedelta(seconds=limits.DISCUSSION_LOGIN_FAILURE_WINDOW_SECONDS)
    ).delete()


def clear_login_failures(username: str) -> None:
    """After a successful login the account starts afresh (its address's count does not)."""
    LoginFailure.objects.filter(username=_username_key(username)).delete()


def describe_wait(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"
