"""The story page cached whole for readers who are not signed in, the Cache-Control that lets a
shared cache keep it a few seconds, and nginx in front of a live newsdesk with the configuration
`newsdesk nginx_config` prints (needs Debian's nginx; skipped, saying so, without it)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newsdesk import limits
from newsdesk.discussion.models import Comment, DiscussionChange
from newsdesk.site.management.commands.nginx_config import render
from newsdesk.stories.models import Story
from tests.discussion.conftest import client_for, make_story, make_user


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def story(db):
    return make_story()


def test_a_repeat_view_by_a_reader_not_signed_in_is_one_query(story):
    client = Client()
    first = client.get(story.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        again = client.get(story.get_absolute_url())
    assert again.status_code == 200 and again.content == first.content
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert again["ETag"] == first["ETag"]
    control = again["Cache-Control"]
    assert "public" in control and f"s-maxage={limits.SHARED_CACHE_SECONDS}" in control
    assert "max-age=0" in control
    # The browser revalidates: a 304 with no body.
    not_modified = client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304 and not_modified.content == b""


def test_a_new_comment_shows_at_once_to_readers_not_signed_in(story, monkeypatch):
    monkeypatch.setattr(limits, "DISCUSSION_NEW_ACCOUNT_HELD_COMMENTS", 0)
    anonymous = Client()
    before = anonymous.get(story.get_absolute_url())
    assert "No comments yet." in before.content.decode()
    alice = make_user("alice")
    client_for(alice).post(reverse("discussion:post", args=[story.slug]), {"body": "Fresh words."})
    assert Comment.objects.count() == 1
    after = anonymous.get(story.get_absolute_url())
    assert "Fresh words." in after.content.decode()
    assert after["ETag"] != before["ETag"]
    # A browser holding the old copy gets the new one, not a 304.
    assert (
        anonymous.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=before["ETag"]).status_code
        == 200
    )


def test_a_story_saved_with_a_stale_copy_keeps_its_discussion_mark(story, monkeypatch):
    monkeypatch.setattr(limits, "DISCUSSION_NEW_ACCOUNT_HELD_COMMENTS", 0)
    stale = Story.objects.get(pk=story.pk)  # loaded before the comment, as a brief rebuild is
    client_for(make_user("alice")).post(
        reverse("discussion:post", args=[story.slug]), {"body": "Still here after a rebuild."}
    )
    stale.headline = "Port Lerma dock strike enters second day"
    stale.save()
    story.refresh_from_db()
    assert DiscussionChange.objects.filter(story=story).exists()
    assert story.headline == "Port Lerma dock strike enters second day"
    assert "Still here after a rebuild." in Client().get(story.get_absolute_url()).content.decode()


def test_a_discussed_story_can_be_deleted_and_the_story_it_was_merged_into_changes(
    story, monkeypatch
):
    monkeypatch.setattr(limits, "DISCUSSION_NEW_ACCOUNT_HELD_COMMENTS", 0)
    target = make_story("Port Lerma strike: talks resume", key="b")
    client_for(make_user("alice")).post(
        reverse("discussion:post", args=[story.slug]), {"body": "Words on the first story."}
    )
    story.merged_into = target
    story.save()
    anonymous = Client()
    assert "Words on the first story." in anonymous.get(target.get_absolute_url()).content.decode()
    Story.objects.filter(pk=story.pk).delete()
    connection.check_constraints()  # no discussion row left behind for the deleted story
    assert not Comment.objects.exists()
    assert list(DiscussionChange.objects.values_list("story_id", flat=True)) == [target.pk]
    # The merged story's comments showed on the other's page: its cached copy is not served.
    after = anonymous.get(target.get_absolute_url()).content.decode()
    assert "Words on the first story." not in after and "No comments yet." in after


def test_closing_comments_shows_on_the_cached_page(story):
    anonymous = Client()
    assert "Comments are closed" not in anonymous.get(story.get_absolute_url()).content.decode()
    moderator = make_user("maya", is_staff=True, is_superuser=True)
    client_for(moderator).post(
        reverse("discussion:story-comments", args=[story.slug]), {"closed": "1"}
    )
    assert "Comments are closed" in anonymous.get(story.get_absolute_url()).content.decode()


def test_signed_in_readers_pages_are_private(story):
    client = client_for(make_user("alice"))
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert (
        'class="comment-form"' in response.content.decode()
    )  # their own form, not the shared page


def test_a_page_that_sets_a_cookie_is_never_shared(db):
    response = Client().get(reverse("login"))
    assert response.cookies  # the CSRF cookie of the login form
    assert "private" in response["Cache-Control"]


# --- nginx in front, configured by `newsdesk nginx_config` -------------------------------------

NGINX = shutil.which("nginx", path="/usr/sbin:/usr/bin")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def nginx_front(live_server):
    if not NGINX:
        pytest.skip("nginx is not installed (apt-get install nginx): the front-cache test needs it")
    # nginx's workers drop root: their directory must be theirs to enter (pytest's tmp_path is
    # inside a private directory).
    tmp_path = Path(tempfile.mkdtemp(prefix="newsdesk-nginx-"))
    port = _free_port()
    app = live_server.url.removeprefix("http://")
    site = render(listen=f"127.0.0.1:{port}", app=app, cache_dir=str(tmp_path / "cache"))
    (tmp_path / "nginx.conf").write_text(
        f"daemon off; worker_processes 1; pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;"
        f"events {{}} http {{ access_log off; client_body_temp_path {tmp_path}/body;"
        f" proxy_temp_path {tmp_path}/proxy; {site} }}"
    )
    tmp_path.chmod(0o755)
    proc = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail(f"nginx did not start: {proc.stderr.read().decode()[-2000:]}")
    yield base
    proc.terminate()
    proc.wait(timeout=10)
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_nginx_in_front_shares_pages_of_readers_not_signed_in_only(transactional_db, nginx_front):
    story = make_story()
    url = nginx_front + story.get_absolute_url()
    status, headers, first = _get(url)
    assert status == 200 and headers["X-Cache"] == "MISS", first[:3000]
    policy = headers["Content-Security-Policy"]
    status, headers, again = _get(url)
    assert status == 200 and headers["X-Cache"] == "HIT" and again == first
    # The cached copy keeps the policy, and it still fits the page (it needs no nonce).
    assert headers["Content-Security-Policy"] == policy and "script-src 'self'" in policy
    # A signed-in reader's request goes to newsdesk and is not stored.
    status, headers, _ = _get(url, Cookie="sessionid=whatever")
    assert headers["X-Cache"] == "BYPASS"
    status, headers, _ = _get(url, Authorization="Bearer x")
    assert headers["X-Cache"] == "BYPASS"
    # After s-maxage the copy is refreshed: a change reaches readers within it.
    # A rebuild changes the story and its update time, the page's cache key.
    Story.objects.filter(pk=story.pk).update(
        headline="Port Lerma dock strike ends", updated_at=timezone.now()
    )
    deadline = time.monotonic() + limits.SHARED_CACHE_SECONDS + 10
    while time.monotonic() < deadline:
        if b"Port Lerma dock strike ends" in _get(url)[2]:
            break
        time.sleep(0.5)
    else:
        pytest.fail("the changed story never reached readers through the cache")


def test_a_listing_is_cached_until_any_story_changes(story):
    client = Client()
    first = client.get("/")
    assert story.headline in first.content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/")
    assert again.content == first.content and len(queries) == 1  # the newest change only
    newcomer = make_story("Volta Queens win the Champions Cup", key="b")
    assert newcomer.headline in client.get("/").content.decode()
    feed = client.get("/feed.rss")
    assert newcomer.headline in feed.content.decode()
    assert client.get("/feed.rss")["Content-Type"] == feed["Content-Type"]


def test_an_empty_front_page_says_how_ingest_is_going_and_is_not_cached(db, client):
    from newsdesk.ingest.models import Article, Feed, Outlet

    cache.clear()
    assert "Add a feed with" in client.get("/").content.decode()
    outlet = Outlet.objects.create(name="NWB World", slug="nwb-world", family="nwb")
    feed = Feed.objects.create(url="http://127.0.0.1/nwb-world.xml", outlet=outlet)
    assert "your 1 feed is being fetched" in client.get("/").content.decode()
    for n in range(3):
        Article.objects.create(
            feed=feed,
            outlet=outlet,
            key=f"k{n}",
            url=f"http://127.0.0.1/{n}",
            title=f"Report {n}",
            published=timezone.now(),
        )
    html = client.get("/").content.decode()
    assert "3 articles from your feeds are being read and grouped" in html
