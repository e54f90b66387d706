"""The reader's pages: front page, story, tag and outlet pages."""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from newsdesk import limits
from newsdesk.ingest.models import Article, Outlet
from newsdesk.site.search import MAX_QUERY_CHARS, SearchFilters, search
from newsdesk.stories.models import Story, StoryTag, Tag


def _listing(stories):
    return stories.filter(merged_into__isnull=True, article_count__gt=0).prefetch_related(
        Prefetch("story_tags", queryset=StoryTag.objects.select_related("tag"))
    )


def _page(request: HttpRequest, queryset):
    paginator = Paginator(queryset, limits.STORIES_PER_PAGE)
    return paginator.get_page(request.GET.get("page"))


def front_page(request: HttpRequest) -> HttpResponse:
    # Recency first, more independent outlets break ties; the site issue (#7) ranks properly.
    stories = _listing(Story.objects.order_by("-last_published", "-outlet_count"))
    return render(request, "site/front.html", {"page": _page(request, stories)})


def story_page(request: HttpRequest, slug: str) -> HttpResponse:
    story = get_object_or_404(Story, slug=slug)
    if story.merged_into_id:
        # Merged by an editor: the old URL keeps working.
        return redirect(story.merged_into, permanent=True)
    articles = list(
        Article.objects.filter(membership__story=story)
        .select_related("outlet")
        .order_by("published", "pk")
    )
    by_id = {a.pk: a for a in articles}
    sentences = []
    for sentence in story.brief.get("sentences", []):
        sources = [
            {"article": by_id[ref["id"]], "sentence_index": ref["sentence_index"]}
            for ref in sentence.get("sources", [])
            if ref.get("id") in by_id
        ]
        sentences.append({"text": sentence["text"], "sources": sources})
    outlets = []
    for article in articles:
        if article.outlet not in outlets:
            outlets.append(article.outlet)
    context = {
        "story": story,
        "sentences": sentences,
        "articles": articles,
        "outlets": outlets,
        "tags": [st.tag for st in story.story_tags.select_related("tag")],
        "only_in": story.only_in,
    }
    return render(request, "site/story.html", context)


def tag_page(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    stories = _listing(Story.objects.filter(story_tags__tag=tag).order_by("-last_published"))
    return render(request, "site/tag.html", {"tag": tag, "page": _page(request, stories)})


def outlet_page(request: HttpRequest, slug: str) -> HttpResponse:
    outlet = get_object_or_404(Outlet, slug=slug)
    stories = _listing(
        Story.objects.filter(memberships__article__outlet=outlet)
        .distinct()
        .order_by("-last_published")
    )
    return render(request, "site/outlet.html", {"outlet": outlet, "page": _page(request, stories)})


def _date_param(request: HttpRequest, name: str, problems: list[str]) -> date | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(f"“{raw[:40]}” is not a date like 2026-11-21; the {name} filter was ignored.")
        return None


def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    problems: list[str] = []
    filters = SearchFilters(
        outlet=request.GET.get("outlet", "")[:200],
        tag=request.GET.get("tag", "")[:200],
        since=_date_param(request, "from", problems),
        until=_date_param(request, "to", problems),
    )
    page_size = limits.SEARCH_RESULTS_PER_PAGE
    try:
        page = max(1, min(int(request.GET.get("page", 1)), 10_000))
    except ValueError:
        page = 1
    results = search(query, filters, limit=page_size, offset=(page - 1) * page_size)
    if len(query) > MAX_QUERY_CHARS:
        problems.append(f"Your search was long; only its first {MAX_QUERY_CHARS} characters were used.")
    if query.strip() and not results.terms:
        problems.append("Search for words: punctuation and symbols alone match nothing.")
    pages = max(1, -(-results.total // page_size))
    context = {
        "query": query,
        "results": results,
        "filters": filters,
        "problems": problems,
        "page": page,
        "pages": pages,
        "outlets": Outlet.objects.order_by("name"),
        "next_page": page + 1 if page < pages else None,
        "previous_page": page - 1 if page > 1 else None,
    }
    return render(request, "site/search.html", context)


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True, "stories": Story.objects.count()})
