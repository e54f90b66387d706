"""What a listing shows: the front page, a tag, an outlet or a search, as one ``Listing``.

Pages, RSS/Atom feeds and JSON Feeds all read listings from here, so "the stories of tag X"
means the same thing in every format.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from newsdesk import limits
from newsdesk.core.tag import TOPIC_OF_CATEGORY
from newsdesk.ingest.models import Outlet
from newsdesk.search.query import search
from newsdesk.site.charts import display_time
from newsdesk.stories.models import Membership, Story, StoryTag, Tag, slug_url

# Articles that joined a story within this many hours count as growth on the front page.
GROWTH_HOURS = 12


@dataclass
class Listing:
    kind: str  # front, tag, outlet, search
    title: str
    link: str  # the HTML page of this listing
    description: str
    stories: list[Story] | QuerySet
    feed_base: str  # path the /feed.rss, /feed.atom, /feed.json suffixes hang off
    feed_query: str = ""  # e.g. "?q=floods" for a search feed


def visible_stories() -> QuerySet:
    return _listed(Story.objects.filter(merged_into__isnull=True, article_count__gt=0))


def _listed(stories: QuerySet) -> QuerySet:
    # Listings show the headline, the first brief sentence and tags: the brief's log, the
    # per-outlet facts and the cited passages stay in the database (JSON decoding them was a
    # tenth of a tag page). Tags come from ``with_tags``, once the page's stories are known.
    return stories.defer("brief_log", "only_in", "brief_passages")


@dataclass(frozen=True)
class ListedTag:
    """A tag as listings and feeds show it: plain values, not a model."""

    pk: int
    name: str
    slug: str
    kind: str

    @property
    def url(self) -> str:
        return slug_url("tag", self.slug)


def with_tags(stories) -> list[Story]:
    """``stories`` as a list, each with ``listed_tags``: its visible tags in rank order, read
    for all of them in one query as plain values. Prefetching a StoryTag and a Tag model per
    row instead cost 4.2 of a tag page's 7.4 ms fetching its 30 stories (bench corpus)."""
    stories = list(stories)
    todo = {story.pk: story for story in stories if not hasattr(story, "listed_tags")}
    for story in todo.values():
        story.listed_tags = []
    if todo:
        rows = (
            StoryTag.objects.filter(story_id__in=list(todo), tag__hidden=False)
            .order_by("story_id", "rank", "pk")
            .values_list("story_id", "tag_id", "tag__name", "tag__slug", "tag__kind")
        )
        for story_id, *tag in rows:
            todo[story_id].listed_tags.append(ListedTag(*tag))
    return stories


def front_page_stories(limit: int) -> list[Story]:
    """What matters now: recent stories, more independent outlets first, growth rewarded.

    score = (1 + log2(independent outlets)) * (1 + articles in the last GROWTH_HOURS / 2)
            / (1 + age in hours / FRONT_PAGE_HALF_LIFE_HOURS)
    Ranked in Python on narrow rows of the recent window only; full stories (and their tags)
    are loaded for the winners alone.
    """
    now = timezone.now()
    live = Story.objects.filter(merged_into__isnull=True, article_count__gt=0)
    rows = list(
        live.filter(last_published__gte=now - timedelta(hours=limits.FRONT_PAGE_WINDOW_HOURS))
        .order_by("-last_published")
        .values("pk", "last_published", "outlet_count")[: limits.FRONT_PAGE_CANDIDATES]
    )
    if len(rows) < limit:
        # A quiet week (or the demo): fill with the newest older stories.
        seen = {r["pk"] for r in rows}
        older = live.order_by("-last_published").values("pk", "last_published", "outlet_count")
        rows += [r for r in older[: limit + len(seen)] if r["pk"] not in seen][: limit - len(rows)]
    growth = dict(
        Membership.objects.filter(
            story_id__in=[r["pk"] for r in rows],
            article__published__gte=now - timedelta(hours=GROWTH_HOURS),
        )
        .values_list("story_id")
        .annotate(n=Count("pk"))
    )

    def score(row: dict) -> float:
        age_hours = max(0.0, (now - row["last_published"]).total_seconds() / 3600)
        outlets = 1 + math.log2(max(1, row["outlet_count"]))
        return (
            outlets
            * (1 + growth.get(row["pk"], 0) / 2)
            / (1 + age_hours / limits.FRONT_PAGE_HALF_LIFE_HOURS)
        )

    top = [r["pk"] for r in sorted(rows, key=score, reverse=True)[:limit]]
    stories = visible_stories().in_bulk(top)
    ranked = with_tags(stories[pk] for pk in top if pk in stories)
    for story in ranked:
        story.developing = is_developing(story, now)
    return ranked


def is_developing(story: Story, now=None) -> bool:
    """Still gaining articles: one arrived within DEVELOPING_HOURS and the story has grown."""
    now = now or timezone.now()
    return (
        story.article_count > 1
        and story.last_published is not None
        and now - story.last_published < timedelta(hours=limits.DEVELOPING_HOURS)
    )


def listing_for(kind: str, slug: str = "", query: str = "") -> Listing:
    if kind == "front":
        return Listing(
            "front",
            "Top stories",
            reverse("front"),
            "What the outlets you follow are reporting now, grouped into stories.",
            front_page_stories(limits.STORIES_PER_PAGE),
            "/",
        )
    if kind == "tag":
        tag = get_object_or_404(Tag, slug=slug, hidden=False)
        return Listing(
            "tag",
            tag.name,
            tag.get_absolute_url(),
            f"Stories tagged {tag.name}.",
            # Driven from the tag's own rows: filtering on merged_into here made SQLite walk
            # every story newest first (21 ms vs 3.5 ms for a rare tag in the 20k-story bench
            # corpus). Merged stories drop their tags and their count, so they stay out.
            _listed(Story.objects.filter(story_tags__tag=tag, article_count__gt=0)).order_by(
                "-last_published"
            ),
            tag.get_absolute_url(),
        )
    if kind == "outlet":
        outlet = get_object_or_404(Outlet, slug=slug)
        return Listing(
            "outlet",
            outlet.name,
            slug_url("outlet", outlet.slug),
            f"Stories covered by {outlet.name}.",
            visible_stories()
            .filter(memberships__article__outlet=outlet)
            .distinct()
            .order_by("-last_published"),
            slug_url("outlet", outlet.slug),
        )
    if kind == "search":
        results = search(query, limit=limits.STORIES_PER_PAGE)
        return Listing(
            "search",
            f"Search: {query[:80]}",
            reverse("search") + "?" + urlencode({"q": query[:500]}),
            f"Stories matching “{query[:80]}”.",
            [hit.story for hit in results.hits],
            reverse("search") + "/",
            "?" + urlencode({"q": query[:500]}),
        )
    raise Http404(f"no listing of kind {kind!r}")


def front_page_sections(top: list[Story], per_section: int = 4) -> list[tuple[Tag, list[Story]]]:
    """Sections below the top stories, one per topic of our topic list (Business, Sport...).

    Keyphrase topics ("Early diagnosis") are too fine for sections; each story appears once,
    under its most salient section topic."""
    section_names = set(TOPIC_OF_CATEGORY.values())
    sections: dict[int, tuple[Tag, list[Story]]] = {}
    for story in with_tags(top):
        for tag in story.listed_tags:
            if tag.kind != Tag.Kind.TOPIC or tag.name not in section_names:
                continue
            section = sections.setdefault(tag.pk, (tag, []))
            if len(section[1]) < per_section:
                section[1].append(story)
            break
    return sorted(sections.values(), key=lambda s: (-len(s[1]), s[0].name))


def story_cards(stories) -> SafeString:
    """The HTML of a list of story cards (stories from ``visible_stories``)."""
    cards = []
    for story in with_tags(stories):
        when = timezone.localtime(story.last_published) if story.last_published else None
        first = (story.brief.get("sentences") or [{}])[0]
        cards.append(
            {
                "url": story.get_absolute_url(),
                "headline": story.headline,
                "developing": getattr(story, "developing", False),
                "when": {
                    "iso": when.isoformat() if when else "",
                    "text": display_time(when) if when else "",
                },
                "outlet_count": story.outlet_count,
                "article_count": story.article_count,
                "lead": first.get("text", ""),
                "tags": [{"url": tag.url, "name": tag.name} for tag in story.listed_tags],
            }
        )
    html = render_to_string("site/story_cards.html", {"stories": cards}, using="jinja2")
    return mark_safe(html)
