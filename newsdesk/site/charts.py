"""A small coverage chart: which outlets covered a story and when, one dot per article.

Server-side, no JavaScript. Each outlet is a row: its name is HTML text (readable at any
width, a phone's included) and its dots an SVG strip stretched to the row's width; a dot is a
zero-length line with a round cap and a non-scaling stroke, so it stays round however far the
strip stretches. The time axis's ends are HTML ``<time>`` elements like every date on the site.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

# The strip's own units: x runs 0..STRIP_WIDTH whatever its width on screen.
STRIP_WIDTH, STRIP_HEIGHT, PAD = 1000, 24, 12


def display_time(moment: datetime) -> str:
    """The site's one date style, "3 Dec 2026, 21:20" (UTC; static/site/time.js rewrites it in
    the reader's time zone)."""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%b %Y, %H:%M}"


@dataclass
class Dot:
    x: float
    title: str


@dataclass
class Row:
    outlet: str
    dots: list[Dot]


@dataclass
class Chart:
    strip_width: int
    strip_height: int
    rows: list[Row]
    start_iso: str
    start_label: str
    end_iso: str
    end_label: str


def coverage_chart(articles) -> Chart | None:
    dated = [a for a in articles if a.published]
    if len(dated) < 2:
        return None
    start = min(a.published for a in dated)
    end = max(a.published for a in dated)
    span = max((end - start).total_seconds(), 1.0)
    plot = STRIP_WIDTH - 2 * PAD
    rows: dict[str, Row] = {}
    for a in dated:
        row = rows.setdefault(a.outlet.name, Row(a.outlet.name, []))
        row.dots.append(
            Dot(
                x=PAD + plot * (a.published - start).total_seconds() / span,
                title=f"{a.outlet.name}, {display_time(a.published)}: {a.title}",
            )
        )
    return Chart(
        strip_width=STRIP_WIDTH,
        strip_height=STRIP_HEIGHT,
        rows=list(rows.values()),
        start_iso=timezone.localtime(start).isoformat(),
        start_label=display_time(start),
        end_iso=timezone.localtime(end).isoformat(),
        end_label=display_time(end),
    )
