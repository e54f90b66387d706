"""The Django side of grouping, briefing and tagging: feeds the core from the database.

The core decides (``newsdesk.core``); this module loads the live window, stores the decision,
and keeps each story's brief, tags and counts in step with its articles.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from newsdesk import limits
from newsdesk.core import Article as CoreArticle
from newsdesk.core import StoryCandidate, TitleGrouper, brief_story, tag_story
from newsdesk.core.group_features import (
    ArticleFeatures,
    article_features,
    articles_features,
    features_from_dict,
    features_to_dict,
)
from newsdesk.core.text import split_sentences
from newsdesk.ingest.models import Article
from newsdesk.stories.models import Membership, Story, StoryTag, Tag, TagAlias
from newsdesk.stories.signals import story_changed

log = logging.getLogger("newsdesk.stories")
matcher = TitleGrouper()

# The advisory lock that gives one PostgreSQL worker at a time the grouping turn: any fixed
# number no other part of the database's users takes ("NDGROUP" in ASCII, as an integer).
GROUPING_LOCK_KEY = 0x4E4447524F5550


def core_article(article: Article) -> CoreArticle:
    return CoreArticle(
        id=str(article.pk),
        title=article.title,
        text=article.body,
        url=article.url,
        outlet=article.outlet.name,
        family=article.outlet.family,
        published=article.published,
        categories=tuple(article.categories or ()),
    )


def live_candidates(published) -> list[StoryCandidate]:
    """Stories still live at ``published``: only these are searched (cost stays flat).

    Each article's grouping features are stored on it when it is grouped, so the window is
    rebuilt from small JSON rows rather than by re-reading every article's text (the
    embedding is in them too, 384 int8 codes in base64, so nothing is re-embedded)."""
    window = timedelta(hours=limits.STORY_WINDOW_HOURS)
    stories = Story.objects.filter(
        merged_into__isnull=True,
        last_published__gte=published - window,
        first_published__lte=published + window,
    )
    candidates: dict[int, StoryCandidate] = {}
    members = (
        Membership.objects.filter(story__in=stories, article__published__gte=published - window)
        .select_related("article__outlet")
        .defer("article__text", "article__feed_text")
    )
    for membership in members:
        candidate = candidates.setdefault(
            membership.story_id, StoryCandidate(key=str(membership.story_id))
        )
        stored = features_from_dict(membership.article.grouping_features or {})
        if stored is None:  # grouped by an older version, or never: compute from the text,
            # once (stored back, so the next rebuild of the window reads it: with the
            # embedding, computing is ~5-20 ms an article).
            stored = article_features(core_article(Article.objects.get(pk=membership.article_id)))
            Article.objects.filter(pk=membership.article_id).update(
                grouping_features=features_to_dict(stored)
            )
        candidate.add_features(stored)
    return list(candidates.values())


def process_article(article: Article, features: ArticleFeatures | None = None) -> Story:
    """Place ``article`` in a story (unless an editor already did), then refresh that story.

    A near-copy of a live article (a syndicated wire story, the same article under another
    URL) joins its original's story and is marked ``duplicate_of`` it. ``features``: the
    article's grouping features when already computed.

    The decision is taken in the grouping turn (``grouping_turn``): with several workers, each
    sees every story the others have placed an article in, dates included, so two reports of
    one event arriving together do not start a story each. The features (the embedding is
    most of the cost) are computed before the turn."""
    membership = _membership(article)
    if membership is None:
        document = core_article(article)
        features = features or article_features(document)
        with grouping_turn():
            # Another worker may have placed it while this one waited for the turn.
            membership = _membership(article) or _place(article, document, features)
    refresh_story(membership.story)
    Article.objects.filter(pk=article.pk).update(processed_at=timezone.now())
    return membership.story


def _membership(article: Article) -> Membership | None:
    return Membership.objects.filter(article=article).select_related("story").first()


def _place(article: Article, document: CoreArticle, features: ArticleFeatures) -> Membership:
    """Decide and store the story of ``article``, which no story holds; in the grouping turn."""
    Article.objects.filter(pk=article.pk).update(grouping_features=features_to_dict(features))
    decision = matcher.decide(document, live_candidates(article.published), features)
    if decision.key:
        story = Story.objects.get(pk=int(decision.key))
    else:
        story = Story.objects.create(
            first_published=article.published, last_published=article.published
        )
    duplicate_of = (
        Article.objects.filter(pk=int(decision.duplicate_of)).first()
        if decision.duplicate_of and decision.duplicate_of.isdigit()
        else None
    )
    membership = Membership.objects.create(article=article, story=story, duplicate_of=duplicate_of)
    # The next decision's live window is found by these dates: stretched now, in the turn,
    # not when the story is next briefed.
    _stretch_dates(story, article.published)
    return membership


@contextmanager
def grouping_turn():
    """A transaction in which this worker alone groups articles, whatever the database.

    PostgreSQL: a transaction-scoped advisory lock (``GROUPING_LOCK_KEY``), released at
    commit or rollback, so a worker that dies mid-decision frees it. SQLite: the settings'
    IMMEDIATE transactions take the database's write lock at BEGIN, which already makes every
    other writer wait. Only the decision is made in the turn (tens of milliseconds with the
    window loaded); briefing and tagging, the slow part, run outside it."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [GROUPING_LOCK_KEY])
        yield


def _stretch_dates(story: Story, published) -> None:
    first = min(filter(None, (story.first_published, published)))
    last = max(filter(None, (story.last_published, published)))
    if (first, last) != (story.first_published, story.last_published):
        story.first_published, story.last_published = first, last
        Story.objects.filter(pk=story.pk).update(first_published=first, last_published=last)


# Articles whose embeddings are computed in one onnxruntime call by ``process_articles``
# (MiniLM on a headline: 180/s one at a time, 270/s in batches of 32 on one core).
GROUPING_BATCH = 32


def process_articles(articles: Iterable[Article], leave_placed: bool = False) -> list[Story]:
    """``process_article`` for each, in the order given (oldest first), with the grouping
    features of each run of ``GROUPING_BATCH`` articles computed together first, the run
    placed in one grouping turn, and each story the run touched refreshed once at its end.
    Each decision still sees only the articles placed before it.

    An article already in a story is refreshed with the run (a crash between placing and
    briefing is redone), unless ``leave_placed``: then another worker placed it since the
    caller chose it, and that worker briefs its story."""
    stories: list[Story] = []
    articles = list(articles)
    for start in range(0, len(articles), GROUPING_BATCH):
        chunk = articles[start : start + GROUPING_BATCH]
        grouped = set(
            Membership.objects.filter(article__in=chunk).values_list("article_id", flat=True)
        )
        todo = [a for a in chunk if a.pk not in grouped]
        try:
            computed = dict(
                zip(
                    (a.pk for a in todo),
                    articles_features([core_article(a) for a in todo]),
                    strict=True,
                )
            )
        except Exception:  # one odd article: each is computed alone below, failing alone
            log.exception("grouping features of a run failed; computing them one by one")
            computed = {}
        mine: list[tuple[Article, Story]] = []
        with grouping_turn():
            for article in chunk:
                membership = _membership(article)
                if membership is None:
                    membership = _place_alone(article, computed.get(article.pk))
                    if membership is None:
                        continue
                elif leave_placed:
                    continue
                mine.append((article, membership.story))
        # Each story the run touched is briefed and tagged once, not once per article (a
        # story gaining five articles in one feed poll was rebuilt five times); the articles
        # count as processed only after that, so a crash in between redoes the run.
        touched = {story.pk: story for _, story in mine}
        for story in touched.values():
            try:
                refresh_story(story)
            except Exception as error:  # the story keeps its last brief; the next article retries
                log.exception("refreshing story %s failed", story.pk)
                Article.objects.filter(pk__in=[a.pk for a, s in mine if s.pk == story.pk]).update(
                    processing_error=f"briefing its story failed: {error!r}"[:2000]
                )
        Article.objects.filter(pk__in=[a.pk for a, _ in mine]).update(processed_at=timezone.now())
        stories.extend(story for _, story in mine)
    return stories


def _place_alone(article: Article, features) -> Membership | None:
    """Place one article in a savepoint; when anything fails for it, record why on the
    article, count it as processed (so no later pass trips on it again) and go on: one
    article's failure never stops the others' grouping."""
    try:
        with transaction.atomic():
            document = core_article(article)
            return _place(article, document, features or article_features(document))
    except Exception as error:
        log.exception("grouping article %s failed", article.pk)
        Article.objects.filter(pk=article.pk).update(
            processing_error=f"grouping failed: {error!r}"[:2000], processed_at=timezone.now()
        )
        return None


def ready_articles():
    """Articles whose page is done with (extracted, or failed and kept with the feed's text)
    and that no story holds yet, oldest first: what grouping takes next."""
    return (
        Article.objects.filter(processed_at__isnull=True, membership__isnull=True)
        .exclude(extraction=Article.Extraction.PENDING)
        .select_related("outlet")
        .order_by("published", "pk")
    )


def process_ready_articles(limit: int = GROUPING_BATCH) -> list[Story]:
    """Group up to ``limit`` ready articles in published order, as one run.

    A worker does this when an article is ready, rather than grouping that article alone:
    in a burst (a first poll of new feeds), workers finish pages in any order, and grouping
    each as it comes makes the stories depend on which page was quick to fetch (the demo on 3
    PostgreSQL workers made 16, 16 and 19 stories where the pass makes 15; now 15, the pass's:
    bench/workers.py). With grouping tasks queued below
    extraction (``limits.GROUPING_TASK_PRIORITY``), a burst's pages are extracted first and
    then grouped oldest first, as ``newsdesk ingest`` does."""
    ready = list(ready_articles()[:limit])
    return process_articles(ready, leave_placed=True) if ready else []


def refresh_story(story: Story) -> None:
    """Recompute counts, brief and tags from the story's current articles.

    The brief and tags are computed before the write transaction opens: with an LLM
    configured, briefing can take a minute, and no database lock may be held that long. So
    the write checks, with the story's row locked, that the story still has the articles the
    brief was made from: when another worker added one meanwhile, the brief is made again
    (up to ``limits.REFRESH_ATTEMPTS`` times; the last one is written whatever happened, and
    the worker that added the article refreshes the story again after it)."""
    for attempt in range(1, limits.REFRESH_ATTEMPTS + 1):
        articles = list(
            Article.objects.filter(membership__story=story)
            .select_related("outlet")
            .order_by("published", "pk")
        )
        tags = _rebuild(story, articles)
        with transaction.atomic():
            list(Story.objects.select_for_update().filter(pk=story.pk).values_list("pk"))
            now = set(Membership.objects.filter(story=story).values_list("article_id", flat=True))
            if now != {a.pk for a in articles} and attempt < limits.REFRESH_ATTEMPTS:
                continue
            story.save()
            _store_tags(story, tags)
            story_changed.send(
                Story,
                story=story,
                articles=articles,
                tags=[st.tag for st in story.story_tags.select_related("tag")],
            )
            return


def _rebuild(story: Story, articles: list[Article]) -> list:
    """Set ``story``'s brief, dates and counts from ``articles`` (not saved); its tags."""
    story.updated_at = timezone.now()
    if not articles:
        story.article_count = story.outlet_count = 0
        return []
    documents = [core_article(a) for a in articles]
    brief = brief_story(documents, llm=settings.NEWSDESK_LLM)
    aliases, hidden = tag_corrections()
    tags = tag_story(documents, aliases=aliases, hidden=hidden).tags
    story.headline = brief.headline
    story.brief = {
        "sentences": [
            {
                "text": s.text,
                "sources": [
                    {"id": int(r.id), "sentence_index": r.sentence_index} for r in s.sources
                ],
            }
            for s in brief.sentences
        ]
    }
    story.brief_passages = cited_passages(documents, brief)
    story.only_in = brief.only_in
    story.brief_method = brief.method
    # What the LLM gate decided (sentences dropped and why, or the fallback's reason).
    story.brief_log = brief.log
    story.first_published = min(a.published for a in articles)
    story.last_published = max(a.published for a in articles)
    story.article_count = len(articles)
    story.outlet_count = len({a.outlet.family for a in articles})
    return tags


def cited_passages(documents: list[CoreArticle], brief) -> dict[str, str]:
    """The source sentence each brief sentence cites, keyed "<article id>:<sentence index>",
    as the core split it: the page shows it on hover and links to it (a text fragment) without
    re-reading the article. Only cited articles are split, each once."""
    texts = {d.id: d.text for d in documents}
    split: dict[str, list[str]] = {}
    passages = {}
    for sentence in brief.sentences:
        for ref in sentence.sources:
            if ref.id not in split:
                text = texts.get(ref.id, "")[: limits.MAX_ARTICLE_CHARS]
                split[ref.id] = [s.text for s in split_sentences(text)]
            if 0 <= ref.sentence_index < len(split[ref.id]):
                passages[f"{ref.id}:{ref.sentence_index}"] = split[ref.id][ref.sentence_index]
    return passages


def tag_corrections() -> tuple[dict[str, str], set[str]]:
    """Editors' renames, merges and hides, in the form the tagger takes them."""
    aliases = {
        alias.name: _final(alias.tag).name for alias in TagAlias.objects.select_related("tag")
    }
    for merged in Tag.objects.filter(merged_into__isnull=False).select_related("merged_into"):
        aliases.setdefault(merged.name.casefold(), _final(merged).name)
    hidden = set(Tag.objects.filter(hidden=True).values_list("name", flat=True))
    return aliases, hidden


def _final(tag: Tag) -> Tag:
    seen = set()
    while tag.merged_into_id and tag.pk not in seen:
        seen.add(tag.pk)
        tag = tag.merged_into
    return tag


def _store_tags(story: Story, tags) -> None:
    StoryTag.objects.filter(story=story).delete()
    used: set[int] = set()
    for rank, core_tag in enumerate(tags):
        tag = _tag_for(core_tag.name, core_tag.kind)
        if tag.hidden or tag.pk in used:
            continue
        used.add(tag.pk)
        StoryTag.objects.create(story=story, tag=tag, rank=rank)


def _tag_for(name: str, kind: str) -> Tag:
    """The tag readers know by this name (renamed tags keep their old slug), or a new one.

    Two workers briefing two stories that name a new place at once both find no tag and both
    create it: the second insert breaks the slug's unique key, and that worker looks again
    (in a savepoint, so the story's transaction goes on), finding the first one's tag."""
    for _ in range(3):
        try:
            with transaction.atomic():
                return _find_or_create_tag(name, kind)
        except IntegrityError:
            continue
    return _find_or_create_tag(name, kind)


def _find_or_create_tag(name: str, kind: str) -> Tag:
    existing = Tag.objects.filter(name__iexact=name).order_by("merged_into", "pk").first()
    if existing:
        return _final(existing)
    base = slugify(name)[:180] or "tag"
    slug, n = base, 1
    while Tag.objects.filter(slug=slug).exists():
        existing = Tag.objects.get(slug=slug)
        if existing.name.casefold() == name.casefold():
            return _final(existing)
        n += 1
        slug = f"{base}-{n}"
    return Tag.objects.create(name=name, slug=slug, kind=kind)


def rename_tag(tag: Tag, name: str) -> Tag:
    """Editor's rename: readers see ``name`` now, and the tagger maps the old name to it."""
    name = name.strip()
    if name and name != tag.name:
        TagAlias.objects.update_or_create(name=tag.name.casefold(), defaults={"tag": tag})
        tag.name = name
        tag.save(update_fields=["name"])
        _touch_stories_of([tag])
    return tag


def _touch_stories_of(tags: list[Tag]) -> None:
    # Cached story pages are keyed by the story's update time: touching them shows the change.
    Story.objects.filter(story_tags__tag__in=tags).update(updated_at=timezone.now())


def merge_tags(target: Tag, others: list[Tag]) -> Tag:
    """Editor's merge: stories of ``others`` carry ``target``; their pages redirect there."""
    with transaction.atomic():
        _touch_stories_of(others)
        for other in others:
            if other.pk == target.pk:
                continue
            for story_tag in StoryTag.objects.filter(tag=other):
                if StoryTag.objects.filter(story=story_tag.story_id, tag=target).exists():
                    story_tag.delete()
                else:
                    StoryTag.objects.filter(pk=story_tag.pk).update(tag=target)
            TagAlias.objects.update_or_create(name=other.name.casefold(), defaults={"tag": target})
            TagAlias.objects.filter(tag=other).update(tag=target)
            other.merged_into = target
            other.save(update_fields=["merged_into"])
    return target


def hide_tags(tags: list[Tag]) -> None:
    """Editor's hide: gone from every story now, and never given to a story again."""
    with transaction.atomic():
        _touch_stories_of(tags)
        for tag in tags:
            tag.hidden = True
            tag.save(update_fields=["hidden"])
            StoryTag.objects.filter(tag=tag).delete()


def schedule_refresh(story: Story) -> None:
    """Refresh now when that is quick; with an LLM configured, in a task (briefing may take a
    minute, and corrections are made from the admin, in the request path)."""
    if settings.NEWSDESK_LLM is None:
        refresh_story(story)
    else:
        from newsdesk.stories.tasks import refresh_story_task

        transaction.on_commit(lambda: refresh_story_task.enqueue(story.pk))


def merge_stories(target: Story, others: list[Story]) -> Story:
    """Editor's correction: move every article of ``others`` into ``target`` and pin them.
    Made in the grouping turn, so no worker places an article in a story being merged."""
    with grouping_turn():
        for other in others:
            if other.pk == target.pk:
                continue
            Membership.objects.filter(story=other).update(story=target, pinned=True)
            # Out of every listing at once, even before its refresh runs.
            StoryTag.objects.filter(story=other).delete()
            other.merged_into, other.article_count = target, 0
            other.save()
            schedule_refresh(other)
        Membership.objects.filter(story=target).update(pinned=True)
        schedule_refresh(target)
    return target


def split_article(article: Article) -> Story:
    """Editor's correction: take ``article`` out of its story into a new story of its own
    (in the grouping turn, dated at once so later articles can join it)."""
    with grouping_turn():
        membership = Membership.objects.select_related("story").get(article=article)
        old = membership.story
        membership.story = Story.objects.create(
            first_published=article.published, last_published=article.published
        )
        membership.pinned = True
        membership.save()
        schedule_refresh(old)
        schedule_refresh(membership.story)
    return membership.story
