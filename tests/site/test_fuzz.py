"""Hostile input to the search box and the API never gives a 500 (hypothesis)."""

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.ingest.models import Article, Feed, Outlet
from newsdesk.stories.grouping import process_article

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# FTS5 and tsquery syntax, quotes, brackets, control characters, long runs, any Unicode.
syntaxy = st.text(alphabet=st.sampled_from(list("\"*^:()-+~&|!<>'NEAR OR AND NOT\\\x00\t")))
queries = st.one_of(st.text(max_size=300), syntaxy, st.text(min_size=5000, max_size=12000))


@pytest.fixture
def a_story(db):
    outlet = Outlet.objects.create(name="the Lantern", slug="the-lantern", family="the-lantern")
    feed = Feed.objects.create(url="http://127.0.0.1/feed.xml", outlet=outlet)
    article = Article.objects.create(
        feed=feed,
        outlet=outlet,
        key="k",
        url="http://127.0.0.1/a",
        title="Ferry strike ends",
        text="The ferry strike at Skerry Point ended on Monday after four days of talks.",
        published=datetime(2026, 11, 20, 10, tzinfo=UTC),
        extraction="done",
    )
    return process_article(article)


@FUZZ
@given(query=queries)
def test_the_search_page_answers_any_query(a_story, client, query):
    response = client.get("/search", {"q": query})
    assert response.status_code == (400 if "\x00" in query else 200)


@FUZZ
@given(query=queries, page=st.text(max_size=30), since=st.text(max_size=30))
def test_the_search_page_survives_odd_filters(a_story, client, query, page, since):
    response = client.get("/search", {"q": query, "page": page, "from": since, "to": since})
    if "\x00" in query + page + since:
        assert response.status_code == 400
    elif response.status_code == 400:  # a page or date out of range: the form and the reason
        assert 'class="notice"' in response.content.decode()
        assert 'id="search-q"' in response.content.decode()
    else:
        assert response.status_code == 200


@FUZZ
@given(
    path=st.sampled_from(["/api/stories", "/api/articles", "/api/tags", "/api/outlets"]),
    cursor=st.text(max_size=80),
    page_size=st.one_of(st.integers(min_value=-(10**12), max_value=10**12), st.text(max_size=20)),
)
def test_api_listings_answer_json_for_any_cursor_and_page_size(
    a_story, client, path, cursor, page_size
):
    response = client.get(path, {"cursor": cursor, "page_size": page_size})
    assert response.status_code in (200, 400, 422)
    assert response["Content-Type"].startswith("application/json")
    if response.status_code != 200:
        assert response.json()["error"]


@FUZZ
@given(query=queries, cursor=st.text(max_size=20), slug=st.text(max_size=60))
def test_api_search_and_detail_never_fail(a_story, client, query, cursor, slug):
    response = client.get("/api/search", {"q": query, "cursor": cursor})
    assert response.status_code in (200, 400, 422)
    detail = client.get("/api/stories/" + slug.replace("/", "").replace("?", "").replace("#", ""))
    assert detail.status_code in (200, 400, 404)
    assert detail.json()["error" if detail.status_code != 200 else "slug"]


@FUZZ
@given(slug=st.text(max_size=60), page=st.text(max_size=12))
def test_unknown_slugs_and_pages_are_404_or_a_page_never_500(a_story, client, slug, page):
    clean = slug.replace("/", "").replace("?", "").replace("#", "").replace("%", "")
    for prefix in ("/stories/", "/tags/", "/outlets/"):
        response = client.get(f"{prefix}{clean}/", {"page": page})
        assert response.status_code in (200, 301, 400, 404)


# --- Every parameter of every page and API route ---------------------------------------------
# A value is any text, a number of any size or sign, a date anywhere in the calendar (or a
# near-date), or a slug-like word: a page answers, or says 400/404 with a message; never a 500.

numbers = st.integers(min_value=-(10**30), max_value=10**30).map(str)
days = st.dates().map(lambda d: d.isoformat())
near_days = st.sampled_from(
    [
        "9999-12-31",
        "0001-01-01",
        "2026-02-30",
        "2026-13-01",
        "20261121",
        "2026-W47-6",
        "1899-12-31",
        "3000-01-01",
        " 2026-11-20 ",
    ]
)
values = st.one_of(
    st.text(max_size=40),
    numbers,
    days,
    near_days,
    st.sampled_from(
        [
            "",
            "0",
            "1",
            "2",
            "-1",
            "newest",
            "oldest",
            "replies",
            "the-lantern",
            "ferry",
            "²",
            "1e3",
            "0x10",
            "١",
        ]
    ),
)


def _clean(text: str) -> str:
    return "".join(c for c in text if c not in "/?#%\\") or "x"


def _page_ok(response) -> None:
    assert response.status_code in (200, 301, 302, 400, 404), response.status_code
    if response.status_code == 400:
        assert len(response.content.strip()) > 20  # says why


PAGE_ROUTES = [
    ("/", []),
    ("/stories/{story}/", ["sort", "comments"]),
    ("/tags/{tag}/", ["page"]),
    ("/outlets/the-lantern/", ["page"]),
    ("/search", ["q", "outlet", "tag", "from", "to", "page"]),
    ("/feed.rss", []),
    ("/feed.atom", []),
    ("/feed.json", []),
    ("/search/feed.rss", ["q"]),
    ("/search/feed.atom", ["q"]),
    ("/search/feed.json", ["q"]),
    ("/tags/{tag}/feed.rss", []),
    ("/outlets/the-lantern/feed.json", []),
    ("/sitemap.xml", ["p"]),
    ("/robots.txt", []),
    ("/healthz", []),
    ("/readers/{reader}/", ["page"]),
    ("/accounts/login/", ["next"]),
    ("/accounts/signup/", ["next"]),
    ("/accounts/password/reset/", []),
]


@pytest.fixture
def a_site(a_story, django_user_model):
    from newsdesk.discussion.models import Comment

    reader = django_user_model.objects.create_user("rowan", password="a long correct horse")
    Comment.objects.create(story=a_story, author=reader, body="When do the ferries run again?")
    tag = a_story.story_tags.first().tag
    return {"story": a_story.slug, "tag": tag.slug, "reader": reader.username}


@FUZZ
@given(route=st.sampled_from(PAGE_ROUTES), data=st.data())
def test_every_page_parameter_is_answered_or_refused_with_a_message(a_site, client, route, data):
    path, names = route
    params = {name: data.draw(values, label=name) for name in names}
    params.update(
        data.draw(
            st.dictionaries(st.text(max_size=8), values, max_size=2), label="unknown parameters"
        )
    )
    response = client.get(path.format(**a_site), params)
    if any("\x00" in k + v for k, v in params.items()):
        assert response.status_code == 400
    else:
        _page_ok(response)


@FUZZ
@given(slug=st.text(max_size=40), number=numbers, page=values)
def test_path_parameters_of_any_size_are_404_never_500(a_site, client, slug, number, page):
    digits = number.lstrip("-")
    for path in (
        f"/comments/{digits}/",
        f"/comments/{digits}/reply/",
        f"/stories/{a_site['story']}/brief/{digits}/report/",
        f"/readers/{_clean(slug)}/",
        f"/stories/{_clean(slug)}/comments/",
    ):
        response = client.get(path, {"page": page})
        _page_ok(response)


def _cursor(position: str, offset: int, reverse: bool) -> str:
    import base64
    from urllib.parse import urlencode

    query = urlencode({"p": position, "o": offset, "r": reverse})
    return base64.b64encode(query.encode("ascii", "ignore")).decode()


# Cursors the API itself could have made (base64 of p=&o=&r=), with any position and offset.
forged_cursors = st.builds(
    _cursor,
    st.one_of(st.text(alphabet=st.characters(max_codepoint=127), max_size=30), days, numbers),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
)
API_ROUTES = [
    ("/api/stories", ["tag", "outlet", "cursor", "page_size"]),
    ("/api/articles", ["outlet", "cursor", "page_size"]),
    ("/api/tags", ["cursor", "page_size"]),
    ("/api/outlets", ["cursor", "page_size"]),
    ("/api/search", ["q", "outlet", "tag", "since", "until", "page_size", "cursor"]),
    ("/api/stories/{story}", []),
    ("/api/tags/{tag}", []),
    ("/api/outlets/the-lantern", []),
    ("/api/openapi.json", []),
]


@FUZZ
@given(route=st.sampled_from(API_ROUTES), data=st.data())
def test_every_api_parameter_is_answered_or_refused_with_json(a_site, client, route, data):
    path, names = route
    params = {}
    for name in names:
        strategy = st.one_of(values, forged_cursors) if name == "cursor" else values
        params[name] = data.draw(strategy, label=name)
    if "q" in params and not params["q"]:
        params["q"] = "ferry"
    response = client.get(path.format(**a_site), params)
    assert response.status_code in (200, 400, 404, 422), response.status_code
    assert response["Content-Type"].startswith("application/json")
    if response.status_code != 200:
        assert response.json()["error"]


@FUZZ
@given(number=numbers, slug=st.text(max_size=40))
def test_api_detail_routes_take_any_id_or_slug(a_site, client, number, slug):
    for path in (
        f"/api/articles/{number}",
        f"/api/stories/{_clean(slug)}",
        f"/api/tags/{_clean(slug)}",
        f"/api/outlets/{_clean(slug)}",
    ):
        response = client.get(path)
        assert response.status_code in (200, 400, 404, 422), (path, response.status_code)
        assert response.json()
