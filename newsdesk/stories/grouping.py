"""Placing articles in stories: the core decides (``newsdesk.core``), this module loads the
live window from the database, takes the grouping turn, stores the decision and has each
story it touched refreshed (``refresh.py``)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import F, Max, Min
from django.utils import timezone

from newsdesk import limits
from newsdesk.core import ArticleText, StoryCandidate, StoryMatcher
from newsdesk.core.group_events import WindowTerms
from newsdesk.core.group_features import (
    ArticleFeatures,
    article_features,
    articles_features,
    features_to_dict,
)
from newsdesk.ingest.models import Article
from newsdesk.stories.documents import core_article
from newsdesk.stories.live import LiveWindow
from newsdesk.stories.models import Membership, Story
from newsdesk.stories.refresh import refresh_story

log = logging.getLogger("newsdesk.stories")
matcher = StoryMatcher()
# This process's copy of the live window (``live.LiveWindow``), brought up to date by each
# decision in the grouping turn.
live_window = LiveWindow()

# The advisory lock that gives one PostgreSQL worker at a time the grouping turn: any fixed
# number no other part of the database's users takes ("NDGROUP" in ASCII, as an integer).
GROUPING_LOCK_KEY = 0x4E4447524F5550

# Articles whose embeddings are computed in one onnxruntime call by ``process_articles``
# (batched embedding is faster than one at a time: docs/grouping.md).
GROUPING_BATCH = 32


def ungrouped_articles(placed: bool = False):
    """Articles whose page is done with (extracted, or failed and kept with the feed's text)
    and not yet processed, oldest first: what grouping takes next. ``placed``: those already
    in a story but whose story was never refreshed (a crash in between) too."""
    articles = Article.objects.filter(processed_at__isnull=True)
    if not placed:
        articles = articles.filter(membership__isnull=True)
    return (
        articles.exclude(extraction=Article.Extraction.PENDING)
        .select_related("outlet")
        .order_by("published", "pk")
    )


def live_candidates(published) -> list[StoryCandidate]:
    """Stories still live at ``published``: only these are searched (cost stays flat).

    Each article's grouping features are stored on it when it is grouped, so the window is
    rebuilt from small JSON rows rather than by re-reading every article's text (the
    embedding is in them too, 384 int8 codes in base64, so nothing is re-embedded); and the
    process keeps the window between decisions (``live.LiveWindow``), reading only what
    changed."""
    return live_window.load(published)


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
    for story in (membership.story, *getattr(membership, "refresh_also", ())):
        refresh_story(story)
    Article.objects.filter(pk=article.pk).update(processed_at=timezone.now())
    return membership.story


def _membership(article: Article) -> Membership | None:
    return Membership.objects.filter(article=article).select_related("story").first()


def _place(article: Article, document: ArticleText, features: ArticleFeatures) -> Membership:
    """Decide and store the story of ``article``, which no story holds; in the grouping turn."""
    Article.objects.filter(pk=article.pk).update(grouping_features=features_to_dict(features))
    candidates = live_candidates(article.published)
    window = live_window.terms
    decision = matcher.decide(document, candidates, features, window=window)
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
    mine = live_window.add(story.pk, (article.pk, article.fetched_at), features)
    membership.story, membership.refresh_also = _one_event(
        story, mine, candidates, decision.related, window
    )
    return membership


def _one_event(
    story: Story,
    mine: StoryCandidate,
    candidates: list[StoryCandidate],
    related: tuple[str, ...],
    window: WindowTerms,
) -> tuple[Story, list[Story]]:
    """With its new article, ``story`` may turn out to report the same event as another live
    story (``StoryMatcher.merge_partner``: they merge) or to hold two events
    (``StoryMatcher.event_split``: one moves out). Returns the new article's story and the
    other stories to refresh. Stories an editor arranged (pinned articles) are left as they
    are. In the grouping turn."""
    by_key = {c.key: c for c in candidates}
    partner = matcher.merge_partner(mine, [by_key[k] for k in related if k in by_key], window)
    moved = matcher.event_split(mine, window) if partner is None else None
    # Asked only when there is something to do: most placements change nothing.
    if (partner is None and moved is None) or Membership.objects.filter(
        story=story, pinned=True
    ).exists():
        return story, []
    newcomer = mine.members[-1].id
    if partner is not None:
        return _merge(story, partner), []
    return _split(story, [mine.members[i].id for i in moved], newcomer)


def _split(story: Story, article_ids: list[str], newcomer: str) -> tuple[Story, list[Story]]:
    """Move the articles ``article_ids`` of ``story`` to a new story; ``story`` (the larger
    part) keeps its URL. Returns the newcomer's story and the other one (to refresh)."""
    moved = Membership.objects.filter(story=story, article_id__in=[int(i) for i in article_ids])
    dates = list(moved.values_list("article__published", flat=True))
    split = Story.objects.create(first_published=min(dates), last_published=max(dates))
    moved.update(story=split)
    left = Membership.objects.filter(story=story).aggregate(
        first=Min("article__published"), last=Max("article__published")
    )
    story.first_published, story.last_published = left["first"], left["last"]
    Story.objects.filter(pk=story.pk).update(
        first_published=left["first"], last_published=left["last"]
    )
    log.info("story %s split: %d articles moved to story %s", story.pk, len(dates), split.pk)
    return (split, [story]) if newcomer in article_ids else (story, [split])


def _merge(story: Story, partner: StoryCandidate) -> Story:
    """The smaller of ``story`` and ``partner``'s story moves into the larger, whose URL
    stays (the other's redirects to it); returns the story kept."""
    other = Story.objects.filter(pk=int(partner.key), merged_into__isnull=True).first()
    if other is None or Membership.objects.filter(story=other, pinned=True).exists():
        return story
    sizes = {s.pk: Membership.objects.filter(story=s).count() for s in (story, other)}
    keep, gone = sorted(
        (story, other), key=lambda s: (-sizes[s.pk], s.first_published or s.created_at, s.pk)
    )
    Membership.objects.filter(story=gone).update(story=keep)
    for published in (gone.first_published, gone.last_published):
        if published:
            _stretch_dates(keep, published)
    gone.merged_into, gone.article_count = keep, 0
    gone.save(update_fields=["merged_into", "article_count"])
    refresh_story(gone)  # empty now: out of listings, tags and search at once
    log.info("story %s merged into story %s: one event", gone.pk, keep.pk)
    return keep


@contextmanager
def grouping_turn():
    """A transaction in which this worker alone groups articles, whatever the database.

    PostgreSQL: a transaction-scoped advisory lock (``GROUPING_LOCK_KEY``), released at
    commit or rollback, so a worker that dies mid-decision frees it. SQLite: the settings'
    IMMEDIATE transactions take the database's write lock at BEGIN, which already makes every
    other writer wait. Only the decision is made in the turn (with the window loaded, it is
    quick); briefing and tagging, the slow part, run outside it."""
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


def process_articles(
    articles: Iterable[Article],
    leave_placed: bool = False,
    queue_refresh: Callable[[list[Story]], object] | None = None,
) -> list[Story]:
    """``process_article`` for each, in the order given (oldest first), with the grouping
    features of each run of ``GROUPING_BATCH`` articles computed together first, the run
    placed in one grouping turn, and each story the run touched refreshed once at its end.
    Each decision still sees only the articles placed before it.

    An article already in a story is refreshed with the run (a crash between placing and
    briefing is redone), unless ``leave_placed``: then another worker placed it since the
    caller chose it, and that worker briefs its story.

    ``queue_refresh``: the stories the run touched are not refreshed here but marked as
    waiting for a refresh (``request_refresh``), and those that had none waiting are passed
    to ``queue_refresh``, which has them refreshed later (a task, or the end of a pass)."""
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
        others: list[Story] = []
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
                # A story split off by this placement is refreshed with the run's.
                others.extend(getattr(membership, "refresh_also", ()))
        # Each story the run touched is briefed and tagged once, not once per article it
        # gained; the articles count as processed only after that, so a crash in between
        # redoes the run.
        touched = {story.pk: story for story in [s for _, s in mine] + others}
        if queue_refresh is not None:
            # Marked before the articles count as processed: a crash in between leaves the
            # marks, which the scheduler's sweep (``stale_refreshes``) takes up.
            queue_refresh(request_refresh(touched.values()))
            touched = {}
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


def process_ready_articles(
    limit: int = GROUPING_BATCH, queue_refresh: Callable[[list[Story]], object] | None = None
) -> list[Story]:
    """Group up to ``limit`` ready articles in published order, as one run.

    A worker does this when an article is ready, rather than grouping that article alone:
    in a burst (a first poll of new feeds), workers finish pages in any order, and grouping
    each as it comes would make the stories depend on which page was quick to fetch
    (``bench/workers.py`` checks that workers make the pass's stories). With grouping tasks
    queued below extraction (``limits.GROUPING_TASK_PRIORITY``), a burst's pages are extracted
    first and then grouped oldest first, as ``newsdesk ingest`` does."""
    ready = list(ungrouped_articles()[:limit])
    return process_articles(ready, True, queue_refresh) if ready else []


def request_refresh(stories: Iterable[Story]) -> list[Story]:
    """Mark each of ``stories`` as waiting for a refresh; returns those that were not already
    waiting (each mark is set atomically, so of two workers one only gets a story): the
    caller has each of them refreshed, and a story with a refresh already waiting is left to
    it, however many articles join meanwhile. The refresh clears the mark before it starts
    (``take_refresh``), so an article joining during it marks the story again."""
    now = timezone.now()
    return [
        story
        for story in stories
        if Story.objects.filter(pk=story.pk, refresh_requested_at__isnull=True).update(
            refresh_requested_at=now
        )
    ]


def take_refresh(story: Story) -> None:
    """Clear ``story``'s mark before refreshing it (see ``request_refresh``)."""
    Story.objects.filter(pk=story.pk).update(refresh_requested_at=None)
    story.refresh_requested_at = None


def refresh_waiting_stories() -> int:
    """Refresh every story marked as waiting for a refresh, in this process (the stories of a
    pass of ``newsdesk ingest``, and any a crashed pass or a stopped worker left); how many."""
    stories = list(Story.objects.filter(refresh_requested_at__isnull=False))
    for story in stories:
        take_refresh(story)
        try:
            refresh_story(story)
        except Exception:  # the story keeps its last brief; the next pass retries
            log.exception("refreshing story %s failed", story.pk)
            request_refresh([story])
    return len(stories)


def stale_refreshes(stale) -> tuple[list[int], list[int]]:
    """Stories whose refresh was left by a crash: (marked as waiting since before ``stale``,
    their queued refresh lost; not marked but holding an article that joined after their last
    refresh, and before ``stale``: a refresh that died midway)."""
    waiting = list(
        Story.objects.filter(refresh_requested_at__lt=stale)
        .order_by("refresh_requested_at")
        .values_list("pk", flat=True)[:500]
    )
    window = stale - timedelta(hours=limits.STORY_WINDOW_HOURS)
    unrefreshed = list(
        Membership.objects.filter(
            joined_at__gte=window,
            joined_at__lt=stale,
            joined_at__gt=F("story__updated_at"),
            story__refresh_requested_at__isnull=True,
        )
        .order_by()
        .values_list("story_id", flat=True)
        .distinct()[:500]
    )
    return waiting, unrefreshed
