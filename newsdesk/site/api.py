"""The JSON API, built with django-ninja: OpenAPI at /api/openapi.json, docs at /api/docs.

Read: stories, articles, tags, outlets, search — cursor-paginated (``?cursor=`` from the
previous page's ``next``). Write, for editors with a token (``Authorization: Bearer <token>``,
made with ``newsdesk api_token USERNAME``): subscribe and unsubscribe feeds, rename tags.
Every error is JSON: ``{"error": "<what went wrong and what to do>"}``.
"""

from datetime import date, datetime

import pydantic
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import CursorPagination, paginate
from ninja.security import HttpBearer

from newsdesk.core.weburl import web_url
from newsdesk.ingest.models import Article, Feed, Outlet
from newsdesk.ingest.subscriptions import subscribe
from newsdesk.search.query import MAX_QUERY_CHARS, search
from newsdesk.site.models import ApiToken
from newsdesk.site.params import BadParameter, known_outlet, known_tag, search_filters
from newsdesk.stories.corrections import rename_tag as record_rename
from newsdesk.stories.models import Story, Tag
from newsdesk.stories.tags import final_tag

api = NinjaAPI(
    title="newsdesk API",
    version="1",
    description=__doc__,
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
)


class EditorToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        return ApiToken.user_for(token)


# --- Errors: always {"error": message} -----------------------------------------------------


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"error": str(exc) or "not found"}, status=404)


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', [])[1:]) or 'request'}: {e['msg']}"
        if "msg" in e
        else "; ".join(f"{key}: {value}" for key, value in e.items())
        for e in exc.errors
    )
    return api.create_response(
        request, {"error": f"invalid request: {problems}", "details": exc.errors}, status=422
    )


@api.exception_handler(AuthenticationError)
def unauthorised(request, exc):
    return api.create_response(
        request,
        {
            "error": "a valid editor token is required: send 'Authorization: Bearer <token>' "
            "(create one with 'newsdesk api_token USERNAME')"
        },
        status=401,
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return api.create_response(request, {"error": str(exc)}, status=exc.status_code)


@api.exception_handler(BadParameter)
def bad_parameter(request, exc: BadParameter):
    """A parameter out of range (a date, a size, an unknown filter): the API's 422."""
    return api.create_response(request, {"error": str(exc)}, status=422)


class CheckedCursorPagination(CursorPagination):
    """django-ninja's cursor pagination, with every input checked: a page_size out of range
    and a cursor that does not decode to a position in the listing are 422s with a message
    (ninja clamps the first, and a forged cursor reached the database as a 500)."""

    def _get_page_size(self, requested_page_size: int | None) -> int:
        if requested_page_size is not None and not (1 <= requested_page_size <= self.max_page_size):
            raise BadParameter(f"page_size must be from 1 to {self.max_page_size}")
        return super()._get_page_size(requested_page_size)

    def paginate_queryset(self, queryset, pagination, request, **params):
        cursor = pagination.cursor or ""
        try:
            decoded = self.Cursor.from_encoded_param(cursor) if cursor else None
            if decoded is not None and "\x00" in (decoded.p or ""):
                raise ValueError("NUL in a cursor")
            return super().paginate_queryset(queryset, pagination, request, **params)
        except (
            pydantic.ValidationError,
            DjangoValidationError,
            DataError,
            ValueError,
            OverflowError,
        ) as error:
            if isinstance(error, BadParameter):
                raise
            raise BadParameter(
                "invalid cursor: pass the 'next' or 'previous' value of a page unchanged"
            ) from error


# --- Schemas ---------------------------------------------------------------------------------


class TagOut(Schema):
    name: str
    slug: str
    kind: str


class OutletOut(Schema):
    name: str
    slug: str
    family: str
    # Outside URLs are given out only as absolute http(s) URLs, else null (core/weburl.py).
    homepage: str | None

    @staticmethod
    def resolve_homepage(outlet: Outlet) -> str | None:
        return web_url(outlet.homepage)


class SourceRefOut(Schema):
    article: int
    sentence_index: int
    # The cited source sentence itself ("" for a brief stored before passages were kept).
    passage: str = ""


class SubstitutionOut(Schema):
    """A name put in place of words that pointed back to it ("The company"), and the source
    sentence that gives the name: undone, the text is a deletion of its first source."""

    reference: str
    name: str
    source: SourceRefOut


class BriefSentenceOut(Schema):
    text: str
    sources: list[SourceRefOut]
    substitutions: list[SubstitutionOut] = []


class StoryOut(Schema):
    slug: str
    url: str
    headline: str
    first_published: datetime | None
    last_published: datetime | None
    article_count: int
    outlet_count: int
    tags: list[TagOut]

    @staticmethod
    def resolve_url(story: Story) -> str:
        return story.get_absolute_url()

    @staticmethod
    def resolve_tags(story: Story) -> list[Tag]:
        return [st.tag for st in story.story_tags.all()]


class ArticleOut(Schema):
    id: int
    url: str | None  # null when the stored link is not an absolute http(s) URL
    title: str
    outlet: OutletOut
    published: datetime
    story: str | None

    @staticmethod
    def resolve_url(article: Article) -> str | None:
        return web_url(article.url)

    @staticmethod
    def resolve_story(article: Article) -> str | None:
        membership = getattr(article, "membership", None)
        return membership.story.slug if membership else None


class StoryDetail(StoryOut):
    brief: list[BriefSentenceOut]
    only_in: dict[str, list[str]]
    articles: list[ArticleOut]

    @staticmethod
    def resolve_brief(story: Story) -> list[dict]:
        passages = story.brief_passages or {}

        def source(r: dict) -> dict:
            return {
                "article": r["id"],
                "sentence_index": r["sentence_index"],
                "passage": passages.get(f"{r['id']}:{r['sentence_index']}", ""),
            }

        return [
            {
                "text": s["text"],
                "sources": [source(r) for r in s.get("sources", [])],
                "substitutions": [
                    {"reference": u["reference"], "name": u["name"], "source": source(u["source"])}
                    for u in s.get("substitutions", [])
                ],
            }
            for s in story.brief.get("sentences", [])
        ]

    @staticmethod
    def resolve_articles(story: Story):
        return (
            Article.objects.filter(membership__story=story)
            .select_related("outlet", "membership__story")
            .order_by("published", "pk")
        )


class SearchHitOut(Schema):
    story: StoryOut
    snippet: str
    score: float


class SearchOut(Schema):
    total: int
    next: str | None
    results: list[SearchHitOut]


class FeedIn(Schema):
    url: str
    outlet: str = ""
    family: str = ""


class FeedOut(Schema):
    id: int
    url: str | None
    outlet: OutletOut
    last_status: int | None
    error_count: int
    last_error: str
    gone: bool

    @staticmethod
    def resolve_url(feed: Feed) -> str | None:
        return web_url(feed.url)


class TagPatch(Schema):
    name: str


class StoryFilters(Schema):
    tag: str = ""
    outlet: str = ""


# --- Read ------------------------------------------------------------------------------------


def _stories():
    return Story.objects.filter(merged_into__isnull=True, article_count__gt=0).prefetch_related(
        "story_tags__tag"
    )


@api.get("/stories", response=list[StoryOut], tags=["read"])
@paginate(
    CheckedCursorPagination, ordering=("-last_published", "-pk"), page_size=30, max_page_size=100
)
def list_stories(request, filters: Query[StoryFilters]):
    """Stories, newest first. Filter by tag slug or outlet slug (an unknown one is a 422)."""
    stories = _stories()
    if known_tag(filters.tag):
        # A merged or folded tag's address lists the stories of the tag it became.
        tag = final_tag(Tag.objects.get(slug=filters.tag[:200]))
        stories = stories.filter(story_tags__tag=tag)
    if known_outlet(filters.outlet):
        stories = stories.filter(memberships__article__outlet__slug=filters.outlet).distinct()
    return stories


@api.get("/stories/{slug}", response=StoryDetail, tags=["read"])
def get_story(request, slug: str):
    """One story with its brief (each sentence with its source article and sentence) and sources."""
    story = get_object_or_404(Story, slug=slug)
    if story.merged_into_id:
        story = story.merged_into
    return story


@api.get("/articles", response=list[ArticleOut], tags=["read"])
@paginate(CheckedCursorPagination, ordering=("-published", "-pk"), page_size=50, max_page_size=200)
def list_articles(request, outlet: str = ""):
    articles = Article.objects.select_related("outlet", "membership__story")
    return articles.filter(outlet__slug=outlet) if known_outlet(outlet) else articles


@api.get("/articles/{article_id}", response=ArticleOut, tags=["read"])
def get_article(request, article_id: int):
    return get_object_or_404(
        Article.objects.select_related("outlet", "membership__story"), pk=article_id
    )


@api.get("/tags", response=list[TagOut], tags=["read"])
@paginate(CheckedCursorPagination, ordering=("slug",), page_size=100, max_page_size=500)
def list_tags(request):
    return Tag.objects.all()


@api.get("/tags/{slug}", response=TagOut, tags=["read"])
def get_tag(request, slug: str):
    return get_object_or_404(Tag, slug=slug)


@api.get("/outlets", response=list[OutletOut], tags=["read"])
@paginate(CheckedCursorPagination, ordering=("slug",), page_size=100, max_page_size=500)
def list_outlets(request):
    return Outlet.objects.all()


@api.get("/outlets/{slug}", response=OutletOut, tags=["read"])
def get_outlet(request, slug: str):
    return get_object_or_404(Outlet, slug=slug)


@api.get("/search", response=SearchOut, tags=["read"])
def search_stories(
    request,
    q: str,
    outlet: str = "",
    tag: str = "",
    since: date | None = None,
    until: date | None = None,
    page_size: int = 20,
    cursor: str = "",
):
    """Full-text search over headlines, briefs, article text and tags, recent first among equals.

    ``cursor`` is the ``next`` of the previous page."""
    if len(q) > MAX_QUERY_CHARS * 20:
        raise HttpError(422, f"the query is too long; at most {MAX_QUERY_CHARS} characters count")
    if not 1 <= page_size <= 100:
        raise HttpError(422, "page_size must be from 1 to 100")
    # isascii(): "²".isdigit() is True, and int("²") raises.
    valid = cursor.isascii() and cursor.isdigit() and len(cursor) < 7
    offset = int(cursor) if valid else 0
    if cursor and not valid:
        raise HttpError(422, "invalid cursor: pass the 'next' value of the previous page")
    filters = search_filters(outlet, tag, since, until, names=("since", "until"))
    results = search(q, filters, page_size, offset)
    next_offset = offset + len(results.hits)
    return {
        "total": results.total,
        "next": str(next_offset) if next_offset < results.total and results.hits else None,
        "results": [
            {"story": hit.story, "snippet": str(hit.snippet), "score": hit.score}
            for hit in results.hits
        ],
    }


# --- Write, for editors ----------------------------------------------------------------------


@api.get("/feeds", response=list[FeedOut], auth=EditorToken(), tags=["editors"])
@paginate(CheckedCursorPagination, ordering=("pk",), page_size=100, max_page_size=500)
def list_feeds(request):
    return Feed.objects.select_related("outlet")


@api.post("/feeds", response={201: FeedOut}, auth=EditorToken(), tags=["editors"])
def add_feed(request, payload: FeedIn):
    """Subscribe to a feed (idempotent: an existing subscription is returned)."""
    try:
        feed = subscribe(payload.url, outlet_name=payload.outlet, family=payload.family)
    except ValueError as error:
        raise HttpError(422, str(error)) from error
    return Status(201, feed)


@api.delete("/feeds/{feed_id}", response={204: None}, auth=EditorToken(), tags=["editors"])
def delete_feed(request, feed_id: int):
    """Unsubscribe. Articles already stored stay, with their stories."""
    feed = get_object_or_404(Feed, pk=feed_id)
    Feed.objects.filter(pk=feed.pk).update(gone=True)
    return Status(204, None)


@api.patch("/tags/{slug}", response=TagOut, auth=EditorToken(), tags=["editors"])
def rename_tag(request, slug: str, payload: TagPatch):
    """Rename a tag as readers should see it ("US policy", not "Us Policy")."""
    tag = get_object_or_404(Tag, slug=slug)
    name = payload.name.strip()
    if not name or len(name) > 200:
        raise HttpError(422, "a tag name needs 1 to 200 characters")
    # Recorded as an alias too, so the tagger gives future stories the new name.
    return record_rename(tag, name)


# --- The index at /api/ ----------------------------------------------------------------------


@api.get("/", include_in_schema=False)
def index(request):
    """What lives here: each route with its methods and summary, the OpenAPI document, docs."""
    base = request.path.rstrip("/")
    paths = api.get_openapi_schema(path_prefix=base)["paths"]
    return {
        "name": api.title,
        "openapi": f"{base}/openapi.json",
        "docs": f"{base}/docs",
        "routes": [
            {
                "path": path,
                "methods": sorted(m.upper() for m in operations),
                "summary": next(
                    (o.get("summary", "") for o in operations.values() if o.get("summary")), ""
                ),
            }
            for path, operations in paths.items()
        ],
    }
