"""Comments on a story: threads, edit window, delete, ordering, permalinks, authorisation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsdesk import limits
from newsdesk.discussion.models import Comment, StoryDiscussion

from .conftest import client_for

pytestmark = pytest.mark.usefixtures("established")


def post(client: Client, story, body: str, parent: Comment | None = None, **extra):
    if parent is None:
        url = reverse("discussion:post", args=[story.slug])
    else:
        url = reverse("discussion:reply", args=[parent.pk])
    return client.post(url, {"body": body}, **extra)


def story_html(client: Client, story, sort: str | None = None) -> str:
    url = story.get_absolute_url() + (f"?sort={sort}" if sort else "")
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_reader_posts_a_comment_and_lands_on_it(story, alice):
    response = post(client_for(alice), story, "The night shift has been short-staffed for *years*.")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PUBLISHED
    assert (comment.author, comment.story, comment.depth) == (alice, story, 0)
    assert response.status_code == 302
    assert response["Location"] == f"{story.get_absolute_url()}#comment-{comment.pk}"
    html = story_html(Client(), story)
    assert f'id="comment-{comment.pk}"' in html
    assert "The night shift has been short-staffed for <em>years</em>." in html


def test_replies_nest_under_their_parent(story, alice, bob):
    post(client_for(alice), story, "Parent comment")
    parent = Comment.objects.get()
    post(client_for(bob), story, "A reply", parent=parent)
    reply = Comment.objects.exclude(pk=parent.pk).get()
    post(client_for(alice), story, "A reply to the reply", parent=reply)
    deeper = Comment.objects.get(body="A reply to the reply")
    assert (reply.parent, reply.depth) == (parent, 1)
    assert (deeper.parent, deeper.depth) == (reply, 2)
    html = story_html(Client(), story)
    # The reply sits inside the parent's <li>, in its list of replies, and so on down.
    parent_li = html[html.index(f'id="comment-{parent.pk}"') :]
    assert parent_li.index('class="comment-replies"') < parent_li.index(f'id="comment-{reply.pk}"')
    assert parent_li.index(f'id="comment-{reply.pk}"') < parent_li.index(
        f'id="comment-{deeper.pk}"'
    )
    assert "3 replies" not in html and "2 replies" in html  # counted below the top comment


def test_replies_stop_at_the_depth_limit(story, alice, monkeypatch):
    monkeypatch.setattr(limits, "DISCUSSION_MAX_THREAD_DEPTH", 2)
    client = client_for(alice)
    post(client, story, "top")
    top = Comment.objects.get()
    post(client, story, "second level", parent=top)
    second = Comment.objects.get(depth=1)
    assert post(client, story, "third level", parent=second).status_code == 404
    assert Comment.objects.count() == 2
    html = story_html(client, story)
    assert reverse("discussion:reply", args=[top.pk]) in html
    assert reverse("discussion:reply", args=[second.pk]) not in html


def test_a_reply_must_belong_to_a_live_comment(story, alice, bob):
    post(client_for(alice), story, "soon gone")
    parent = Comment.objects.get()
    client_for(alice).post(reverse("discussion:delete", args=[parent.pk]))
    assert post(client_for(bob), story, "too late", parent=parent).status_code == 404
    assert Comment.objects.count() == 1


def test_the_reply_page_works_without_javascript(story, alice, bob):
    post(client_for(alice), story, "Is the port still closed?")
    parent = Comment.objects.get()
    page = client_for(bob).get(reverse("discussion:reply", args=[parent.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Is the port still closed?" in html  # the comment being answered is quoted
    assert '<label for="id_body">Your reply to alice' in html
    response = client_for(bob).post(reverse("discussion:reply", args=[parent.pk]), {"body": "Yes."})
    assert response.status_code == 302
    assert Comment.objects.get(body="Yes.").parent == parent


def test_edit_within_the_window_and_not_after(story, alice):
    client = client_for(alice)
    post(client, story, "Eleven ships")
    comment = Comment.objects.get()
    edit_url = reverse("discussion:edit", args=[comment.pk])
    assert client.get(edit_url).status_code == 200
    client.post(edit_url, {"body": "Twelve ships, says the harbour master"})
    comment.refresh_from_db()
    assert comment.body == "Twelve ships, says the harbour master"
    assert comment.edited_at is not None
    assert "edited" in story_html(client, story)

    too_old = timezone.now() - timedelta(seconds=limits.DISCUSSION_EDIT_WINDOW_SECONDS + 5)
    Comment.objects.filter(pk=comment.pk).update(created_at=too_old)
    response = client.post(edit_url, {"body": "Rewritten history"})
    comment.refresh_from_db()
    assert response.status_code == 302
    assert comment.body == "Twelve ships, says the harbour master"
    assert edit_url not in story_html(client, story)  # no Edit link once the window closed


def test_nobody_else_can_edit_or_delete_a_comment(story, alice, bob, moderator):
    post(client_for(alice), story, "Mine")
    comment = Comment.objects.get()
    for user in (bob, moderator):
        client = client_for(user)
        assert client.get(reverse("discussion:edit", args=[comment.pk])).status_code == 403
        assert (
            client.post(
                reverse("discussion:edit", args=[comment.pk]), {"body": "Theirs"}
            ).status_code
            == 403
        )
        assert client.post(reverse("discussion:delete", args=[comment.pk])).status_code == 403
    comment.refresh_from_db()
    assert (comment.body, comment.status) == ("Mine", Comment.Status.PUBLISHED)
    html = story_html(client_for(bob), story)
    assert reverse("discussion:edit", args=[comment.pk]) not in html
    assert reverse("discussion:delete", args=[comment.pk]) not in html


def test_logged_out_readers_are_sent_to_log_in_and_nothing_is_stored(story):
    client = Client()
    response = post(client, story, "anonymous words")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Comment.objects.exists()
    # The story page offers sign-up and log-in instead of the form.
    html = story_html(client, story)
    assert f'href="{reverse("signup")}?next=' in html
    assert 'name="body"' not in html


def test_a_deleted_comment_with_replies_keeps_its_place_as_deleted(story, alice, bob):
    post(client_for(alice), story, "Controversial opinion")
    parent = Comment.objects.get()
    post(client_for(bob), story, "I disagree", parent=parent)
    response = client_for(alice).post(reverse("discussion:delete", args=[parent.pk]))
    assert response.status_code == 302
    parent.refresh_from_db()
    assert (parent.status, parent.body) == (Comment.Status.DELETED, "")  # the text is gone
    html = story_html(Client(), story)
    assert "Controversial opinion" not in html
    assert "[deleted]" in html
    assert html.index("[deleted]") < html.index("I disagree")


def test_a_deleted_comment_without_replies_disappears(story, alice):
    post(client_for(alice), story, "Typo-ridden")
    comment = Comment.objects.get()
    client_for(alice).post(reverse("discussion:delete", args=[comment.pk]))
    html = story_html(Client(), story)
    assert f'id="comment-{comment.pk}"' not in html
    assert "[deleted]" not in html


def test_newest_oldest_and_most_replied_orderings(story, alice, bob):
    client = client_for(alice)
    for body in ("first", "second", "third"):
        post(client, story, body)
    first, second, third = Comment.objects.order_by("pk")
    base = timezone.now() - timedelta(minutes=30)
    for minutes, comment in enumerate((first, second, third)):
        Comment.objects.filter(pk=comment.pk).update(created_at=base + timedelta(minutes=minutes))
    for body in ("r1", "r2"):
        post(client_for(bob), story, body, parent=second)

    def order(sort):
        html = story_html(Client(), story, sort)
        listing = html[html.index('class="comment-list"') :]
        found = re.findall(r'<div class="comment-body"><p>(\w+)</p></div>', listing)
        return [body for body in found if body in ("first", "second", "third")]

    assert order("oldest") == ["first", "second", "third"]
    assert order("newest") == ["third", "second", "first"]
    assert order(None) == ["third", "second", "first"]  # newest is the default
    assert order("replies") == ["second", "third", "first"]
    assert order("nonsense") == ["third", "second", "first"]


def test_every_comment_has_a_permalink(story, alice):
    post(client_for(alice), story, "Link me")
    comment = Comment.objects.get()
    html = story_html(Client(), story)
    assert f'href="{reverse("discussion:comment", args=[comment.pk])}"' in html
    response = Client().get(reverse("discussion:comment", args=[comment.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{story.get_absolute_url()}#comment-{comment.pk}"


def test_comments_over_the_length_cap_are_refused_with_the_text_kept(story, alice, monkeypatch):
    monkeypatch.setattr(limits, "DISCUSSION_COMMENT_MAX_CHARS", 50)
    response = post(client_for(alice), story, "x" * 51)
    assert response.status_code == 400
    assert not Comment.objects.exists()
    html = response.content.decode()
    assert "at most 50 characters" in html
    assert "x" * 51 in html  # the reader does not lose what they wrote


def test_closed_stories_take_no_comments_and_say_so(story, alice):
    post(client_for(alice), story, "before closing")
    comment = Comment.objects.get()
    StoryDiscussion.objects.create(story=story, closed=True)
    response = post(client_for(alice), story, "after closing")
    assert response.status_code == 403
    assert post(client_for(alice), story, "reply after closing", parent=comment).status_code == 403
    assert Comment.objects.count() == 1
    html = story_html(client_for(alice), story)
    assert "Comments are closed on this story." in html
    assert "before closing" in html  # what was said stays readable
    assert 'name="body"' not in html
    assert reverse("discussion:reply", args=[comment.pk]) not in html
    # Nor can the author change what was said once the discussion is closed.
    client_for(alice).post(reverse("discussion:edit", args=[comment.pk]), {"body": "rewritten"})
    comment.refresh_from_db()
    assert comment.body == "before closing"


def test_comments_on_a_merged_story_follow_it(story, other_story, alice):
    post(client_for(alice), other_story, "said on the old story")
    other_story.merged_into = story
    other_story.save()
    assert "said on the old story" in story_html(Client(), story)
    comment = Comment.objects.get()
    response = Client().get(reverse("discussion:comment", args=[comment.pk]))
    assert response["Location"] == f"{story.get_absolute_url()}#comment-{comment.pk}"


def test_comments_come_in_pages_of_threads_and_a_reply_lands_on_its_page(story, alice, monkeypatch):
    monkeypatch.setattr(limits, "DISCUSSION_THREADS_PER_PAGE", 3)
    monkeypatch.setattr(limits, "DISCUSSION_COMMENTS_PER_USER", 100)
    monkeypatch.setattr(limits, "DISCUSSION_COMMENTS_PER_IP", 100)
    client = client_for(alice)
    for n in range(7):
        post(client, story, f"Thread number {n} about the dock strike.")
    html = story_html(Client(), story)  # newest first: threads 6, 5, 4
    assert "Thread number 6" in html and "Thread number 4" in html
    assert "Thread number 3" not in html
    assert "Comments page 1 of 3" in html and 'rel="next"' in html
    second = Client().get(story.get_absolute_url(), {"comments": 2}).content.decode()
    assert "Thread number 3" in second and "Thread number 1" in second
    assert "Thread number 6" not in second
    oldest = Comment.objects.get(body__startswith="Thread number 0")
    response = post(client, story, "A reply deep in the archive.", parent=oldest)
    assert response.status_code == 302
    reply = Comment.objects.get(parent=oldest)
    assert response["Location"] == f"{story.get_absolute_url()}?comments=3#comment-{reply.pk}"
    third = Client().get(story.get_absolute_url(), {"comments": 3}).content.decode()
    assert "A reply deep in the archive." in third
    # Nonsense and missing pages are a 400 that says so (issue 18), never a 500.
    for nonsense in ("x" * 40, "0", "4", "-1", "²"):
        refused = Client().get(story.get_absolute_url(), {"comments": nonsense})
        assert refused.status_code == 400, nonsense
        assert "page" in refused.content.decode()
