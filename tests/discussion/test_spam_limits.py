"""Spam and abuse limits: rate limits per account and per address, the new-account hold, link
floods and repeated text held, reports that hold a comment, mutes; every limit documented."""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsdesk import limits
from newsdesk.discussion.models import Comment, Reader

from .conftest import client_for, make_user


def post(client: Client, story, body: str, address: str = "127.0.0.1"):
    return client.post(
        reverse("discussion:post", args=[story.slug]), {"body": body}, REMOTE_ADDR=address
    )


def test_a_new_accounts_first_comments_wait_for_a_moderator(story, alice, bob):
    assert limits.DISCUSSION_NEW_ACCOUNT_HELD_COMMENTS == 2
    client = client_for(alice)
    response = post(client, story, "My very first comment")
    comment = Comment.objects.get()
    assert (comment.status, comment.held_reason) == (Comment.Status.HELD, "new account")
    assert "waits for a moderator" in client.get(response["Location"]).content.decode()
    # The author sees it, marked; nobody else does.
    assert "My very first comment" in client.get(story.get_absolute_url()).content.decode()
    assert "Waiting for a moderator" in client.get(story.get_absolute_url()).content.decode()
    assert (
        "My very first comment"
        not in client_for(bob).get(story.get_absolute_url()).content.decode()
    )
    assert "My very first comment" not in Client().get(story.get_absolute_url()).content.decode()


def test_once_enough_comments_were_approved_the_next_is_published_at_once(story, alice):
    client = client_for(alice)
    for n in range(limits.DISCUSSION_NEW_ACCOUNT_HELD_COMMENTS):
        post(client, story, f"comment number {n}")
    assert set(Comment.objects.values_list("status", flat=True)) == {"held"}
    Comment.objects.update(status=Comment.Status.PUBLISHED)  # a moderator approved them
    post(client, story, "now trusted")
    assert Comment.objects.get(body="now trusted").status == Comment.Status.PUBLISHED


def test_moderators_are_never_held(story, moderator):
    post(client_for(moderator), story, "From the moderator: please stay on topic. " * 2)
    assert Comment.objects.get().status == Comment.Status.PUBLISHED


@pytest.mark.usefixtures("established")
def test_a_comment_with_many_links_is_held(story, alice):
    client = client_for(alice)
    three = "See https://a.example, https://b.example and www.c.example"
    post(client, story, three)
    assert Comment.objects.get().status == Comment.Status.PUBLISHED
    four = three + " and [this](https://d.example)"
    post(client, story, four)
    held = Comment.objects.get(body=four)
    assert (held.status, held.held_reason) == (Comment.Status.HELD, "4 links")


@pytest.mark.usefixtures("established")
def test_repeating_recent_text_is_held_even_on_another_story(story, other_story, alice):
    client = client_for(alice)
    post(client, story, "Buy cheap   watches at our shop")
    post(client, other_story, "buy cheap watches AT OUR SHOP")
    repeat = Comment.objects.get(story=other_story)
    assert (repeat.status, repeat.held_reason) == (Comment.Status.HELD, "repeats a recent comment")
    # Outside the window the same words are fine again.
    old = timezone.now() - timedelta(seconds=limits.DISCUSSION_DUPLICATE_WINDOW_SECONDS + 60)
    Comment.objects.update(created_at=old)
    post(client, story, "Buy cheap watches at our shop")
    assert Comment.objects.order_by("-pk").first().status == Comment.Status.PUBLISHED


@pytest.mark.usefixtures("established")
def test_an_edit_that_adds_a_link_flood_is_held_again(story, alice, bob):
    client = client_for(alice)
    post(client, story, "Innocent at first")
    comment = Comment.objects.get()
    spam = " ".join(f"https://spam{n}.example" for n in range(5))
    client.post(reverse("discussion:edit", args=[comment.pk]), {"body": spam})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HELD
    assert "spam0.example" not in client_for(bob).get(story.get_absolute_url()).content.decode()


@pytest.mark.usefixtures("established")
def test_posting_is_rate_limited_per_account(story, other_story, alice, monkeypatch):
    monkeypatch.setattr(limits, "DISCUSSION_COMMENTS_PER_USER", 3)
    client = client_for(alice)
    for n in range(3):
        assert post(client, story, f"comment {n}").status_code == 302
    refused = post(client, other_story, "one too many")
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "You have posted 3 comments in the last 10 minutes" in html
    assert "one too many" in html  # the text is kept in the form
    assert Comment.objects.count() == 3
    # The window slides: once the earlier comments are old enough, posting works again.
    old = timezone.now() - timedelta(seconds=limits.DISCUSSION_RATE_WINDOW_SECONDS + 1)
    Comment.objects.update(created_at=old)
    assert post(client, story, "later").status_code == 302


@pytest.mark.usefixtures("established")
def test_posting_is_rate_limited_per_address_across_accounts(story, monkeypatch):
    monkeypatch.setattr(limits, "DISCUSSION_COMMENTS_PER_IP", 2)
    users = [make_user(f"sock{n}") for n in range(3)]
    assert post(client_for(users[0]), story, "one", address="203.0.113.50").status_code == 302
    assert post(client_for(users[1]), story, "two", address="203.0.113.50").status_code == 302
    refused = post(client_for(users[2]), story, "three", address="203.0.113.50")
    assert refused.status_code == 429
    assert "came from your network" in refused.content.decode()
    # The same reader from elsewhere may post.
    assert post(client_for(users[2]), story, "three", address="203.0.113.51").status_code == 302
    assert Comment.objects.count() == 3


@pytest.mark.usefixtures("established")
def test_enough_reports_from_different_readers_hold_a_comment(story, alice, monkeypatch):
    monkeypatch.setattr(limits, "DISCUSSION_REPORTS_TO_HOLD", 2)
    post(client_for(alice), story, "Something rude")
    comment = Comment.objects.get()
    url = reverse("discussion:report", args=[comment.pk])
    first = make_user("r1")
    client_for(first).post(url, {"reason": "abuse"})
    client_for(first).post(url, {"reason": "abuse"})  # the same reader twice is one report
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    client_for(make_user("r2")).post(url, {"reason": "abuse"})
    comment.refresh_from_db()
    assert (comment.status, comment.held_reason) == (Comment.Status.HELD, "reported by 2 readers")


@pytest.mark.usefixtures("established")
def test_reports_are_rate_limited_per_reader(story, alice, bob, monkeypatch):
    monkeypatch.setattr(limits, "DISCUSSION_REPORTS_PER_USER_PER_HOUR", 1)
    for body in ("first", "second"):
        post(client_for(alice), story, body)
    first, second = Comment.objects.order_by("pk")
    client = client_for(bob)
    assert (
        client.post(reverse("discussion:report", args=[first.pk]), {"reason": "spam"}).status_code
        == 302
    )
    refused = client.post(reverse("discussion:report", args=[second.pk]), {"reason": "spam"})
    assert refused.status_code == 429
    assert second.reports.count() == 0


@pytest.mark.usefixtures("established")
def test_a_muted_reader_can_read_but_not_post_until_the_mute_ends(story, alice):
    Reader.objects.filter(user=alice).update(
        muted_until=timezone.now() + timedelta(days=1), mute_reason="cool off"
    )
    client = client_for(alice)
    refused = post(client, story, "let me speak")
    assert refused.status_code == 403
    assert "muted your account" in refused.content.decode()
    page = client.get(story.get_absolute_url()).content.decode()
    assert "muted your account until" in page and "(cool off)" in page
    assert 'name="body"' not in page
    Reader.objects.filter(user=alice).update(muted_until=timezone.now() - timedelta(seconds=1))
    assert post(client, story, "back again").status_code == 302
    assert Comment.objects.filter(body="back again").exists()


def test_every_discussion_limit_lives_in_limits_py_with_its_reason():
    source = Path(limits.__file__).read_text()
    section = source[source.index("# --- Discussion") :]
    tree = ast.parse(section)
    names = [
        node.targets[0].id
        for node in tree.body
        if isinstance(node, ast.Assign) and node.targets[0].id.startswith("DISCUSSION_")
    ]
    used = set()
    discussion_dir = Path(limits.__file__).parent / "discussion"
    for path in discussion_dir.rglob("*.py"):
        used |= set(re.findall(r"limits\.(DISCUSSION_\w+)", path.read_text()))
    for path in discussion_dir.rglob("*.py"):
        used |= set(re.findall(r'"(DISCUSSION_\w+)"', path.read_text()))
    assert used, "the discussion app reads no limits?"
    assert used <= set(names), f"limits used but not defined: {used - set(names)}"
    lines = section.splitlines()
    for name in names:
        at = next(i for i, line in enumerate(lines) if line.startswith(f"{name} ="))
        # Each limit has a comment right above it (or above the group of limits it is in).
        above = at - 1
        while lines[above].strip() and not lines[above].startswith("#"):
            above -= 1
        assert lines[above].startswith("# "), f"{name} has no comment giving its reason"
        overridable = re.search(rf'_env_number\(\s*"{name}"', section)
        assert overridable, f"{name} cannot be overridden from the environment"
