"""Moderation: reports, the queue, one-click approve/remove, a reader's comments in bulk, mute,
ban, closing a story's comments; every action recorded and shown in the admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsdesk.discussion import actions
from newsdesk.discussion.models import (
    Comment,
    CommentReport,
    ModerationAction,
    Reader,
    StoryDiscussion,
)

from .conftest import PASSWORD, client_for, make_user

pytestmark = pytest.mark.usefixtures("established")

QUEUE = reverse("discussion:moderation-queue")


def comment_by(user, story, body: str, **fields) -> Comment:
    return Comment.objects.create(story=story, author=user, body=body, **fields)


def moderate(client: Client, comment: Comment, action: str):
    return client.post(
        reverse("discussion:moderate-comment", args=[comment.pk]), {"action": action}
    )


def test_the_data_migration_made_the_moderators_group_with_its_permission(db):
    group = Group.objects.get(name="Moderators")
    assert group.permissions.filter(codename="moderate_comments").exists()
    editors = Group.objects.get(name="Editors")
    assert editors.permissions.filter(codename="review_sentence_flags").exists()
    assert Permission.objects.filter(codename="moderate_comments").count() == 1


def test_only_moderators_reach_the_queue(alice, moderator, editor):
    assert Client().get(QUEUE).status_code == 302  # logged out: to the login page
    assert Client().get(QUEUE)["Location"].startswith(reverse("login"))
    assert client_for(alice).get(QUEUE).status_code == 403
    assert client_for(editor).get(QUEUE).status_code == 403  # editors review briefs, not comments
    assert client_for(moderator).get(QUEUE).status_code == 200
    staff = make_user("staffer", is_staff=True)  # staff without the group: no
    assert client_for(staff).get(QUEUE).status_code == 403


def test_non_moderators_cannot_act_on_comments_or_readers(story, alice, bob):
    comment = comment_by(alice, story, "hello")
    client = client_for(bob)
    assert moderate(client, comment, "remove").status_code == 403
    url = reverse("discussion:moderation-reader-action", args=["alice"])
    assert client.post(url, {"action": "ban"}).status_code == 403
    assert client.get(reverse("discussion:moderation-reader", args=["alice"])).status_code == 403
    toggle = reverse("discussion:story-comments", args=[story.slug])
    assert client.post(toggle, {"closed": "1"}).status_code == 403
    comment.refresh_from_db()
    alice.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED and alice.is_active
    assert not StoryDiscussion.objects.exists()
    assert not ModerationAction.objects.exists()


def test_a_reader_reports_a_comment_with_a_reason(story, alice, bob):
    comment = comment_by(alice, story, "Questionable")
    client = client_for(bob)
    page = client.get(reverse("discussion:report", args=[comment.pk]))
    assert page.status_code == 200
    assert "Spam or advertising" in page.content.decode()
    response = client.post(
        reverse("discussion:report", args=[comment.pk]),
        {"reason": "misleading", "note": "The port reopened on Tuesday."},
    )
    assert response.status_code == 302
    report = CommentReport.objects.get()
    assert (report.reporter, report.reason, report.note) == (
        bob,
        "misleading",
        "The port reopened on Tuesday.",
    )
    # A reason is required.
    assert client.post(reverse("discussion:report", args=[comment.pk]), {}).status_code == 400


def test_readers_cannot_report_their_own_comment_or_report_logged_out(story, alice):
    comment = comment_by(alice, story, "mine")
    url = reverse("discussion:report", args=[comment.pk])
    assert client_for(alice).post(url, {"reason": "spam"}).status_code == 403
    assert Client().post(url, {"reason": "spam"})["Location"].startswith(reverse("login"))
    assert not CommentReport.objects.exists()


def test_the_queue_lists_held_and_reported_comments_with_the_reasons(story, alice, bob, moderator):
    held = comment_by(alice, story, "Held text", status="held", held_reason="new account")
    reported = comment_by(alice, story, "Reported text")
    CommentReport.objects.create(comment=reported, reporter=bob, reason="abuse", note="rude")
    comment_by(alice, story, "Unremarkable text")
    html = client_for(moderator).get(QUEUE).content.decode()
    assert "Held text" in html and "held: new account" in html
    assert "Reported text" in html and "Abusive, hateful or harassing" in html and "rude" in html
    assert "Unremarkable text" not in html
    assert f'action="{reverse("discussion:moderate-comment", args=[held.pk])}"' in html
    # The count in the header tells moderators there is work.
    assert '<span class="badge" aria-label="2 waiting">2</span>' in html


def test_approving_a_held_comment_publishes_it_and_records_who_when(story, alice, moderator):
    held = comment_by(alice, story, "Let me in", status="held", held_reason="new account")
    before = timezone.now()
    response = moderate(client_for(moderator), held, "approve")
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == Comment.Status.PUBLISHED
    action = ModerationAction.objects.get()
    assert (action.moderator, action.moderator_name, action.kind) == (moderator, "maya", "approve")
    assert (action.comment, action.target_user, action.story) == (held, alice, story)
    assert action.created_at >= before
    assert "Let me in" in Client().get(story.get_absolute_url()).content.decode()
    assert "Let me in" not in client_for(moderator).get(QUEUE).content.decode()


def test_removing_a_reported_comment_hides_it_settles_reports_and_is_logged(
    story, alice, bob, moderator
):
    comment = comment_by(alice, story, "Nasty words")
    CommentReport.objects.create(comment=comment, reporter=bob, reason="abuse")
    moderate(client_for(moderator), comment, "remove")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED
    assert CommentReport.objects.get().resolved_by == moderator
    assert ModerationAction.objects.get().kind == "remove"
    assert "Nasty words" not in Client().get(story.get_absolute_url()).content.decode()
    assert "Nasty words" not in client_for(moderator).get(QUEUE).content.decode()


def test_keeping_a_reported_comment_dismisses_the_reports(story, alice, bob, moderator):
    comment = comment_by(alice, story, "Fair criticism")
    CommentReport.objects.create(comment=comment, reporter=bob, reason="abuse")
    moderate(client_for(moderator), comment, "approve")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    assert CommentReport.objects.get().resolved_at is not None
    assert "1 report(s) dismissed" in ModerationAction.objects.get().detail
    assert "Fair criticism" not in client_for(moderator).get(QUEUE).content.decode()


def test_a_removed_comment_with_replies_keeps_its_place(story, alice, bob, moderator):
    parent = comment_by(alice, story, "Removed parent")
    comment_by(bob, story, "Surviving reply", parent=parent, depth=1)
    moderate(client_for(moderator), parent, "remove")
    html = Client().get(story.get_absolute_url()).content.decode()
    assert "Removed parent" not in html
    assert "[removed by a moderator]" in html and "Surviving reply" in html


def test_a_moderator_sees_a_readers_recent_comments_and_removes_them_in_bulk(
    story, other_story, alice, bob, moderator
):
    kept = comment_by(alice, story, "keep this one")
    spam = [comment_by(alice, other_story, f"spam {n}") for n in range(3)]
    bobs = comment_by(bob, story, "bob is fine")
    client = client_for(moderator)
    page = client.get(reverse("discussion:moderation-reader", args=["alice"]))
    html = page.content.decode()
    assert all(f"spam {n}" in html for n in range(3)) and "keep this one" in html
    assert "bob is fine" not in html
    url = reverse("discussion:moderation-reader-action", args=["alice"])
    client.post(url, {"action": "remove-selected", "comment": [c.pk for c in spam] + [bobs.pk]})
    assert set(
        Comment.objects.filter(pk__in=[c.pk for c in spam]).values_list("status", flat=True)
    ) == {"removed"}
    assert Comment.objects.get(pk=kept.pk).status == "published"
    assert Comment.objects.get(pk=bobs.pk).status == "published"  # not alice's: untouched
    assert ModerationAction.objects.filter(kind="remove").count() == 3
    client.post(url, {"action": "remove-all"})
    assert Comment.objects.get(pk=kept.pk).status == "removed"
    assert Comment.objects.get(pk=bobs.pk).status == "published"


def test_mute_and_unmute(story, alice, moderator):
    client = client_for(moderator)
    url = reverse("discussion:moderation-reader-action", args=["alice"])
    client.post(url, {"action": "mute", "mute-days": "7", "mute-reason": "flame war"})
    reader = Reader.objects.get(user=alice)
    assert reader.is_muted
    assert timedelta(days=6) < reader.muted_until - timezone.now() <= timedelta(days=7)
    post = reverse("discussion:post", args=[story.slug])
    assert client_for(alice).post(post, {"body": "hello?"}).status_code == 403
    client.post(url, {"action": "unmute"})
    assert client_for(alice).post(post, {"body": "hello!"}).status_code == 302
    kinds = list(ModerationAction.objects.order_by("pk").values_list("kind", "target_name"))
    assert kinds == [("mute", "alice"), ("unmute", "alice")]
    assert "flame war" in ModerationAction.objects.get(kind="mute").detail


def test_ban_deactivates_the_account_and_unban_restores_it(story, alice, moderator):
    session = client_for(alice)
    url = reverse("discussion:moderation-reader-action", args=["alice"])
    client_for(moderator).post(url, {"action": "ban", "ban-reason": "spam bot"})
    alice.refresh_from_db()
    assert not alice.is_active
    assert not session.get("/").wsgi_request.user.is_authenticated  # logged out at once
    assert (
        Client().post(reverse("login"), {"username": "alice", "password": PASSWORD}).status_code
        == 200
    )
    client_for(moderator).post(url, {"action": "unban"})
    alice.refresh_from_db()
    assert alice.is_active
    assert [a.kind for a in ModerationAction.objects.order_by("pk")] == ["ban", "unban"]
    assert ModerationAction.objects.get(kind="ban").detail == "spam bot"


def test_moderators_cannot_ban_each_other_or_themselves(moderator):
    other = make_user("mod2", groups=("Moderators",))
    client = client_for(moderator)
    for name in ("mod2", "maya"):
        url = reverse("discussion:moderation-reader-action", args=[name])
        assert client.post(url, {"action": "ban"}).status_code == 403
    other.refresh_from_db()
    moderator.refresh_from_db()
    assert other.is_active and moderator.is_active
    superuser = get_user_model().objects.create_superuser("root", "r@example.org", PASSWORD)
    url = reverse("discussion:moderation-reader-action", args=["mod2"])
    client_for(superuser).post(url, {"action": "ban"})
    other.refresh_from_db()
    assert not other.is_active


def test_a_moderator_closes_and_reopens_comments_on_a_story(story, alice, moderator):
    client = client_for(moderator)
    html = client.get(story.get_absolute_url()).content.decode()
    assert "Close comments" in html
    toggle = reverse("discussion:story-comments", args=[story.slug])
    client.post(toggle, {"closed": "1"})
    assert StoryDiscussion.objects.get(story=story).closed
    post = reverse("discussion:post", args=[story.slug])
    assert client_for(alice).post(post, {"body": "hi"}).status_code == 403
    assert "Reopen comments" in client.get(story.get_absolute_url()).content.decode()
    client.post(toggle, {"closed": "0"})
    assert client_for(alice).post(post, {"body": "hi"}).status_code == 302
    assert [a.kind for a in ModerationAction.objects.order_by("pk")] == ["close", "reopen"]


def test_closing_from_the_admin_is_logged_too(story, db):
    root = get_user_model().objects.create_superuser("root", "r@example.org", PASSWORD)
    client = client_for(root)
    response = client.post(
        reverse("admin:discussion_storydiscussion_add"), {"story": story.pk, "closed": "on"}
    )
    assert response.status_code == 302
    assert StoryDiscussion.objects.get(story=story).closed
    assert ModerationAction.objects.get().kind == "close"


def test_the_moderation_log_is_shown_in_the_admin_and_cannot_be_edited(story, alice, moderator):
    comment = comment_by(alice, story, "x")
    actions.remove_comment(comment, moderator)
    root = get_user_model().objects.create_superuser("root", "r@example.org", PASSWORD)
    client = client_for(root)
    listing = client.get(reverse("admin:discussion_moderationaction_changelist"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "maya" in html and "removed a comment" in html
    action = ModerationAction.objects.get()
    change = reverse("admin:discussion_moderationaction_change", args=[action.pk])
    client.post(change, {"moderator_name": "someone else"})
    action.refresh_from_db()
    assert action.moderator_name == "maya"
    delete = reverse("admin:discussion_moderationaction_delete", args=[action.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ModerationAction.objects.count() == 1


def test_the_log_survives_the_moderator_account_being_deleted(story, alice, moderator):
    actions.remove_comment(comment_by(alice, story, "x"), moderator)
    moderator.delete()
    action = ModerationAction.objects.get()
    assert action.moderator is None and action.moderator_name == "maya"


def test_the_moderation_pages_escape_what_readers_wrote(story, alice, bob, moderator):
    comment = comment_by(alice, story, "plain")
    CommentReport.objects.create(
        comment=comment, reporter=bob, reason="other", note='<script>alert("note")</script>'
    )
    html = client_for(moderator).get(QUEUE).content.decode()
    assert '<script>alert("note")' not in html
    assert "&lt;script&gt;alert(&quot;note&quot;)&lt;/script&gt;" in html


def test_the_moderators_command_adds_lists_and_removes(alice):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("moderators", "add", "alice", stdout=out)
    call_command("moderators", "add", "alice", "--editors", stdout=out)
    alice = get_user_model().objects.get(pk=alice.pk)  # fresh permission cache
    assert alice.has_perm("discussion.moderate_comments")
    assert alice.has_perm("discussion.review_sentence_flags")
    listing = StringIO()
    call_command("moderators", stdout=listing)
    assert "Moderators: alice" in listing.getvalue() and "Editors: alice" in listing.getvalue()
    call_command("moderators", "remove", "alice", stdout=out)
    assert not get_user_model().objects.get(pk=alice.pk).has_perm("discussion.moderate_comments")
    with pytest.raises(CommandError, match="No account named 'nobody'"):
        call_command("moderators", "add", "nobody")
