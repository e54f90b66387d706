"""The Jinja2 environment of the parts of pages rendered with it (the story body, story cards,
the comments section): Django's ``url`` and the few of its filters those templates use.

They are built on every first view of a story version, and the comments section on every view
by a signed-in reader, where Django's engine cost the most (bench/site.py, "story, signed in,
60 comments")."""

from __future__ import annotations

from django.template.defaultfilters import date, pluralize, urlencode
from jinja2 import Environment

from newsdesk.discussion.markup import render_comment
from newsdesk.site.links import url
from newsdesk.site.templatetags.weblinks import web_url


def environment(**options) -> Environment:
    env = Environment(**options)
    env.globals["url"] = url
    env.filters.update(
        date=date,
        pluralize=pluralize,
        urlencode=urlencode,
        render_comment=render_comment,
        # Every outside URL goes through it: a link only if it is absolute http(s).
        web_url=web_url,
    )
    return env
