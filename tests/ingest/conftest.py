"""Fixtures for the ingest tests: a real HTTP server on 127.0.0.1, fixture files, a client.

The server is ``http.server.ThreadingHTTPServer`` on port 0 in a thread. Each test configures
what each path answers (status, headers, body, a delay before answering, chunked streaming,
a slow drip, a Content-Length that lies) and reads back every request the server received,
headers included. Nothing in these tests mocks HTTP or the database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template

import pytest

from newsdesk.ingest.fetch import FetchClient, make_client
from newsdesk.ingest.policy import FetchPolicy, trusted_origin_for

TESTDATA = Path(__file__).resolve().parent / "testdata"


@dataclass
class Reply:
    """What the server answers to one request."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Seconds to wait before sending the status line (a server slow to answer at all).
    delay: float = 0.0
    # Stream the body with Transfer-Encoding: chunked, so no Content-Length is sent.
    chunked: bool = False
    chunk_size: int = 64 * 1024
    # Seconds between two body chunks (a server that drips its body).
    drip: float = 0.0
    # Announce this Content-Length instead of the body's; the connection is closed after the
    # (shorter) body, so a client that waits for the rest fails at once instead of hanging.
    content_length: int | None = None


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    target: str  # as requested, query string included
    headers: dict[str, str]  # lower-cased names

    @property
    def path(self) -> str:
        return self.target.partition("?")[0]

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


Responder = Callable[[Seen], Reply]


class LocalServer:
    """A ThreadingHTTPServer whose answers each test sets with ``route``."""

    def __init__(self) -> None:
        self._routes: dict[str, Responder] = {}
        self._lock = threading.Lock()
        self.requests: list[Seen] = []
        self.stopping = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self.httpd.daemon_threads = True
        # Handler threads may be parked on a keep-alive connection or dripping a body to a
        # client that gave up; closing the server must not wait for them.
        self.httpd.block_on_close = False
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    # Tests build replies through the fixture, so they need not import this module.
    reply = staticmethod(Reply)

    @staticmethod
    def feed(body: bytes, content_type: str = "application/rss+xml", **headers: str) -> Reply:
        """A 200 carrying a feed; keyword arguments are extra headers (ETag="...", ...)."""
        named = {name.replace("_", "-"): value for name, value in headers.items()}
        return Reply(200, body, {"Content-Type": content_type, **named})

    def route(self, path: str, *replies: Reply | Responder) -> None:
        """Answer ``path`` with these replies in turn (the last one repeats), or a function."""
        if len(replies) == 1 and callable(replies[0]):
            self._routes[path] = replies[0]
            return
        queue = list(replies)

        def next_reply(_: Seen) -> Reply:
            with self._lock:
                return queue.pop(0) if len(queue) > 1 else queue[0]

        self._routes[path] = next_reply

    def requests_to(self, path: str) -> list[Seen]:
        """Requests for ``path``; without a query string in ``path``, whatever their query."""
        with self._lock:
            if "?" in path:
                return [r for r in self.requests if r.target == path]
            return [r for r in self.requests if r.path == path]

    def reply_for(self, seen: Seen) -> Reply:
        """A route for the exact target wins; otherwise the path answers, like a real site
        that ignores tracking parameters."""
        with self._lock:
            self.requests.append(seen)
            responder = self._routes.get(seen.target) or self._routes.get(seen.path)
        if responder is None:
            return Reply(404, b"not found", {"Content-Type": "text/plain"})
        return responder(seen)

    def close(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)


def _make_handler(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, chunked encoding

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib's name
            pass

        def do_GET(self) -> None:  # noqa: N802 - stdlib's name
            seen = Seen("GET", self.path, {k.lower(): v for k, v in self.headers.items()})
            reply = server.reply_for(seen)
            try:
                self._answer(reply)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def _answer(self, reply: Reply) -> None:
            if reply.delay and server.stopping.wait(reply.delay):
                self.close_connection = True
                return
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.status in (204, 304) or reply.status < 200:
                self.end_headers()
                return
            if reply.chunked:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                length = len(reply.body) if reply.content_length is None else reply.content_length
                self.send_header("Content-Length", str(length))
            self.end_headers()
            for start in range(0, len(reply.body), reply.chunk_size):
                if start and reply.drip and server.stopping.wait(reply.drip):
                    self.close_connection = True
                    return
                piece = reply.body[start : start + reply.chunk_size]
                if reply.chunked:
                    self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                else:
                    self.wfile.write(piece)
                self.wfile.flush()
            if reply.chunked:
                self.wfile.write(b"0\r\n\r\n")
            if reply.content_length is not None and reply.content_length != len(reply.body):
                self.close_connection = True

    return Handler


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer()
    try:
        yield local
    finally:
        local.close()


def trusting(*servers: LocalServer) -> FetchClient:
    """A client under the fetch policy, trusting these servers' origins as an operator who
    subscribed to a feed on each would (a literal 127.0.0.1 address and port)."""
    origins = frozenset(trusted_origin_for(s.base) for s in servers)
    return make_client(FetchPolicy(trusted_origins=origins, allow=()))


@pytest.fixture
def client(server):
    with trusting(server) as http:
        yield http


@pytest.fixture
def testdata() -> Callable[[str], bytes]:
    """The bytes of a fixture file in tests/ingest/testdata/."""

    def read(name: str) -> bytes:
        return (TESTDATA / name).read_bytes()

    return read


@pytest.fixture
def fill_template() -> Callable[..., bytes]:
    """A UTF-8 fixture with its ``$placeholders`` filled (the server's port is not fixed)."""

    def fill(name: str, **values: str) -> bytes:
        return Template((TESTDATA / name).read_text("utf-8")).substitute(values).encode()

    return fill
