"""Stage 1 of ingest: fetch a URL politely and safely.

One function, ``fetch``, used for feeds, article pages and robots.txt alike:

- a clear User-Agent; conditional GET from the validators the caller kept;
- at most ``MAX_REDIRECTS`` redirects (a loop ends as ``RedirectError``);
- a deadline for the whole request: every socket operation's timeout is cut to the time left
  (``DeadlineBackend``), so a server that drips its headers or body one byte a second cannot
  hold a worker past ``FETCH_TIMEOUT_SECONDS``;
- the body is counted while streaming and cut at ``MAX_BODY_BYTES`` (``BodyTooLarge``), and a
  Content-Length over the cap is refused before reading anything.

Nothing here touches the database: the orchestrator (``pipeline.py``) decides what a status
means for the feed. Per-host politeness (one connection at a time, Retry-After) is ``hosts.py``.
"""

from __future__ import annotations

import contextvars
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import httpcore
import httpx

from newsdesk import limits


class FetchError(Exception):
    """A fetch that produced no usable response; the message says what happened."""


class FetchTimeout(FetchError):
    pass


class BodyTooLarge(FetchError):
    pass


class RedirectError(FetchError):
    pass


@dataclass
class FetchResult:
    status: int
    url: str
    headers: httpx.Headers
    body: bytes = b""
    # Set when every redirect on the way was permanent (301/308): the caller should update
    # its stored URL (RFC 9110 15.4.2).
    permanent_url: str | None = None
    elapsed: float = 0.0
    history: list[int] = field(default_factory=list)

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def redirect_target(self) -> str | None:
        """The absolute URL a 3xx response points to (None for any other response)."""
        location = self.headers.get("location", "")
        if self.status in (301, 302, 303, 307, 308) and location:
            return urljoin(self.url, location.strip())
        return None


# When the request being made must be over (time.monotonic()), for the sockets below.
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "newsdesk_fetch_deadline", default=None
)


def _time_left(timeout: float | None) -> float | None:
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the request's deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket whose every read and write waits at most until the request's deadline.

    httpx's timeouts are per operation: a server sending one header byte just inside the read
    timeout would never trip them (h11 accepts 64 KiB of headers)."""

    def __init__(self, stream: httpcore.NetworkStream):
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _time_left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _time_left(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        stream = self._stream.start_tls(ssl_context, server_hostname, _time_left(timeout))
        return _DeadlineStream(stream)

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's own socket backend, with connects and streams bound by the deadline."""

    def __init__(self):
        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        stream = self._backend.connect_tcp(
            host, port, _time_left(timeout), local_address, socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        stream = self._backend.connect_unix_socket(path, _time_left(timeout), socket_options)
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def _deadline_transport() -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport()
    # httpx does not take a network backend; its pool (httpcore.ConnectionPool) does. Should a
    # later httpx build the pool differently, the deadline still holds between body chunks.
    pool = getattr(transport, "_pool", None)
    if isinstance(pool, httpcore.ConnectionPool) and hasattr(pool, "_network_backend"):
        pool._network_backend = DeadlineBackend()
    return transport


def make_client() -> httpx.Client:
    """One client per worker: keep-alive across requests to the same host."""
    return httpx.Client(
        transport=_deadline_transport(),
        headers={"User-Agent": limits.USER_AGENT},
        timeout=httpx.Timeout(limits.FETCH_TIMEOUT_SECONDS),
        follow_redirects=True,
        max_redirects=limits.MAX_REDIRECTS,
        # Decompression of gzip/br happens in httpx; the cap below counts decoded bytes, which
        # is what protects memory from a compression bomb.
    )


def fetch(
    url: str,
    *,
    client: httpx.Client,
    etag: str = "",
    last_modified: str = "",
    accept: str = "*/*",
    max_bytes: int = limits.MAX_BODY_BYTES,
    timeout: float = limits.FETCH_TIMEOUT_SECONDS,
    follow_redirects: bool = True,
) -> FetchResult:
    """GET ``url``; redirects are followed unless ``follow_redirects`` is False, in which case
    a 3xx comes back as it is (``redirect_target`` says where it points)."""
    headers = {"Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    started = time.monotonic()
    deadline = started + timeout
    bound = _deadline.set(deadline)
    try:
        with client.stream(
            "GET",
            url,
            headers=headers,
            timeout=httpx.Timeout(timeout),
            follow_redirects=follow_redirects,
        ) as response:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise BodyTooLarge(
                    f"{url}: body of {int(declared):,} bytes announced, over the "
                    f"{max_bytes:,}-byte cap (NEWSDESK_MAX_BODY_BYTES)"
                )
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise BodyTooLarge(
                        f"{url}: body passed the {max_bytes:,}-byte cap while streaming "
                        "(NEWSDESK_MAX_BODY_BYTES)"
                    )
                if time.monotonic() > deadline:
                    raise FetchTimeout(
                        f"{url}: no complete response within {timeout:g} s "
                        "(NEWSDESK_FETCH_TIMEOUT_SECONDS)"
                    )
                chunks.append(chunk)
            history = [r.status_code for r in response.history]
            permanent = (
                str(response.url)
                if history and all(code in (301, 308) for code in history)
                else None
            )
            return FetchResult(
                status=response.status_code,
                url=str(response.url),
                headers=response.headers,
                body=b"".join(chunks),
                permanent_url=permanent,
                elapsed=time.monotonic() - started,
                history=history,
            )
    except httpx.TooManyRedirects as error:
        raise RedirectError(
            f"{url}: more than {limits.MAX_REDIRECTS} redirects (a redirect loop?)"
        ) from error
    except httpx.TimeoutException as error:
        raise FetchTimeout(
            f"{url}: no complete response within {timeout:g} s "
            f"(NEWSDESK_FETCH_TIMEOUT_SECONDS; {type(error).__name__})"
        ) from error
    except httpx.DecodingError as error:
        raise FetchError(f"{url}: the response's content encoding is broken: {error}") from error
    except httpx.HTTPError as error:
        raise FetchError(f"{url}: {type(error).__name__}: {error}") from error
    finally:
        _deadline.reset(bound)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), capped."""
    if not value:
        return None
    value = value.strip()
    now = now or datetime.now(UTC)
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    return max(0.0, min(seconds, limits.MAX_RETRY_AFTER_SECONDS))


def parse_max_age(cache_control: str | None) -> float | None:
    """``max-age`` from a Cache-Control header; None when absent, no-cache or malformed."""
    if not cache_control:
        return None
    for directive in cache_control.lower().split(","):
        name, _, value = directive.strip().partition("=")
        if name == "max-age" and value.strip().strip('"').isdigit():
            return float(value.strip().strip('"'))
    return None
