"""A story rebuilt from its articles: brief, cited passages, tags, dates and counts.

The core writes the brief and the tags (``newsdesk.core``); this module gives it the story's
stored articles and writes what it decided back on the story, then indexes it for search.
What it costs does not grow with the story: the brief is made from a bounded pool of its
articles (``core.brief_pool``), the only ones whose text is read, and the tags from the
story's running sums of its articles' tag evidence (``evidence.py``), each article read once.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newsdesk import limits
from newsdesk.core import ArticleText, brief_story
from newsdesk.core.brief_pool import PoolItem, brief_pool
from newsdesk.core.tag import tag_from_evidence
from newsdesk.core.text import split_sentences
from newsdesk.ingest.models import Article
from newsdesk.stories.documents import core_article
from newsdesk.stories.evidence import save_totals, story_totals
from newsdesk.stories.models import Membership, Story
from newsdesk.stories.signals import story_changed
from newsdesk.stories.tags import store_tags, tag_corrections

__all__ = ["brief_json", "cited_passages", "core_article", "refresh_story"]


def refresh_story(story: Story) -> None:
    """Recompute counts, brief and tags from the story's current articles.

    The brief and tags are computed before the write transaction opens: with an LLM
    configured, briefing can take a minute, and no database lock may be held that long. So
    the write checks, with the story's row locked, that the story still has the articles the
    brief was made from: when another worker added one meanwhile, the brief is made again
    (up to ``limits.REFRESH_ATTEMPTS`` times; the last one is written whatever happened, and
    the worker that added the article refreshes the story again after it)."""
    for attempt in range(1, limits.REFRESH_ATTEMPTS + 1):
        # Every article's date and outlet, never its text: only the brief's pool is read.
        articles = [
            Member(*row)
            for row in Article.objects.filter(membership__story=story)
            .order_by("published", "pk")
            .values_list("pk", "published", "outlet__name", "outlet__family")
        ]
        totals = story_totals(story, articles)
        pool = _brief_pool(articles)
        tags = _rebuild(story, articles, pool, totals)
        with transaction.atomic():
            list(Story.objects.select_for_update().filter(pk=story.pk).values_list("pk"))
            now = set(Membership.objects.filter(story=story).values_list("article_id", flat=True))
            if now != {a.pk for a in articles} and attempt < limits.REFRESH_ATTEMPTS:
                continue
            story.save(update_fields=_REFRESHED_FIELDS)
            save_totals(story, totals, articles)
            store_tags(story, tags)
            story_changed.send(
                Story,
                story=story,
                articles=pool,
                outlets=sorted({a.outlet for a in articles}),
                tags=[st.tag for st in story.story_tags.select_related("tag")],
            )
            return


class Member(NamedTuple):
    """What a refresh reads of each of the story's articles (their texts only for the pool)."""

    pk: int
    published: datetime
    outlet: str  # the outlet's name
    family: str  # its publisher family


# Every field but the refresh mark, which another worker may set while this refresh runs
# (``grouping.request_refresh``): writing the story back must not clear it.
_REFRESHED_FIELDS = [
    f.name
    for f in Story._meta.concrete_fields
    if not f.primary_key and f.name != "refresh_requested_at"
]


def _brief_pool(articles: list[Member]) -> list[Article]:
    """The articles the brief is made from (all of a small story's), texts read, oldest first."""
    items = [PoolItem(str(a.pk), a.published, a.family or a.outlet) for a in articles]
    ids = [int(i) for i in brief_pool(items, limits.BRIEF_POOL_ARTICLES)]
    loaded = Article.objects.filter(pk__in=ids).select_related("outlet").in_bulk()
    return [loaded[pk] for pk in ids if pk in loaded]


def _rebuild(story: Story, articles: list[Member], pool: list[Article], totals) -> list:
    """Set ``story``'s brief, dates and counts (not saved); its tags. ``articles``: all the
    story's (dates and outlets only); ``pool``: those the brief reads; ``totals``: the sums of
    their tag evidence."""
    story.updated_at = timezone.now()
    if not articles:
        story.article_count = story.outlet_count = 0
        return []
    documents = [core_article(a) for a in pool]
    brief = brief_story(documents, llm=settings.NEWSDESK_LLM)
    aliases, hidden = tag_corrections()
    brief_sentences = [s.text for s in brief.sentences]
    tags = tag_from_evidence(totals, aliases=aliases, hidden=hidden, brief=brief_sentences)
    story.headline = brief.headline
    story.brief = brief_json(brief)
    story.brief_passages = cited_passages(documents, brief)
    story.only_in = brief.only_in
    story.brief_method = brief.method
    # What the LLM gate decided (sentences dropped and why, or the fallback's reason).
    story.brief_log = brief.log
    story.first_published = min(a.published for a in articles)
    story.last_published = max(a.published for a in articles)
    story.article_count = len(articles)
    story.outlet_count = len({a.family for a in articles})
    return tags


def _ref(ref) -> dict:
    return {"id": int(ref.id), "sentence_index": ref.sentence_index}


def brief_json(brief) -> dict:
    """What ``Story.brief`` stores: each sentence with its sources and any name put in place of
    a reference (with the sentence that gives it); and the earlier reports later ones updated,
    with their time, for the story page's timeline."""
    sentences = []
    for s in brief.sentences:
        sentence = {"text": s.text, "sources": [_ref(r) for r in s.sources]}
        if s.substitutions:
            sentence["substitutions"] = [
                {"reference": u.reference, "name": u.name, "source": _ref(u.source)}
                for u in s.substitutions
            ]
        sentences.append(sentence)
    stored: dict = {"sentences": sentences}
    if brief.earlier:
        stored["earlier"] = [
            {
                "text": e.text,
                "source": _ref(e.source),
                "published": e.published.isoformat() if e.published else None,
                "updated_by": _ref(e.updated_by),
            }
            for e in brief.earlier
        ]
    return stored


def cited_passages(documents: list[ArticleText], brief) -> dict[str, str]:
    """The source sentence each brief sentence cites, keyed "<article id>:<sentence index>",
    as the core split it: the page shows it on hover and links to it (a text fragment) without
    re-reading the article. Only cited articles are split, each once."""
    texts = {d.id: d.text for d in documents}
    split: dict[str, list[str]] = {}
    passages = {}
    for sentence in brief.sentences:
        named = [u.source for u in sentence.substitutions]
        for ref in [*sentence.sources, *named]:
            if ref.id not in split:
                text = texts.get(ref.id, "")[: limits.MAX_ARTICLE_CHARS]
                split[ref.id] = [s.text for s in split_sentences(text)]
            if 0 <= ref.sentence_index < len(split[ref.id]):
                passages[f"{ref.id}:{ref.sentence_index}"] = split[ref.id][ref.sentence_index]
    return passages
