"""Request hygiene shared by every view."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from newsdesk import limits
from newsdesk.site.params import BadParameter


class RejectNulBytesMiddleware:
    """A NUL byte in the path or a query parameter gets a 400, before any view sees it.

    PostgreSQL text cannot hold NUL, so such a value reaching a query is a 500 there and a
    silent mismatch on SQLite. Django's forms already refuse NUL in submitted fields; this
    covers the path and GET parameters the views read directly.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            message = "NUL characters are not allowed in addresses or parameters."
            if request.path.startswith("/api/"):
                return JsonResponse({"error": message}, status=400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class BadParameterMiddleware:
    """A query parameter a page cannot honour (params.BadParameter) is a 400 that says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, BadParameter):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"error": str(exception)}, status=400)
        return render(request, "site/bad_request.html", {"problem": str(exception)}, status=400)


def is_anonymous_reader(request: HttpRequest) -> bool:
    """No session, no pending messages, no API token: the page is the one every such reader gets.

    Decided from the cookies alone (no session lookup); an expired session cookie counts as
    signed in, which only costs a cache miss."""
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META  # an API token
    )


class SharedCacheMiddleware:
    """Says which responses a cache in front of the app may share between readers.

    A GET or HEAD answered for a reader who is not signed in, that sets no cookie (a page with
    a form sets the CSRF cookie), gets ``Cache-Control: public, max-age=0,
    s-maxage=SHARED_CACHE_SECONDS``: browsers revalidate every time (ETag/Last-Modified make
    that a 304), shared caches (deploy/nginx.conf, a CDN) may serve it for a few seconds.
    Everything else is ``private``. A view that set its own Cache-Control keeps it.
    """

    SHARED_STATUSES = {200, 203, 301, 404, 410}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        if (
            request.method in ("GET", "HEAD")
            and response.status_code in self.SHARED_STATUSES
            and not response.cookies
            and is_anonymous_reader(request)
            and not request.path.startswith("/admin/")
        ):
            patch_cache_control(
                response,
                public=True,
                max_age=0,
                s_maxage=limits.SHARED_CACHE_SECONDS,
                stale_while_revalidate=limits.SHARED_CACHE_STALE_SECONDS,
            )
        else:
            patch_cache_control(response, private=True, no_cache=True)
        return response
