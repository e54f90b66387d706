"""Stage 1 of ingest: fetch a URL politely and safely.

One function, ``fetch``, used for feeds, article pages and robots.txt alike:

- a clear User-Agent; conditional GET from the validators the caller kept;
- the fetch policy (``policy.py``) checked before every request and every redirect hop, and
  again on the address each connection is opened to (``GuardedBackend``); a refused URL is
  ``FetchRefused``;
- at most ``MAX_REDIRECTS`` redirects, followed here one hop at a time (a loop ends as
  ``RedirectError``);
- a deadline for the whole request: every socket operation's timeout is cut to the time left
  (``GuardedBackend``), so a server that drips its headers or body one byte a second cannot
  hold a worker past ``FETCH_TIMEOUT_SECONDS``;
- the body is counted while streaming and cut at ``MAX_BODY_BYTES`` (``BodyTooLarge``), and a
  Content-Length over the cap is refused before reading anything; Content-Encoding is undone
  here in bounded steps (``decompress.py``), every layer counted.

Nothing here touches the database: the orchestrator (``pipeline.py``) decides what a status
means for the feed. Per-host politeness (one connection at a time, Retry-After) is ``hosts.py``.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import httpcore
import httpx

from newsdesk import limits
from newsdesk.ingest.decompress import (
    BoundedDecoder,
    BrokenEncoding,
    DecodedTooLarge,
    EncodingRefused,
)
from newsdesk.ingest.policy import FetchPolicy, RefusedURL


class FetchError(Exception):
    """A fetch that produced no usable response; the message says what happened."""


class FetchTimeout(FetchError):
    pass


class BodyTooLarge(FetchError):
    pass


class RedirectError(FetchError):
    pass


class FetchRefused(FetchError):
    """The fetch policy refused the URL or the address it resolves to."""


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
# Whether the request being made is on an origin the operator trusts (``FetchPolicy``). Unset
# (a request made outside ``fetch``) means untrusted: the backend fails closed.
_trusted_hop: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "newsdesk_trusted_hop", default=False
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


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's own socket backend, connecting only where the fetch policy allows.

    The host is resolved once here and the socket connects to a checked address; TLS still
    names the host (httpcore passes it as SNI) and so does the Host header. Connects and every
    socket operation are bound by the request's deadline."""

    def __init__(self, policy: FetchPolicy):
        self._backend = httpcore.SyncBackend()
        self.policy = policy

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            addresses = self.policy.addresses(host, port, _trusted_hop.get())
        except (OSError, UnicodeError) as error:
            # Not resolvable (or a name IDNA cannot encode): a connection error like any other.
            raise httpcore.ConnectError(f"cannot resolve {host}: {error}") from error
        last_error: Exception | None = None
        for address in addresses:
            try:
                stream = self._backend.connect_tcp(
                    address, port, _time_left(timeout), local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last_error = error
                continue
            return _DeadlineStream(stream)
        raise last_error or httpcore.ConnectError(f"{host} has no address")

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise httpcore.ConnectError("newsdesk does not fetch over Unix sockets")

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


# httpcore's errors as the httpx errors of the same name, which ``fetch`` catches and names.
_HTTPX_ERROR_OF = {
    getattr(httpcore, name): getattr(httpx, name)
    for name in (
        "TimeoutException",
        "ConnectTimeout",
        "ReadTimeout",
        "WriteTimeout",
        "PoolTimeout",
        "NetworkError",
        "ConnectError",
        "ReadError",
        "WriteError",
        "ProxyError",
        "UnsupportedProtocol",
        "ProtocolError",
        "LocalProtocolError",
        "RemoteProtocolError",
    )
}


@contextlib.contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as error:
        # The most specific match: a ReadTimeout stays a ReadTimeout, not a TimeoutException.
        mapped = next(
            (_HTTPX_ERROR_OF[c] for c in type(error).__mro__ if c in _HTTPX_ERROR_OF), None
        )
        if mapped is None:
            raise
        raise mapped(str(error)) from error


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]):
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx_errors():
            yield from self._stream

    def close(self) -> None:
        if hasattr(self._stream, "close"):
            self._stream.close()


class GuardedTransport(httpx.BaseTransport):
    """httpx's transport over an ``httpcore.ConnectionPool`` whose sockets come from
    ``GuardedBackend``.

    httpx.HTTPTransport takes no network backend while httpcore.ConnectionPool does
    (``network_backend=``), so this transport is built on the public APIs of both:
    ``httpx.BaseTransport`` and the pool's own constructor, with httpx.HTTPTransport's defaults
    (``httpx.create_ssl_context()``, ``httpx.Limits()``'s 100 connections, 20 kept alive for
    5 s, HTTP/1.1 only, no retries). ``handle_request`` turns the httpx request into
    httpcore's and back, as HTTPTransport does."""

    def __init__(self, policy: FetchPolicy):
        pool_limits = httpx.Limits(
            max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0
        )
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=pool_limits.max_connections,
            max_keepalive_connections=pool_limits.max_keepalive_connections,
            keepalive_expiry=pool_limits.keepalive_expiry,
            http1=True,
            http2=False,
            retries=0,
            network_backend=GuardedBackend(policy),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            response = self._pool.handle_request(core_request)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


class FetchClient(httpx.Client):
    """An httpx client that knows its fetch policy (``fetch`` checks every hop against it)."""

    def __init__(self, policy: FetchPolicy, **kwargs):
        self.guarded_transport = GuardedTransport(policy)
        super().__init__(transport=self.guarded_transport, **kwargs)
        self.policy = policy


def make_client(policy: FetchPolicy | None = None) -> FetchClient:
    """One client per worker: keep-alive across requests to the same host.

    Without a policy only public addresses (and ``NEWSDESK_FETCH_ALLOW``) are reachable;
    ``subscriptions.fetch_policy()`` adds the origins of the operator's feeds."""
    return FetchClient(
        policy or FetchPolicy(),
        headers={"User-Agent": limits.USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        timeout=httpx.Timeout(limits.FETCH_TIMEOUT_SECONDS),
        follow_redirects=False,
        # A proxy from the environment would be the address connected to, not the outlet's:
        # the policy could not be checked. Direct connections only.
        trust_env=False,
    )


def fetch(
    url: str,
    *,
    client: FetchClient,
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
    history: list[int] = []
    current = url
    try:
        while True:
            trusted = _hop_allowed(client, current)
            trust = _trusted_hop.set(trusted)
            try:
                # Straight to our transport: httpx's client builds the next request from any
                # Location header, even unfollowed, and a "javascript:" one raised InvalidURL
                # before we could read the status. Every hop is ours to check.
                request = client.build_request(
                    "GET", current, headers=headers, timeout=httpx.Timeout(timeout)
                )
                response = client.guarded_transport.handle_request(request)
                response.request = request
                try:
                    target = _redirect_of(response, current)
                    if follow_redirects and target is not None:
                        history.append(response.status_code)
                        if len(history) > limits.MAX_REDIRECTS:
                            raise RedirectError(
                                f"{url}: more than {limits.MAX_REDIRECTS} redirects "
                                "(a redirect loop?)"
                            )
                        current = target
                        continue
                    body = _read_body(response, url, max_bytes, deadline, timeout)
                finally:
                    response.close()
            finally:
                _trusted_hop.reset(trust)
            permanent = (
                str(response.url) if history and all(c in (301, 308) for c in history) else None
            )
            return FetchResult(
                status=response.status_code,
                url=str(response.url),
                headers=response.headers,
                body=body,
                permanent_url=permanent,
                elapsed=time.monotonic() - started,
                history=history,
            )
    except RefusedURL as error:
        raise FetchRefused(f"{error} [{current[:300]}]") from error
    except httpx.TimeoutException as error:
        raise FetchTimeout(
            f"{url}: no complete response within {timeout:g} s "
            f"(NEWSDESK_FETCH_TIMEOUT_SECONDS; {type(error).__name__})"
        ) from error
    except (httpx.DecodingError, BrokenEncoding, EncodingRefused) as error:
        raise FetchError(f"{url}: the response's content encoding is broken: {error}") from error
    except DecodedTooLarge as error:
        raise BodyTooLarge(f"{url}: {error}") from error
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        raise FetchError(f"{url}: {type(error).__name__}: {error}") from error
    finally:
        _deadline.reset(bound)


def _hop_allowed(client: FetchClient, url: str) -> bool:
    """Check one request against the client's policy; True if on a trusted origin."""
    policy = getattr(client, "policy", None)
    if not isinstance(policy, FetchPolicy):
        raise TypeError("fetch needs a client from make_client(), which carries the policy")
    return policy.check_url(url)


def _redirect_of(response: httpx.Response, url: str) -> str | None:
    location = response.headers.get("location", "")
    if response.status_code in (301, 302, 303, 307, 308) and location:
        return urljoin(url, location.strip())
    return None


def _read_body(
    response: httpx.Response, url: str, max_bytes: int, deadline: float, timeout: float
) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLarge(
            f"{url}: body of {int(declared):,} bytes announced, over the "
            f"{max_bytes:,}-byte cap (NEWSDESK_MAX_BODY_BYTES)"
        )
    decoder = BoundedDecoder(response.headers.get("content-encoding", ""), max_bytes)
    chunks, size, wire = [], 0, 0
    for raw in response.iter_raw():
        # Bytes on the wire count too: what follows the end of a gzip stream is never decoded.
        wire += len(raw)
        if wire > max_bytes:
            raise BodyTooLarge(
                f"{url}: body passed the {max_bytes:,}-byte cap while streaming "
                "(NEWSDESK_MAX_BODY_BYTES)"
            )
        for chunk in decoder.feed(raw):
            size += len(chunk)
            if size > max_bytes:
                raise BodyTooLarge(
                    f"{url}: body passed the {max_bytes:,}-byte cap while streaming "
                    "(NEWSDESK_MAX_BODY_BYTES)"
                )
            chunks.append(chunk)
        if time.monotonic() > deadline:
            raise FetchTimeout(
                f"{url}: no complete response within {timeout:g} s (NEWSDESK_FETCH_TIMEOUT_SECONDS)"
            )
    return b"".join(chunks)


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
