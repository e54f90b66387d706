"""Fixtures for the discussion tests: a story with a brief and its source article, readers,
a moderator and an editor, all in the real test database (nothing is mocked)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from newsdesk import limits
from newsdesk.discussion.groups import EDITORS, MODERATORS, ensure_groups
from newsdesk.discussion.models import Reader
from newsdesk.ingest.models import Article, Feed, Outlet
from newsdesk.stories.models import Membership, Story

PASSWORD = "a long correct horse battery"

SOURCE_TEXT = (
    "Dock workers at Port Lerma stopped work on Monday in a dispute over night-shift pay. "
    "Eleven container ships were left waiting in the bay. "
    "The union said talks with the port authority would resume on Thursday."
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Argon2 at Django's parameters takes ~0.5 s per hash on CI's two cores; the tests that
    # are about Argon2 put it back.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_story(headline: str = "Port Lerma dock workers strike over pay", key: str = "a") -> Story:
    outlet, _ = Outlet.objects.get_or_create(
        slug="nwb-world", defaults={"name": "NWB World", "family": "nwb"}
    )
    feed, _ = Feed.objects.get_or_create(
        url="http://127.0.0.1/nwb.xml", defaults={"outlet": outlet}
    )
    now = timezone.now() - timedelta(hours=2)
    article = Article.objects.create(
        feed=feed,
        outlet=outlet,
        key=f"http://127.0.0.1/articles/{key}",
        url=f"http://127.0.0.1/articles/{key}",
        title="Port Lerma dockers walk out",
        text=SOURCE_TEXT,
        published=now,
        extraction=Article.Extraction.DONE,
    )
    story = Story.objects.create(
        headline=headline,
        brief={
            "sentences": [
                {
                    "text": "Dock workers at Port Lerma stopped work on Monday in a dispute "
                    "over night-shift pay.",
                    "sources": [{"id": article.pk, "sentence_index": 0}],
                },
                {
                    "text": "The union said talks with the port authority would resume on "
                    "Thursday.",
                    "sources": [{"id": article.pk, "sentence_index": 2}],
                },
            ]
        },
        first_published=now,
        last_published=now,
        article_count=1,
        outlet_count=1,
    )
    Membership.objects.create(article=article, story=story)
    return story


@pytest.fixture
def story(db) -> Story:
    return make_story()


@pytest.fixture
def other_story(db) -> Story:
    return make_story("Volta Queens win the Champions Cup", key="b")


def make_user(username: str, *, groups: tuple[str, ...] = (), **fields):
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, **fields
    )
    Reader.objects.create(user=user, signup_ip="127.0.0.1")
    if groups:
        ensure_groups()
        user.groups.add(*Group.objects.filter(name__in=groups))
    return user


@pytest.fixture
def alice(db):
    return make_user("alice")


@pytest.fixture
def bob(db):
    return make_user("bob")


@pytest.fixture
def moderator(db):
    return make_user("maya", groups=(MODERATORS,))


@pytest.fixture
def editor(db):
    return make_user("eddie", groups=(EDITORS,))


def client_for(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


@pytest.fixture
def established(monkeypatch):
    """New accounts publish at once (the new-account hold has its own tests)."""
    monkeypatch.setattr(limits, "DISCUSSION_NEW_ACCOUNT_HELD_COMMENTS", 0)


_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)
