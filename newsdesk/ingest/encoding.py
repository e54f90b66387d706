"""Decode an XML feed to text before any parser sees it.

The charset is taken as RFC 7303 and the WHATWG Encoding Standard order it: a byte-order mark,
then the HTTP ``charset``, then the XML declaration, else UTF-8. A byte that does not fit is
replaced (U+FFFD); the document is never switched to a guessed charset, which garbled every
correct title of a UTF-8 feed with one bad byte. Decoding first is also what lets ``parse.py``
see an entity declaration that UTF-7 or UTF-16 would hide from a byte search.
"""

from __future__ import annotations

import codecs
import re

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
# A UTF-16 document without a BOM starts "<?" in two-byte units.
_UTF16_STARTS = [(b"<\x00?\x00", "utf-16-le"), (b"\x00<\x00?", "utf-16-be")]
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([\w.:-]+)[\"']")
_DECLARATION_TEXT = re.compile(r"^\s*<\?xml[^>]*\?>")
# Labels every browser reads as windows-1252: feeds that say Latin-1 routinely hold its
# 0x80-0x9F characters (the euro sign, curly quotes).
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1"}


def feed_charset(body: bytes, content_type: str = "") -> str:
    """The charset a feed body is read in (a Python codec name)."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    for start, name in _UTF16_STARTS:
        if body.startswith(start):
            return name
    labels = []
    header = _HTTP_CHARSET.search(content_type or "")
    if header:
        labels.append(header.group(1))
    declared = _XML_DECLARATION.search(body[:1024])
    if declared:
        labels.append(declared.group(1).decode("ascii"))
    for label in labels:
        if label.lower() in _WINDOWS_1252_LABELS:
            return "cp1252"
        try:
            name = codecs.lookup(label).name
        except LookupError:
            continue
        # A UTF-16 label on bytes that had no BOM and no "<?" start is not UTF-16 at all.
        if not name.startswith(("utf-16", "utf-32")):
            return name
    return "utf-8"


def decode_feed(body: bytes, content_type: str = "") -> str:
    """The feed as text, its XML declaration rewritten to say UTF-8 (what we re-encode to)."""
    charset = feed_charset(body, content_type)
    text = body.decode(charset, "replace")
    text = text.removeprefix("\ufeff")
    return _DECLARATION_TEXT.sub("", text, count=1).lstrip()
