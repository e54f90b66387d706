"""14. Real feed snapshots (2020-2021) from the shared data folder all parse."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.ingest.parse import FeedParseError, parse_feed

SNAPSHOTS = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "data"
    / "feeds"
    / "news-feeds-2020-2021"
    / "latest"
)


def test_every_real_feed_snapshot_parses():
    if not SNAPSHOTS.is_dir():
        pytest.skip(f"real feed snapshots not present at {SNAPSHOTS}")
    files = sorted(p for p in SNAPSHOTS.iterdir() if p.is_file())
    if not files:
        pytest.skip(f"{SNAPSHOTS} holds no files")

    failures: dict[str, str] = {}
    empty: list[str] = []
    for path in files:
        try:
            feed = parse_feed(
                path.read_bytes(), "application/xml", f"https://feeds.example/{path.name}"
            )
        except FeedParseError as error:
            failures[path.name] = str(error)
            continue
        if not feed.entries:
            empty.append(path.name)
            continue
        for entry in feed.entries:
            assert entry.title or entry.text, f"{path.name}: an entry with neither title nor text"
            assert entry.link.startswith(("http://", "https://")) or entry.guid, path.name

    assert failures == {}, f"{len(failures)} of {len(files)} snapshots failed to parse"
    assert empty == [], f"snapshots that parsed to no entries: {empty}"
