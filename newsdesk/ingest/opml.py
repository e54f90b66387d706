"""OPML import and export: the subscription list every feed reader speaks.

Read with lxml with entity resolution and network access off, so a hostile OPML file cannot
expand entities or make us fetch anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from xml.sax.saxutils import quoteattr

from lxml import etree


class OPMLError(ValueError):
    pass


@dataclass(frozen=True)
class Subscription:
    url: str
    title: str = ""
    homepage: str = ""
    category: str = ""


def read_opml(data: bytes) -> list[Subscription]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise OPMLError(f"not valid OPML (XML error: {error})") from error
    # libxml2 substitutes internal entities in attribute values even with resolve_entities
    # off, so a file that declares any is refused rather than read with them expanded.
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise OPMLError("the OPML file declares XML entities; refused without expanding them")
    if root.tag.lower() != "opml":
        raise OPMLError(f"not OPML: the root element is <{root.tag}>, expected <opml>")
    subscriptions, seen = [], set()
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url or url in seen:
            continue
        seen.add(url)
        parent = outline.getparent()
        category = parent.get("text", "") if parent is not None and parent.tag == "outline" else ""
        subscriptions.append(
            Subscription(
                url=url,
                title=(outline.get("title") or outline.get("text") or "").strip(),
                homepage=(outline.get("htmlUrl") or "").strip(),
                category=category,
            )
        )
    return subscriptions


def write_opml(subscriptions: list[Subscription], title: str = "newsdesk subscriptions") -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{_escape(title)}</title></head>",
        "  <body>",
    ]
    # Each run of subscriptions in one category is a folder outline, so categories survive.
    for category, run in groupby(subscriptions, key=lambda s: s.category):
        indent = "      " if category else "    "
        if category:
            lines.append(f"    <outline text={quoteattr(category)}>")
        for s in run:
            attributes = f'type="rss" text={quoteattr(s.title or s.url)} title={quoteattr(s.title)}'
            attributes += f" xmlUrl={quoteattr(s.url)}"
            if s.homepage:
                attributes += f" htmlUrl={quoteattr(s.homepage)}"
            lines.append(f"{indent}<outline {attributes}/>")
        if category:
            lines.append("    </outline>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
