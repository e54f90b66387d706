"""Limits that hold when requests arrive together: sign-ups per address, comments per reader,
reports per reader, brief reports per address and password checks per account.

Each request here is a thread with its own database connection (a real SQLite file in WAL
mode, or real PostgreSQL when DATABASE_URL names one), all released at once by a barrier, and
goes through the whole Django stack with the test client. With the limits checked first and
written after, every one of these tests stored more than its limit allows.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connections
from django.test import Client
from django.utils import timezone

from newsdesk import limits
from newsdesk.discussion.models import Comment, CommentReport, LoginFailure, Reader, SentenceFlag

from .conftest import PASSWORD, make_story, make_user

ADDRESS = "203.0.113.7"


def at_once(count: int, request) -> list:
    """``request(i)`` on ``count`` threads released together; their results (or errors)."""
    start = threading.Barrier(count)
    results: list = [None] * count

    def work(i: int) -> None:
        try:
            start.wait()
            results[i] = request(i)
        except BaseException as error:  # noqa: BLE001 - the test reports it
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors[:3]
    return results


def statuses(responses) -> dict[int, int]:
    counts: dict[int, int] = {}
    for response in responses:
        counts[response.status_code] = counts.get(response.status_code, 0) + 1
    return counts


def test_ten_sign_ups_at_once_with_two_left_create_two_accounts(transactional_db, monkeypatch):
    monkeypatch.setattr(limits, "DISCUSSION_SIGNUPS_PER_IP_PER_DAY", 5)
    for number in range(3):  # three made from this address today: two left
        make_user(f"earlier{number}")
    Reader.objects.update(signup_ip=ADDRESS, created_at=timezone.now() - timedelta(hours=1))

    def sign_up(i: int):
        return Client(REMOTE_ADDR=ADDRESS).post(
            "/accounts/signup/",
            {
                "username": f"newcomer{i}",
                "email": f"newcomer{i}@example.org",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )

    responses = at_once(10, sign_up)
    assert statuses(responses) == {302: 2, 429: 8}
    assert Reader.objects.filter(signup_ip=ADDRESS).count() == 5
    assert get_user_model().objects.filter(username__startswith="newcomer").count() == 2
    refused = next(r for r in responses if r.status_code == 429)
    assert "the most we allow" in refused.content.decode()


def test_fifty_comments_at_once_with_a_limit_of_five_store_five(transactional_db, monkeypatch):
    monkeypatch.setattr(limits, "DISCUSSION_COMMENTS_PER_USER", 5)
    monkeypatch.setattr(limits, "DISCUSSION_NEW_ACCOUNT_HELD_COMMENTS", 0)
    story = make_story()
    writer = make_user("prolific")
    clients = []
    for _ in range(50):
        client = Client(REMOTE_ADDR=ADDRESS)
        client.force_login(writer)
        clients.append(client)

    def post(i: int):
        return clients[i].post(
            f"/stories/{story.slug}/comments/", {"body": f"Comment number {i} on the strike."}
        )

    responses = at_once(50, post)
    assert Comment.objects.filter(author=writer).count() == 5
    assert statuses(responses) == {302: 5, 429: 45}


def test_comments_per_address_hold_across_readers_posting_at_once(transactional_db, monkeypatch):
    monkeypatch.setattr(limits, "DISCUSSION_COMMENTS_PER_IP", 4)
    monkeypatch.setattr(limits, "DISCUSSION_NEW_ACCOUNT_HELD_COMMENTS", 0)
    story = make_story()
    clients = []
    for number in range(12):
        client = Client(REMOTE_ADDR=ADDRESS)
        client.force_login(make_user(f"office{number}"))
        clients.append(client)

    def post(i: int):
        return clients[i].post(f"/stories/{story.slug}/comments/", {"body": f"View {i}."})

    responses = at_once(12, post)
    assert Comment.objects.filter(client_ip=ADDRESS).count() == 4
    assert statuses(responses) == {302: 4, 429: 8}


def test_thirty_reports_at_once_with_twenty_left_file_twenty(transactional_db, monkeypatch):
    monkeypatch.setattr(limits, "DISCUSSION_REPORTS_PER_USER_PER_HOUR", 20)
    monkeypatch.setattr(limits, "DISCUSSION_REPORTS_TO_HOLD", 1000)
    story = make_story()
    author = make_user("loud")
    comments = [
        Comment.objects.create(story=story, author=author, body=f"Shouting, part {i}.")
        for i in range(30)
    ]
    reporter = make_user("keen")
    clients = []
    for _ in range(30):
        client = Client(REMOTE_ADDR=ADDRESS)
        client.force_login(reporter)
        clients.append(client)

    def report(i: int):
        return clients[i].post(f"/comments/{comments[i].pk}/report/", {"reason": "spam"})

    responses = at_once(30, report)
    assert CommentReport.objects.filter(reporter=reporter).count() == 20
    assert statuses(responses) == {302: 20, 429: 10}


def test_brief_reports_per_address_hold_when_sent_at_once(transactional_db, monkeypatch):
    monkeypatch.setattr(limits, "DISCUSSION_SENTENCE_FLAGS_PER_IP_PER_HOUR", 10)
    stories = [make_story(f"Story number {n}", key=f"s{n}") for n in range(10)]
    targets = [(story.slug, index) for story in stories for index in (0, 1)]

    def flag(i: int):
        slug, index = targets[i]
        return Client(REMOTE_ADDR=ADDRESS).post(
            f"/stories/{slug}/brief/{index}/report/", {"kind": "inaccurate"}
        )

    responses = at_once(len(targets), flag)
    assert SentenceFlag.objects.filter(client_ip=ADDRESS).count() == 10
    assert statuses(responses) == {302: 10, 429: 10}


class CountingHasher(MD5PasswordHasher):
    """MD5 (fast, for tests) that counts the passwords it checks."""

    checks = 0
    lock = threading.Lock()

    def verify(self, password, encoded):
        with CountingHasher.lock:
            CountingHasher.checks += 1
        return super().verify(password, encoded)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.checks = 0
    return CountingHasher


def test_forty_wrong_passwords_at_once_check_only_the_free_number(
    transactional_db, counting_hasher
):
    make_user("target")
    free = limits.DISCUSSION_LOGIN_FREE_FAILURES_PER_ACCOUNT
    counting_hasher.checks = 0

    def guess(i: int):
        return Client(REMOTE_ADDR=f"198.51.100.{i + 1}").post(
            "/accounts/login/", {"username": "target", "password": f"wrong guess {i}"}
        )

    responses = at_once(40, guess)
    assert counting_hasher.checks == free
    assert LoginFailure.objects.filter(username="target").count() == free
    assert statuses(responses) == {200: free, 429: 40 - free}
    # The right password now waits too; and works once the wait is over.
    late = Client().post("/accounts/login/", {"username": "target", "password": PASSWORD})
    assert late.status_code == 429
    LoginFailure.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    assert (
        Client().post("/accounts/login/", {"username": "target", "password": PASSWORD}).status_code
        == 302
    )
    assert LoginFailure.objects.filter(username="target").count() == 0
