"""The JSON API on the ingested demo: reads, cursor pagination, editor writes, JSON errors."""

import json
import re

import pytest
from django.contrib.auth import get_user_model

from newsdesk.core.brief_compress import is_deletion_of
from newsdesk.ingest.models import Feed
from newsdesk.site.models import ApiToken
from newsdesk.stories.models import Story, Tag


def get(client, path, **headers):
    response = client.get(path, **headers)
    return response.status_code, response.json()


def test_openapi_document_lists_every_endpoint(db, client):
    status, document = get(client, "/api/openapi.json")
    assert status == 200
    assert document["openapi"].startswith("3.")
    for path in (
        "/api/stories",
        "/api/stories/{slug}",
        "/api/articles",
        "/api/tags",
        "/api/outlets",
        "/api/search",
        "/api/feeds",
        "/api/tags/{slug}",
    ):
        assert path in document["paths"], path


def test_stories_page_by_cursor_without_gaps_or_repeats(ingested_demo, client):
    seen, path = [], "/api/stories?page_size=4"
    while path:
        status, page = get(client, path)
        assert status == 200
        seen += [s["slug"] for s in page["results"]]
        # "next" is the URL of the next page, cursor included.
        path = page["next"].removeprefix("http://testserver") if page["next"] else None
    expected = list(
        Story.objects.filter(merged_into__isnull=True, article_count__gt=0)
        .order_by("-last_published", "-pk")
        .values_list("slug", flat=True)
    )
    assert seen == expected


def test_story_detail_carries_the_brief_with_provenance(ingested_demo, client):
    story = Story.objects.order_by("-outlet_count").first()
    status, detail = get(client, f"/api/stories/{story.slug}")
    assert status == 200
    assert detail["headline"] == story.headline
    article_ids = {a["id"] for a in detail["articles"]}
    assert len(article_ids) == story.article_count
    for sentence in detail["brief"]:
        assert sentence["sources"]
        assert {s["article"] for s in sentence["sources"]} <= article_ids
        # The cited sentence comes with it: the brief sentence is it, or it with parts deleted
        # (and a name put in place of a reference, from the sentence its substitution cites).
        wording = sentence["text"]
        for substitution in sentence["substitutions"]:
            assert substitution["name"] in substitution["source"]["passage"]
            wording = wording.replace(substitution["name"], substitution["reference"], 1)
        assert is_deletion_of(wording, sentence["sources"][0]["passage"])


def test_search_api_pages_with_next(ingested_demo, client):
    status, first = get(client, "/api/search?q=norvia&page_size=2")
    assert status == 200 and first["total"] > 2 and len(first["results"]) == 2
    status, second = get(client, f"/api/search?q=norvia&page_size=2&cursor={first['next']}")
    assert status == 200
    assert not {r["story"]["slug"] for r in first["results"]} & {
        r["story"]["slug"] for r in second["results"]
    }


@pytest.mark.parametrize(
    "path, status",
    [
        ("/api/stories/no-such-story", 404),
        ("/api/tags/no-such-tag", 404),
        ("/api/articles/999999999", 404),
        ("/api/articles/not-a-number", 422),
        ("/api/stories?cursor=%%%not-base64", 422),
        ("/api/search?q=x&cursor=garbage", 422),
        ("/api/search", 422),
        ("/api/stories?page_size=abc", 422),
    ],
)
def test_errors_are_json_with_a_message(db, client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert "error" in response.json() and response.json()["error"]


def test_writes_need_an_editor_token(db, client):
    response = client.post(
        "/api/feeds", {"url": "http://127.0.0.1:9/x.xml"}, content_type="application/json"
    )
    assert response.status_code == 401 and "Bearer" in response.json()["error"]
    reader = get_user_model().objects.create_user("reader", password="x" * 12)
    token = ApiToken.issue(reader)  # not staff: refused
    response = client.get("/api/feeds", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


def test_an_editor_subscribes_renames_a_tag_and_unsubscribes(db, client):
    editor = get_user_model().objects.create_user("editor", password="x" * 12, is_staff=True)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(editor)}"}
    response = client.post(
        "/api/feeds",
        json.dumps({"url": "http://127.0.0.1:9/feed.xml", "outlet": "KTR News"}),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201, response.content
    feed = Feed.objects.get(url="http://127.0.0.1:9/feed.xml")
    assert feed.outlet.name == "KTR News"
    bad = client.post(
        "/api/feeds", json.dumps({"url": "ftp://x"}), content_type="application/json", **auth
    )
    assert bad.status_code == 422 and "http" in bad.json()["error"]
    tag = Tag.objects.create(name="Us policy", slug="us-policy", kind="topic")
    response = client.patch(
        f"/api/tags/{tag.slug}",
        json.dumps({"name": "US policy"}),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200 and response.json()["name"] == "US policy"
    assert Tag.objects.get(pk=tag.pk).name == "US policy"
    assert client.delete(f"/api/feeds/{feed.pk}", **auth).status_code == 204
    assert Feed.objects.get(pk=feed.pk).gone


def test_the_api_root_is_an_index_of_routes_the_document_and_the_docs(db, client):
    status, index = get(client, "/api/")
    assert status == 200
    assert index["openapi"] == "/api/openapi.json"
    assert index["docs"] == "/api/docs"
    routes = {route["path"]: route["methods"] for route in index["routes"]}
    assert routes["/api/stories"] == ["GET"]
    assert routes["/api/tags/{slug}"] == ["GET", "PATCH"]
    assert "/api/search" in routes and "/api/" not in routes


def test_the_docs_page_loads_swagger_ui_from_newsdesk_itself(db, client):
    page = client.get("/api/docs").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert all(a.startswith("/static/") for a in assets), assets  # nothing from a CDN
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
