"""CSRF protection on every form the discussion adds: without the token a POST is refused with
403 and changes nothing; with it, the same POST goes through (so the 403 is the token's doing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from newsdesk.discussion.models import (
    Comment,
    CommentReport,
    ModerationAction,
    SentenceFlag,
    StoryDiscussion,
)

from .conftest import PASSWORD, csrf_token_from, make_user

NEW_PASSWORD = "a different long password for the test"


@dataclass
class Form:
    url: Callable[[dict], str]
    data: dict
    user: str | None  # who is logged in: None, "alice" or "maya" (a moderator)
    changed: Callable[[dict], bool]  # did the POST take effect?
    page: Callable[[dict], str] = lambda w: reverse("password_reset")  # any page with a token


def reset_url(world) -> str:
    alice = world["alice"]
    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    return reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(alice)])


FORMS = {
    "sign up": Form(
        lambda w: reverse("signup"),
        {
            "username": "newbie",
            "email": "n@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        None,
        lambda w: get_user_model().objects.filter(username="newbie").exists(),
    ),
    "log in": Form(
        lambda w: reverse("login"),
        {"username": "alice", "password": PASSWORD},
        None,
        lambda w: "_auth_user_id" in w["client"].session,
    ),
    "log out": Form(
        lambda w: reverse("logout"),
        {},
        "alice",
        lambda w: "_auth_user_id" not in w["client"].session,
    ),
    "password reset request": Form(
        lambda w: reverse("password_reset"),
        {"email": "alice@example.org"},
        None,
        lambda w: len(w["mailoutbox"]) == 1,
    ),
    "password reset confirm": Form(
        reset_url,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        None,
        lambda w: get_user_model().objects.get(username="alice").check_password(NEW_PASSWORD),
        page=reset_url,
    ),
    "password change": Form(
        lambda w: reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        "alice",
        lambda w: get_user_model().objects.get(username="alice").check_password(NEW_PASSWORD),
    ),
    "post a comment": Form(
        lambda w: reverse("discussion:post", args=[w["story"].slug]),
        {"body": "csrf test comment"},
        "alice",
        lambda w: Comment.objects.filter(body="csrf test comment").exists(),
    ),
    "reply": Form(
        lambda w: reverse("discussion:reply", args=[w["comment"].pk]),
        {"body": "csrf test reply"},
        "alice",
        lambda w: Comment.objects.filter(body="csrf test reply").exists(),
    ),
    "edit": Form(
        lambda w: reverse("discussion:edit", args=[w["own"].pk]),
        {"body": "edited text"},
        "alice",
        lambda w: Comment.objects.filter(body="edited text").exists(),
    ),
    "delete": Form(
        lambda w: reverse("discussion:delete", args=[w["own"].pk]),
        {},
        "alice",
        lambda w: Comment.objects.get(pk=w["own"].pk).status == "deleted",
    ),
    "report a comment": Form(
        lambda w: reverse("discussion:report", args=[w["comment"].pk]),
        {"reason": "spam"},
        "alice",
        lambda w: CommentReport.objects.exists(),
    ),
    "report inaccuracy": Form(
        lambda w: reverse("discussion:flag-sentence", args=[w["story"].slug, 0]),
        {"kind": "inaccurate"},
        None,
        lambda w: SentenceFlag.objects.exists(),
    ),
    "moderate a comment": Form(
        lambda w: reverse("discussion:moderate-comment", args=[w["comment"].pk]),
        {"action": "remove"},
        "maya",
        lambda w: Comment.objects.get(pk=w["comment"].pk).status == "removed",
    ),
    "moderate a reader": Form(
        lambda w: reverse("discussion:moderation-reader-action", args=["bob"]),
        {"action": "ban"},
        "maya",
        lambda w: not get_user_model().objects.get(username="bob").is_active,
    ),
    "close comments": Form(
        lambda w: reverse("discussion:story-comments", args=[w["story"].slug]),
        {"closed": "1"},
        "maya",
        lambda w: StoryDiscussion.objects.filter(closed=True).exists(),
    ),
    "resolve a brief flag": Form(
        lambda w: reverse("discussion:resolve-flag", args=[w["flag"].pk]),
        {"resolution": "fixed"},
        "maya",
        lambda w: ModerationAction.objects.filter(kind="flag-fixed").exists(),
    ),
}


@pytest.fixture
def world(story, established, mailoutbox):
    alice = make_user("alice")
    bob = make_user("bob")
    make_user("maya", groups=("Moderators", "Editors"))
    flag = SentenceFlag.objects.create(
        story=story, sentence_index=0, sentence_text="x", kind="inaccurate", client_ip="192.0.2.1"
    )
    world = {
        "story": story,
        "alice": alice,
        "comment": Comment.objects.create(story=story, author=bob, body="bob's comment"),
        "own": Comment.objects.create(story=story, author=alice, body="alice's comment"),
        "flag": flag,
        "mailoutbox": mailoutbox,
    }
    return world


def prepare(world, form: Form) -> Client:
    client = Client(enforce_csrf_checks=True)
    if form.user:
        client.force_login(get_user_model().objects.get(username=form.user))
    world["client"] = client
    return client


@pytest.mark.parametrize("name", FORMS)
def test_a_post_without_the_csrf_token_is_refused(world, name):
    form = FORMS[name]
    if name == "report inaccuracy":
        SentenceFlag.objects.all().delete()  # the world's flag is not this reader's
    client = prepare(world, form)
    client.get(form.page(world), follow=True)  # the CSRF cookie is set; the token not sent
    response = client.post(form.url(world), form.data)
    assert response.status_code == 403, name
    assert not form.changed(world), f"{name} changed state without a CSRF token"


@pytest.mark.parametrize("name", FORMS)
def test_the_same_post_with_the_token_goes_through(world, name):
    form = FORMS[name]
    if name == "report inaccuracy":
        SentenceFlag.objects.all().delete()
    client = prepare(world, form)
    page = client.get(form.page(world), follow=True)
    token = csrf_token_from(page.content.decode())
    # A reset link moves its token into the session and redirects to where the form posts.
    url = page.redirect_chain[-1][0] if page.redirect_chain else form.url(world)
    response = client.post(url, {**form.data, "csrfmiddlewaretoken": token})
    assert response.status_code in (200, 302), name
    assert form.changed(world), f"{name} did not take effect with a valid token"
