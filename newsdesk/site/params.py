"""The public parameters of pages, read and checked in one place: a value a page cannot honour
(a page number that is not one or is past the last page, a date outside the calendar we
search, an unknown filter) raises ``BadParameter``, which ``BadParameterMiddleware`` answers
with a 400 and the message; never a 500, never a silent guess."""

from __future__ import annotations

from datetime import date

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from newsdesk import limits


class BadParameter(ValueError):
    """A query parameter out of range; the message says which and what would do."""


def _pages(count: int) -> str:
    return f"{count} page{'s' if count != 1 else ''}"


def page_number(request: HttpRequest, name: str = "page") -> int:
    """The page asked for (1 when none is), from 1 to limits.MAX_PAGE_NUMBER."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return 1
    # isascii(): "²".isdigit() is True, and int("²") raises.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
        raise BadParameter(f"“{raw[:20]}” is not a page number ({name}=1, 2, 3...).")
    number = int(raw)
    if not 1 <= number <= limits.MAX_PAGE_NUMBER:
        raise BadParameter(
            f"There is no page {number}: pages run from 1 to at most {limits.MAX_PAGE_NUMBER}."
        )
    return number


def page_of(paginator: Paginator, request: HttpRequest, name: str = "page") -> Page:
    """The asked-for page of ``paginator``; one past the last is a BadParameter."""
    number = page_number(request, name)
    if number > paginator.num_pages:
        raise BadParameter(
            f"There is no page {number}: this list has {_pages(paginator.num_pages)}."
        )
    return paginator.page(number)


def day(raw: str, name: str) -> date | None:
    """A YYYY-MM-DD date in limits.FIRST_FILTER_YEAR..LAST_FILTER_YEAR; None when empty."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(f"“{raw[:40]}” is not a date like 2026-11-21 ({name}).") from None
    return day_in_range(value, name)


def day_in_range(value: date | None, name: str) -> date | None:
    if value is not None and not limits.FIRST_FILTER_YEAR <= value.year <= limits.LAST_FILTER_YEAR:
        raise BadParameter(
            f"{name}: {value.isoformat()} is outside the dates we search "
            f"({limits.FIRST_FILTER_YEAR} to {limits.LAST_FILTER_YEAR})."
        )
    return value


def known_outlet(slug: str) -> str:
    """``slug`` when an outlet has it ("" stays ""), else a BadParameter."""
    from newsdesk.ingest.models import Outlet

    if slug and not Outlet.objects.filter(slug=slug[:200]).exists():
        raise BadParameter(f"There is no outlet “{slug[:60]}” to filter by.")
    return slug


def known_tag(slug: str) -> str:
    """``slug`` when a tag has it ("" stays ""), else a BadParameter."""
    from newsdesk.stories.models import Tag

    if slug and not Tag.objects.filter(slug=slug[:200]).exists():
        raise BadParameter(f"There is no tag “{slug[:60]}”: give a tag's slug, e.g. business.")
    return slug


def search_filters(
    outlet: str, tag: str, since: date | None, until: date | None, names=("from", "to")
):
    """The search filters, checked: an unknown outlet or tag, a date out of range, or a
    start after the end is a BadParameter (``names``: what the page or API calls the dates)."""
    from newsdesk.search.query import SearchFilters

    filters = SearchFilters(
        outlet=known_outlet(outlet.strip()),
        tag=known_tag(tag.strip()),
        since=day_in_range(since, names[0]),
        until=day_in_range(until, names[1]),
    )
    if filters.since and filters.until and filters.since > filters.until:
        raise BadParameter(
            f"The {names[0]} date ({filters.since}) is after the {names[1]} date ({filters.until})."
        )
    return filters
