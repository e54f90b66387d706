"""Stage 3 of ingest: the article's text from its page, with trafilatura.

``extract_text(html, url)`` is the whole API. trafilatura sniffs the encoding of bytes itself;
we decode first so an undecodable page is a clear error, not mojibake stored as the article.
"""

from __future__ import annotations

import re

import trafilatura

from newsdesk import limits
from newsdesk.ingest.clean import clean_text


class ExtractionError(Exception):
    pass


# At most one broken byte per this many bytes is repaired (replaced) rather than refused.
MAX_BROKEN_BYTES_RATIO = 10_000

_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w.:-]+)""", re.IGNORECASE)
# Labels the WHATWG Encoding Standard (every browser) reads as windows-1252: pages that say
# ISO-8859-1 routinely hold its 0x80-0x9F characters (the euro sign, curly quotes, dashes).
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1"}


def decode_html(body: bytes, content_type: str = "") -> str:
    """Decode a page by its declared charset (header, then <meta>), falling back to UTF-8.

    Raises ``ExtractionError`` when the bytes fit neither the declared charset nor UTF-8.
    """
    declared = []
    header = re.search(r"charset=([\w.:-]+)", content_type or "", re.IGNORECASE)
    if header:
        declared.append(header.group(1))
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        declared.append(meta.group(1).decode("ascii", "ignore"))
    candidates = []
    for label in declared:
        if label.lower() in _WINDOWS_1252_LABELS:
            candidates.append("cp1252")  # the label itself follows, for 0x81, 0x8D, 0x8F...
        candidates.append(label)
    for charset in [*candidates, "utf-8"]:
        try:
            return body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    # A big UTF-8 page with a stray broken byte or two (a bad copy-paste in one paragraph) is
    # still that page: replace the broken bytes. Many broken bytes mean another encoding, and
    # guessing it would store mojibake as the article.
    if not declared or any(c.lower().replace("_", "-") in ("utf-8", "utf8") for c in declared):
        text = body.decode("utf-8", "replace")
        if text.count("\ufffd") * MAX_BROKEN_BYTES_RATIO <= len(body):
            return text
    said = f" (declared {', '.join(declared)})" if declared else ""
    raise ExtractionError(f"the page's bytes are not valid UTF-8{said} and cannot be decoded")


def extract_text(html: str | bytes, url: str = "", content_type: str = "") -> str:
    """The main text of an article page, paragraphs separated by blank lines.

    Raises ``ExtractionError`` when the page cannot be decoded or holds no article text.
    """
    if isinstance(html, bytes):
        html = decode_html(html, content_type)
    if not html.strip():
        raise ExtractionError("the page is empty")
    text = trafilatura.extract(
        html,
        url=url or None,
        include_comments=False,
        # Some sites still lay articles out in tables; without them 11 of the 990 pages of
        # trafilatura's evaluation set came back empty (bench/ingest.py).
        include_tables=True,
        favor_precision=True,
        # Off: trafilatura's deduplication is a process-wide cache, so after a paragraph had
        # been seen a few times (one wire story at several outlets, a retried page) it dropped
        # it from every later page and a long-running worker lost whole articles.
        deduplicate=False,
    )
    if not text or not text.strip():
        raise ExtractionError("no article text found on the page")
    # trafilatura separates paragraphs with single newlines; the core expects blank lines.
    paragraphs = [p.strip() for p in clean_text(text).split("\n") if p.strip()]
    return "\n\n".join(paragraphs)[: limits.MAX_ARTICLE_CHARS]
