"""``web_url``: an outside URL as a link target only when it is an absolute http(s) URL
(newsdesk.core.weburl), else "" so the template shows the text without a link."""

from django import template

from newsdesk.core.weburl import web_url as _web_url

register = template.Library()


@register.filter
def web_url(value: object) -> str:
    return _web_url(value) or ""
