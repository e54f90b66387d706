"""The site's page cache: every cache key the site uses is built here, and listings (front, tag
and outlet pages; every feed) are cached whole for readers who are not signed in.

A listing can change whenever any story does, so its key holds the time the newest story
change happened (one indexed MAX query, which the conditional GET needs anyway): a change is a
new key and nothing stale is served. What changes with the clock alone (the "Developing"
marker, a story leaving the front page's window) is bounded by LISTING_CACHE_SECONDS.
Story pages have their own, finer keys (``story_version``), used by story_page.py.
"""

from __future__ import annotations

import functools
import hashlib

from django.core.cache import cache
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import condition

from newsdesk import limits
from newsdesk.site.middleware import is_anonymous_reader
from newsdesk.stories.models import Story


def site_last_modified(request: HttpRequest, *args, **kwargs):
    """When anything a listing shows last changed (remembered for the rest of the request)."""
    if not hasattr(request, "_newsdesk_site_changed"):
        latest = Story.objects.aggregate(latest=Max("updated_at"))["latest"]
        request._newsdesk_site_changed = latest
    return request._newsdesk_site_changed


def listing_key(request: HttpRequest, changed) -> str:
    """A listing's whole response, as of the newest story change ``changed``."""
    where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(where.encode()).hexdigest()[:32]
    return f"listing:{changed.timestamp() if changed else 0}:{digest}"


def story_version(request: HttpRequest, story_id: int, changed, developing: bool) -> str:
    """What a story page's keys share: the story, when it or its discussion last changed
    (``changed``), its "Developing" marker, and the site's address its links are built on."""
    return f"{story_id}:{changed.timestamp()}:{developing}:{request.scheme}://{request.get_host()}"


def story_page_key(version: str, sort: str, comments_page: int) -> str:
    """A story page whole, as every reader who is not signed in gets it."""
    return f"story-page:{version}:{sort}:{comments_page}"


def story_body_key(version: str) -> str:
    """A story page's own part (all but the comments and the account bar), for every reader."""
    return f"story-html:{version}"


_KEPT_HEADERS = ("Content-Type", "Last-Modified", "Content-Language")


def listing(view):
    """Conditional GET (If-Modified-Since / If-None-Match -> 304) and the shared cache."""

    @functools.wraps(view)
    def cached(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or not is_anonymous_reader(request):
            return view(request, *args, **kwargs)
        changed = site_last_modified(request)
        if changed is None:  # no story yet: the page tells how ingest is going, live
            return view(request, *args, **kwargs)
        key = listing_key(request, changed)
        if (hit := cache.get(key)) is not None:
            content, headers = hit
            return HttpResponse(content, headers=headers)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.cookies and not response.streaming:
            # A feed sets its own Last-Modified (its newest item): the copy keeps it.
            headers = {h: response[h] for h in _KEPT_HEADERS if response.has_header(h)}
            cache.set(key, (response.content, headers), limits.LISTING_CACHE_SECONDS)
        return response

    return condition(last_modified_func=site_last_modified)(cached)
