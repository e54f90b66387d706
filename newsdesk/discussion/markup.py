"""The comment text format: a small Markdown subset, rendered to HTML and sanitised with nh3.

Readers get paragraphs (a blank line), line breaks, *emphasis*, **strong**, `> quotes`,
``[links](https://...)`` and ``<https://...>``. Raw HTML is not part of the format: it is shown
as text. Rendering happens on the way out, every time a comment is shown, and nh3 (ammonia)
then keeps only the few tags the format produces, with ``href`` limited to http, https and
mailto, so even a bug in the Markdown parser cannot put script in a reader's page.

>>> str(render_comment("Hello *world*. <script>alert(1)</script>"))
'<p>Hello <em>world</em>. &lt;script&gt;alert(1)&lt;/script&gt;</p>'
>>> str(render_comment("[x](javascript:alert(1)) <https://example.org>"))
'<p>[x](javascript:alert(1)) <a href="https://example.org" rel="nofollow ugc noopener">https://example.org</a></p>'
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from newsdesk import limits

ALLOWED_TAGS = {"p", "br", "em", "strong", "blockquote", "a", "code"}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"
# What counts as a link for the spam rule: web addresses however they are written.
_LINK = re.compile(r"(?i)\b(?:https?://|www\.)")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # "zero" has every rule off; we switch on only what the format promises. html=False makes
    # any HTML in the text plain text.
    return MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False}).enable(
        ["blockquote", "newline", "escape", "emphasis", "link", "autolink", "backticks"]
    )


def _only_absolute_links(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        # Relative and protocol-relative links point into our own site or nowhere useful.
        scheme = value.strip().split(":", 1)[0].lower() if ":" in value else ""
        return value if scheme in ALLOWED_SCHEMES else None
    return value


# A comment's HTML depends on its text alone: kept, not rendered again on every view (see
# limits.DISCUSSION_RENDERED_COMMENTS_KEPT).
@lru_cache(maxsize=limits.DISCUSSION_RENDERED_COMMENTS_KEPT)
def render_comment(text: str) -> SafeString:
    html = _markdown().render(text)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        # "*": nothing, or ammonia keeps its default generic attributes (title, lang) everywhere.
        attributes={"a": {"href"}, "*": set()},
        attribute_filter=_only_absolute_links,
        url_schemes=ALLOWED_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return mark_safe(clean.strip())  # noqa: S308 - nh3 output is the sanitised HTML


def count_links(text: str) -> int:
    return len(_LINK.findall(text))


def fingerprint(text: str) -> str:
    """The same for two texts that differ only in case and spacing."""
    normalised = _SPACE.sub(" ", text).strip().casefold()
    return hashlib.sha256(normalised.encode()).hexdigest()
