"""Hostile input to the search box and the API never gives a 500 (hypothesis)."""

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.ingest.models import Article, Feed, Outlet
from newsdesk.stories.services import process_article

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# FTS5 and tsquery syntax, quotes, brackets, control characters, long runs, any Unicode.
syntaxy = st.text(alphabet=st.sampled_from(list('"*^:()-+~&|!<>\'NEAR OR AND NOT\\\x00\t')))
queries = st.one_of(st.text(max_size=300), syntaxy, st.text(min_size=5000, max_size=12000))


@pytest.fixture
def a_story(db):
    outlet = Outlet.objects.create(name="the Lantern", slug="the-lantern", family="the-lantern")
    feed = Feed.objects.create(url="http://127.0.0.1/feed.xml", outlet=outlet)
    article = Article.objects.create(
        feed=feed, outlet=outlet, key="k", url="http://127.0.0.1/a", title="Ferry strike ends",
        text="The ferry strike at Skerry Point ended on Monday after four days of talks.",
        published=datetime(2026, 11, 20, 10, tzinfo=UTC), extraction="done",
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
    assert response.status_code == (400 if "\x00" in query + page + since else 200)


@FUZZ
@given(
    path=st.sampled_from(["/api/stories", "/api/articles", "/api/tags", "/api/outlets"]),
    cursor=st.text(max_size=80),
    page_size=st.one_of(st.integers(min_value=-10**12, max_value=10**12), st.text(max_size=20)),
)
def test_api_listings_answer_json_for_any_cursor_and_page_size(a_story, client, path, cursor,
                                                              page_size):
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
