"""What ingest keeps of an outlet's strings: web links only, text that every format can carry.

``web_url`` is the one gate for every URL that comes from outside (item links, GUID permalinks,
homepages, JSON Feed fields, redirects): an absolute http(s) URL after the trimming a browser
does, or nothing, with the reason. ``clean_text`` drops the characters XML 1.0 cannot hold
(NUL and the other C0 controls, lone surrogates, U+FFFE/U+FFFF), so the site's RSS and Atom
feeds and PostgreSQL can store and serialise whatever an outlet sent.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A browser strips leading and trailing C0 controls and spaces, and drops tabs and newlines
# anywhere, before it reads a scheme: " JaVa\tScRiPt:" is javascript:. So do we.
_EDGES = re.compile("^[\x00-\x20]+|[\x00-\x20]+$")
_TAB_NEWLINE = re.compile("[\t\n\r]")
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def clean_text(text: str) -> str:
    """``text`` without XML-invalid characters."""
    return _XML_INVALID.sub("", text) if text else ""


def web_url(value: object) -> tuple[str, str]:
    """``(url, "")`` for an absolute http(s) URL, else ``("", reason)``.

    The URL comes back trimmed as a browser would read it, scheme lower-cased, inner spaces
    percent-encoded.
    """
    if not isinstance(value, str):
        return "", "the link is not text"
    text = _TAB_NEWLINE.sub("", _EDGES.sub("", value))
    if not text:
        return "", "the link is empty"
    if _CONTROL.search(text):
        return "", "the link holds control characters"
    text = text.replace(" ", "%20")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError as error:
        return "", f"the link is not a valid URL ({error})"
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"a {scheme}: link" if scheme else "a relative link"
        return "", f"{shown}; only absolute http(s) links are kept"
    if not parts.hostname or "\\" in parts.netloc:
        return "", "the link names no host"
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, parts.fragment)), ""
