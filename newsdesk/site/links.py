"""Links to the site's own pages: ``url(name, *args)``, the one way the site's Python code and
its Jinja2 templates build them (and ``slug_url`` in stories.models for the story, tag and
outlet pages models and listings link to by slug)."""

from __future__ import annotations

import functools

from django.urls import get_script_prefix, reverse

from newsdesk import limits


def url(name: str, *args) -> str:
    """``reverse(name, args=args)``, kept (see limits.PAGE_URLS_KEPT): the same links are
    built again on every view of a discussion, and every brief sentence links to its report
    form."""
    return _reverse(get_script_prefix(), name, args)


@functools.lru_cache(maxsize=limits.PAGE_URLS_KEPT)
def _reverse(prefix: str, name: str, args: tuple) -> str:
    return reverse(name, args=args)  # under ``prefix``, the script prefix it is keyed by
