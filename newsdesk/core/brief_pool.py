"""The articles a big story's brief is chosen from: a bounded, well-spread pool.

A brief reads every sentence of the articles it is given, and compares them with one another,
so its cost grows with the story. Past ``limits.BRIEF_POOL_ARTICLES`` articles the brief is
made from a pool of that many, chosen from what is known of every article without reading its
text (its date and publisher):

- the earliest articles: the first reports, which a later update may supersede
  (``brief_current``) and which date the story;
- the newest articles: the story's latest state, which the brief leads with;
- each publisher's newest article, publishers with the most articles first: the facts most
  outlets confirm, and each outlet's own, for "what only X reported";
- then articles spread evenly over the story's life, for what it told in between.

A story within the bound is briefed from all its articles, as before.

>>> from datetime import datetime, timedelta
>>> start = datetime(2026, 1, 1)
>>> items = [PoolItem(str(i), start + timedelta(hours=i), f"outlet{i % 3}") for i in range(10)]
>>> brief_pool(items, limit=20) == [i.id for i in items]
True
>>> brief_pool(items, limit=5, earliest=1, newest=2)
['0', '4', '7', '8', '9']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from newsdesk import limits


class PoolItem(NamedTuple):
    """What the pool is chosen by: an article's id, date and publisher (family)."""

    id: str
    published: datetime | None
    publisher: str


def brief_pool(
    items: Sequence[PoolItem],
    limit: int = limits.BRIEF_POOL_ARTICLES,
    *,
    earliest: int = limits.BRIEF_POOL_EARLIEST,
    newest: int = limits.BRIEF_POOL_NEWEST,
) -> list[str]:
    """The ids of at most ``limit`` of ``items`` to brief from, oldest first (all of them when
    there are no more than ``limit``)."""
    ordered = sorted(items, key=lambda i: (i.published is None, i.published or 0, i.id))
    if len(ordered) <= limit:
        return [item.id for item in ordered]
    chosen: dict[int, None] = {}  # indices into ordered, in the order chosen

    def take(index: int) -> None:
        if len(chosen) < limit:
            chosen.setdefault(index, None)

    for index in range(min(earliest, len(ordered))):
        take(index)
    for index in range(len(ordered) - 1, max(len(ordered) - 1 - newest, -1), -1):
        take(index)
    newest_of: dict[str, int] = {}
    for index, item in enumerate(ordered):
        newest_of[item.publisher] = index
    sizes = Counter(item.publisher for item in ordered)
    for publisher in sorted(newest_of, key=lambda p: (-sizes[p], -newest_of[p])):
        take(newest_of[publisher])
    rest = [i for i in range(len(ordered)) if i not in chosen]
    room = limit - len(chosen)
    if room > 0 and rest:
        step = len(rest) / room
        for slot in range(room):
            take(rest[min(len(rest) - 1, int(slot * step + step / 2))])
    return [ordered[index].id for index in sorted(chosen)]
