"""The batch commands' JSON Lines formats (``newsdesk cluster|brief|tag --in A --out B``).

Input: one object per line with ``id``, ``title``, ``text`` and optional ``url``, ``outlet``,
``family``, ``published`` (ISO 8601), ``categories`` and ``story``. A bad line is an error that
names its line number; nothing is written for a run that fails half way.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from typing import IO, Any

from newsdesk.core.brief import BriefSentence, EarlierReport, brief_story
from newsdesk.core.documents import ArticleText
from newsdesk.core.group import StreamGrouper
from newsdesk.core.llm import LLMConfig
from newsdesk.core.tag import tag_stories


class InputError(ValueError):
    pass


def parse_published(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as error:
        raise InputError(
            f"published {value!r} is not ISO 8601 (e.g. 2026-11-20T08:00:00Z)"
        ) from error
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def read_articles(lines: Iterable[str]) -> Iterator[ArticleText]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise InputError("each line must be a JSON object")
            if "id" not in record:
                raise InputError('missing "id"')
            yield ArticleText(
                id=str(record["id"]),
                title=str(record.get("title") or ""),
                text=str(record.get("text") or ""),
                url=str(record.get("url") or ""),
                outlet=str(record.get("outlet") or ""),
                family=str(record.get("family") or ""),
                published=parse_published(record.get("published")),
                categories=tuple(str(c) for c in record.get("categories") or ()),
                story=None if record.get("story") is None else str(record["story"]),
            )
        except (json.JSONDecodeError, InputError) as error:
            raise InputError(f"line {number}: {error}") from error


def _stories(articles: list[ArticleText]) -> dict[str, list[ArticleText]]:
    stories: dict[str, list[ArticleText]] = {}
    for article in articles:
        stories.setdefault(article.story if article.story is not None else article.id, []).append(
            article
        )
    return stories


def cluster_records(articles: Iterable[ArticleText]) -> Iterator[dict]:
    """Stream in ``published`` order (undated last, input order kept among equals)."""
    grouper = StreamGrouper()
    ordered = sorted(
        enumerate(articles),
        key=lambda pair: (pair[1].published is None, pair[1].published or datetime.min, pair[0]),
    )
    # Embeddings in batches of 32 (as a feed poll delivers articles); each decision still
    # sees only the articles before it.
    # Stories may merge or split later on, so the keys are resolved once the stream has ended (only
    # ids and keys are held, not the articles).
    placed: list[tuple[str, str]] = []
    for start in range(0, len(ordered), 32):
        chunk = [article for _, article in ordered[start : start + 32]]
        for article, story in zip(chunk, grouper.add_many(chunk), strict=True):
            placed.append((article.id, story))
    for article_id, story in placed:
        yield {"id": article_id, "story": grouper.story_key(story, article_id)}


def brief_records(
    articles: Iterable[ArticleText], sentences: int, words: int | None, llm: LLMConfig | None = None
) -> Iterator[dict]:
    for story, members in _stories(list(articles)).items():
        brief = brief_story(members, max_sentences=sentences, max_words=words, llm=llm)
        yield {
            "story": story,
            "headline": brief.headline,
            "sentences": [sentence_record(s) for s in brief.sentences],
            "only_in": brief.only_in,
            "earlier": [earlier_record(e) for e in brief.earlier],
            "method": brief.method,
            "log": brief.log,
        }


def sentence_record(sentence: BriefSentence) -> dict:
    """A brief sentence as JSON: its text, sources and any name put in place of a reference."""
    record: dict[str, Any] = {
        "text": sentence.text,
        "sources": [asdict(r) for r in sentence.sources],
    }
    if sentence.substitutions:
        record["substitutions"] = [
            {"reference": s.reference, "name": s.name, "source": asdict(s.source)}
            for s in sentence.substitutions
        ]
    return record


def earlier_record(report: EarlierReport) -> dict:
    """An updated report as JSON: what it said, where, when, and what updated it."""
    return {
        "text": report.text,
        "source": asdict(report.source),
        "published": report.published.isoformat() if report.published else None,
        "updated_by": asdict(report.updated_by),
    }


def tag_records(articles: Iterable[ArticleText]) -> Iterator[dict]:
    articles = list(articles)
    by_story = any(a.story is not None for a in articles)
    groups = _stories(articles) if by_story else {a.id: [a] for a in articles}
    for key, tagging in zip(groups, tag_stories(groups.values()), strict=True):
        record: dict[str, Any] = {
            "story" if by_story else "id": key,
            "tags": [{"name": t.name, "kind": t.kind} for t in tagging.tags],
        }
        if by_story:
            record["entities"] = {
                article_id: [asdict(s) for s in spans]
                for article_id, spans in tagging.entities.items()
            }
        else:
            record["entities"] = [asdict(s) for s in tagging.entities[key]]
        yield record


def open_in(path: str) -> IO[str]:
    return sys.stdin if path == "-" else open(path, encoding="utf-8")


def write_records(records: Iterable[dict], path: str) -> int:
    # Build everything first: a failure half way leaves no half-written output file.
    lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in records]
    if path == "-":
        sys.stdout.writelines(lines)
    else:
        with open(path, "w", encoding="utf-8") as out:
            out.writelines(lines)
    return len(lines)
