"""A small coverage chart: which outlets covered a story and when, drawn as inline SVG.

Server-side, no JavaScript: one row per outlet, one dot per article on a shared time axis.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, ROW_HEIGHT, LABEL_WIDTH, PAD = 560, 26, 150, 12


@dataclass
class Dot:
    x: float
    y: float
    title: str


@dataclass
class Chart:
    width: int
    height: int
    rows: list[tuple[str, float]]  # (outlet name, y)
    dots: list[Dot]
    start_label: str
    end_label: str
    axis_y: float


def coverage_chart(articles) -> Chart | None:
    dated = [a for a in articles if a.published]
    if len(dated) < 2:
        return None
    outlets: list[str] = []
    for article in dated:
        if article.outlet.name not in outlets:
            outlets.append(article.outlet.name)
    start = min(a.published for a in dated)
    end = max(a.published for a in dated)
    span = max((end - start).total_seconds(), 1.0)
    plot = WIDTH - LABEL_WIDTH - 2 * PAD
    rows = [(name, PAD + i * ROW_HEIGHT + ROW_HEIGHT / 2) for i, name in enumerate(outlets)]
    row_y = dict(rows)
    dots = [
        Dot(
            x=LABEL_WIDTH + PAD + plot * (a.published - start).total_seconds() / span,
            y=row_y[a.outlet.name],
            title=f"{a.outlet.name}, {a.published:%d %b %H:%M}: {a.title}",
        )
        for a in dated
    ]
    height = int(PAD * 2 + ROW_HEIGHT * len(outlets) + 18)
    return Chart(
        width=WIDTH,
        height=height,
        rows=rows,
        dots=dots,
        start_label=f"{start:%d %b %H:%M}",
        end_label=f"{end:%d %b %H:%M}",
        axis_y=height - 6,
    )
