"""Request hygiene shared by every view."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse


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
