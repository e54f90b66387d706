"""Readers' addresses are forgotten after DISCUSSION_KEEP_ADDRESSES_DAYS, by the discussion's
periodic housekeeping task."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsdesk import limits
from newsdesk.discussion.models import Comment, LoginFailure, Reader
from newsdesk.discussion.retention import forget_old_addresses
from newsdesk.discussion.tasks import discussion_housekeeping, ensure_housekeeping

from .conftest import make_user


def _comment(story, author, age_days: float, ip: str) -> Comment:
    return Comment.objects.create(
        story=story,
        author=author,
        body="A plain remark.",
        client_ip=ip,
        created_at=timezone.now() - timedelta(days=age_days),
    )


@pytest.mark.django_db
def test_old_addresses_are_forgotten_and_recent_ones_kept(story):
    alice = make_user("alice")
    keep = limits.DISCUSSION_KEEP_ADDRESSES_DAYS
    old = _comment(story, alice, keep + 1, "198.51.100.7")
    recent = _comment(story, alice, keep - 1, "198.51.100.8")
    Reader.objects.filter(user=alice).update(created_at=timezone.now() - timedelta(days=keep + 2))
    LoginFailure.objects.create(
        username="alice",
        client_ip="198.51.100.9",
        created_at=timezone.now() - timedelta(days=keep + 1),
    )
    LoginFailure.objects.create(username="alice", client_ip="198.51.100.10")

    assert forget_old_addresses() == 3  # the old comment, the old sign-up, the old failure
    old.refresh_from_db(), recent.refresh_from_db()
    assert (old.client_ip, recent.client_ip) == ("", "198.51.100.8")
    assert old.body == "A plain remark."  # only the address goes
    assert Reader.objects.get(user=alice).signup_ip == ""
    assert list(LoginFailure.objects.values_list("client_ip", flat=True)) == ["198.51.100.10"]
    assert forget_old_addresses() == 0  # nothing left to forget


@pytest.mark.django_db
def test_the_housekeeping_task_forgets_them_and_queues_its_next_run(story):
    old = _comment(
        story, make_user("bob"), limits.DISCUSSION_KEEP_ADDRESSES_DAYS + 1, "203.0.113.5"
    )
    assert ensure_housekeeping() is True
    assert ensure_housekeeping() is False  # one run waiting is enough
    discussion_housekeeping.call()
    old.refresh_from_db()
    assert old.client_ip == ""
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=discussion_housekeeping.module_path
    )
    assert waiting.count() == 1
