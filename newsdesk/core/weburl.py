"""The one rule for links that leave newsdesk: absolute ``http``/``https`` URLs only.

Every URL newsdesk shows came from an outlet (item links, homepages, redirects), and outlets are
strangers: ``javascript:``, ``data:`` or ``vbscript:`` in an ``href`` runs in the reader's
browser on our origin. Browsers drop leading and trailing spaces and C0 control characters and
remove tabs and line breaks anywhere before they read a scheme, so ``" JaVa\\tScRiPt:"`` is
still script to them; the same is done here before the scheme is checked, and the URL returned
is the one that was checked.

>>> web_url("  https://example.org/a b\\n")
'https://example.org/a b'
>>> web_url("HTTP://Example.org/")
'http://Example.org/'
>>> [web_url(u) for u in (" JaVaScRiPt:alert(1)", "java\\tscript:x", "data:text/html,x", "/a")]
[None, None, None, None]
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# What the WHATWG URL parser strips from both ends (C0 controls and space) ...
_EDGES = "".join(chr(c) for c in range(0x21))
# ... and removes anywhere (tab, line feed, carriage return).
_REMOVED = re.compile(r"[\t\n\r]")
# Left inside a URL, any other control character (C0, DEL, C1) is refused, not guessed at.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SCHEME = re.compile(r"(https?)://", re.IGNORECASE)


def web_url(value: object) -> str | None:
    """``value`` as an absolute http(s) URL with a host, trimmed as a browser would; None when
    it is anything else (another scheme, a relative or malformed URL, not a string)."""
    if not isinstance(value, str):
        return None
    url = _REMOVED.sub("", value.strip(_EDGES))
    match = _SCHEME.match(url)
    if match is None or _CONTROL.search(url):
        return None
    url = match.group(1).lower() + url[len(match.group(1)) :]
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return url
