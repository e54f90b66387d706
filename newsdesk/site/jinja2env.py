"""The Jinja2 environment of the parts of pages rendered with it (the story body, story cards,
the comments section): Django's ``url`` and the few of its filters those templates use.

They are built on every first view of a story version, and the comments section on every view
by a signed-in reader, where Django's engine cost the most (bench/site.py, "story, signed in,
60 comments")."""

from __future__ import annotations

import functools

from django.template.defaultfilters import date, pluralize, urlencode
from django.urls import get_script_prefix, reverse
from jinja2 import Environment

from newsdesk import limits
from newsdesk.core.weburl import web_url
from newsdesk.discussion.markup import render_comment


def url(name: str, *args) -> str:
    """``reverse(name, args=args)``, kept (see limits.PAGE_URLS_KEPT): the same links are
    built again on every view of a discussion."""
    return _reverse(get_script_prefix(), name, args)


@functools.lru_cache(maxsize=limits.PAGE_URLS_KEPT)
def _reverse(prefix: str, name: str, args: tuple) -> str:
    return reverse(name, args=args)  # under ``prefix``, the script prefix it is keyed by


def environment(**options) -> Environment:
    env = Environment(**options)
    env.globals["url"] = url
    env.filters.update(
        date=date,
        pluralize=pluralize,
        urlencode=urlencode,
        render_comment=render_comment,
        # Every outside URL goes through it: a link only if it is absolute http(s).
        web_url=lambda value: web_url(value) or "",
    )
    return env
