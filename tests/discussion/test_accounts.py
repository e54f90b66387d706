"""Reader accounts: sign-up, log in and out, password reset by email, Argon2, profiles, and the
login throttle that slows guessing without ever locking a real reader out for good."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsdesk import limits
from newsdesk.discussion import throttle
from newsdesk.discussion.models import Comment, LoginFailure, Reader
from newsdesk.project import settings as project_settings

from .conftest import PASSWORD, client_for

User = get_user_model()


def signup(client: Client, username: str, email: str | None = None, **extra):
    return client.post(
        reverse("signup"),
        {
            "username": username,
            "email": email or f"{username}@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "/stories/nowhere/#comments",
        },
        **extra,
    )


def log_in(client: Client, username: str, password: str, address: str = "127.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_every_story_page_links_to_sign_up_for_logged_out_readers(story):
    html = Client().get(story.get_absolute_url()).content.decode()
    assert html.count(f'href="{reverse("signup")}?next=') >= 2  # the header and the comments
    assert f'href="{reverse("login")}?next=' in html


def test_sign_up_creates_the_account_logs_in_and_returns_to_the_story(db):
    client = Client()
    response = signup(client, "carol", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    assert response["Location"] == "/stories/nowhere/#comments"
    user = User.objects.get(username="carol")
    assert user.email == "carol@example.org"
    assert Reader.objects.get(user=user).signup_ip == "203.0.113.9"
    assert client.get(reverse("discussion:profile", args=["carol"])).context["own"] is True


def test_sign_up_refuses_an_email_address_already_in_use(alice):
    response = signup(Client(), "alice2", email="ALICE@example.org")
    assert response.status_code == 400
    assert "An account already uses this address" in response.content.decode()
    assert not User.objects.filter(username="alice2").exists()


@pytest.mark.parametrize(
    "password,why",
    [
        ("short1!", "This password is too short. It must contain at least 10 characters."),
        ("1234567890123", "This password is entirely numeric."),
        ("password1234", "This password is too common."),
        ("frankfrank1", "The password is too similar to the username."),
    ],
)
def test_sign_up_refuses_weak_passwords(db, password, why):
    response = Client().post(
        reverse("signup"),
        {
            "username": "frankfrank",
            "email": "f@example.org",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 400
    assert why in response.content.decode().replace("&#x27;", "'")
    assert not User.objects.filter(username="frankfrank").exists()


def test_sign_up_never_redirects_off_site(db):
    response = Client().post(
        reverse("signup"),
        {
            "username": "dave",
            "email": "dave@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "https://evil.example/phish",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("front")


def test_sign_ups_are_limited_per_address(db, monkeypatch):
    monkeypatch.setattr(limits, "DISCUSSION_SIGNUPS_PER_IP_PER_DAY", 2)
    for name in ("one", "two"):
        assert signup(Client(), name, REMOTE_ADDR="198.51.100.7").status_code == 302
    refused = signup(Client(), "three", REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429
    assert "accounts were created from your network today" in refused.content.decode()
    assert not User.objects.filter(username="three").exists()
    # Another address is not affected.
    assert signup(Client(), "four", REMOTE_ADDR="198.51.100.8").status_code == 302


def test_passwords_are_hashed_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS  # the real configuration
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    signup(Client(), "erin")
    user = User.objects.get(username="erin")
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)


def test_log_in_and_log_out(alice):
    client = Client()
    response = log_in(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)
    # Logging out is a POST (a link could be triggered by another site's <img>).
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email_end_to_end(alice, mailoutbox):
    client = Client()
    response = client.post(reverse("password_reset"), {"email": "alice@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["alice@example.org"]
    assert mail.subject == "Reset your newsdesk password"
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", mail.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.content.decode()
    new_password = "another long sentence for a password"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new_password)
    # The link works once.
    assert "no longer valid" in client.get(link, follow=True).content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(db, mailoutbox):
    response = Client().post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []


def test_smtp_is_configured_from_the_environment(tmp_path):
    env = dict(
        os.environ,
        NEWSDESK_DATA_DIR=str(tmp_path),
        NEWSDESK_SMTP_HOST="mail.example.org",
        NEWSDESK_SMTP_PORT="2525",
        NEWSDESK_SMTP_TLS="1",
        DJANGO_SETTINGS_MODULE="newsdesk.project.settings",
    )
    code = (
        "import django; django.setup(); from django.core.mail import mailers; "
        "m = mailers.default; print(type(m).__module__, m.host, m.port, m.use_tls)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["django.core.mail.backends.smtp", "mail.example.org", "2525", "True"]


def test_the_profile_shows_the_readers_published_comments(story, alice, bob, established):
    client = client_for(alice)
    client.post(reverse("discussion:post", args=[story.slug]), {"body": "Published words"})
    Comment.objects.create(story=story, author=alice, body="Held words", status="held")
    page = Client().get(reverse("discussion:profile", args=["alice"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Published words" in html and story.headline in html
    assert "Held words" not in html  # others never see held comments
    assert (
        "Held words" in client.get(reverse("discussion:profile", args=["alice"])).content.decode()
    )
    assert client_for(bob).get(reverse("discussion:profile", args=["nobody"])).status_code == 404


# --- The login throttle -------------------------------------------------------------------------


def age_failures(seconds: float) -> None:
    """Time passing, as far as the throttle can tell: every failure moves into the past."""
    for failure in LoginFailure.objects.all():
        failure.created_at -= timedelta(seconds=seconds)
        failure.save()


def test_five_failures_then_even_the_right_password_must_wait(alice):
    client = Client()
    for _ in range(limits.DISCUSSION_LOGIN_FREE_FAILURES_PER_ACCOUNT):
        assert log_in(client, "alice", "wrong").status_code == 200
    response = log_in(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert re.search(
        r"Too many failed attempts to log in. Try again in \d+ seconds", response.content.decode()
    )
    assert "_auth_user_id" not in client.session
    # The guesses were counted against the account, whatever their case.
    assert throttle.login_wait_seconds("ALICE", "192.0.2.1") > 0


def test_the_delay_grows_with_each_failure_and_expires(alice):
    for _ in range(limits.DISCUSSION_LOGIN_FREE_FAILURES_PER_ACCOUNT):
        throttle.record_login_failure("alice", "192.0.2.1")
    first_wait = throttle.login_wait_seconds("alice", "192.0.2.2")
    assert 0 < first_wait <= limits.DISCUSSION_LOGIN_DELAY_BASE_SECONDS
    age_failures(first_wait + 1)
    assert throttle.login_wait_seconds("alice", "192.0.2.2") == 0
    # The next wrong guess doubles the wait.
    assert log_in(Client(), "alice", "wrong", address="192.0.2.3").status_code == 200
    second_wait = throttle.login_wait_seconds("alice", "192.0.2.2")
    assert second_wait > first_wait
    assert second_wait <= 2 * limits.DISCUSSION_LOGIN_DELAY_BASE_SECONDS
    age_failures(second_wait + 1)
    assert log_in(Client(), "alice", PASSWORD, address="192.0.2.3").status_code == 302
    # A success starts the account afresh.
    assert not LoginFailure.objects.filter(username="alice").exists()


def test_the_delay_is_capped_so_nobody_is_locked_out_for_good(alice):
    for _ in range(200):
        throttle.record_login_failure("alice", "192.0.2.1")
    wait = throttle.login_wait_seconds("alice", "192.0.2.9")
    assert 0 < wait <= limits.DISCUSSION_LOGIN_DELAY_MAX_SECONDS
    age_failures(limits.DISCUSSION_LOGIN_DELAY_MAX_SECONDS + 1)
    assert log_in(Client(), "alice", PASSWORD, address="192.0.2.9").status_code == 302


def test_failures_older_than_the_window_are_forgotten(alice):
    for _ in range(limits.DISCUSSION_LOGIN_FREE_FAILURES_PER_ACCOUNT):
        throttle.record_login_failure("alice", "192.0.2.1")
    age_failures(limits.DISCUSSION_LOGIN_FAILURE_WINDOW_SECONDS + 1)
    throttle.record_login_failure("alice", "192.0.2.1")  # purges what the window forgot
    assert LoginFailure.objects.count() == 1
    assert throttle.login_wait_seconds("alice", "192.0.2.1") == 0


def test_one_address_guessing_many_accounts_is_throttled(alice, bob):
    address = "198.51.100.20"
    for n in range(limits.DISCUSSION_LOGIN_FREE_FAILURES_PER_IP):
        log_in(Client(), f"user{n}", "guess", address=address)
    response = log_in(Client(), "bob", PASSWORD, address=address)
    assert response.status_code == 429
    # Bob himself, from his own address, is not held back by the stranger's guessing.
    assert log_in(Client(), "bob", PASSWORD, address="198.51.100.21").status_code == 302


def test_the_admin_login_is_throttled_too(db):
    User.objects.create_superuser("root", "root@example.org", PASSWORD)
    for _ in range(limits.DISCUSSION_LOGIN_FREE_FAILURES_PER_ACCOUNT):
        Client().post(reverse("admin:login"), {"username": "root", "password": "nope"})
    response = Client().post(reverse("admin:login"), {"username": "root", "password": PASSWORD})
    assert "Too many failed attempts to log in" in response.content.decode()
    assert "_auth_user_id" not in response.client.session


def test_addresses_are_counted_per_ipv6_slash_64_and_proxies_only_when_trusted(monkeypatch):
    assert throttle.address_bucket("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert throttle.address_bucket("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert throttle.address_bucket("::ffff:192.0.2.5") == "192.0.2.5"
    assert throttle.address_bucket("not an address") == "unknown"

    class Request:
        META = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.5"}

    assert throttle.client_ip(Request()) == "10.0.0.1"  # no proxy trusted by default
    monkeypatch.setattr(limits, "DISCUSSION_TRUSTED_PROXIES", 1)
    assert throttle.client_ip(Request()) == "203.0.113.5"  # not the client-written 6.6.6.6


@pytest.mark.parametrize("seconds,text", [(1, "1 second"), (45, "45 seconds"), (900, "15 minutes")])
def test_waits_are_described_in_words(seconds, text):
    assert throttle.describe_wait(seconds) == text


def test_a_banned_account_cannot_log_in_and_its_session_ends(alice):
    client = client_for(alice)
    alice.is_active = False
    alice.save()
    assert not client.get("/").wsgi_request.user.is_authenticated
    assert log_in(Client(), "alice", PASSWORD).status_code == 200


def test_failed_logins_older_than_a_success_do_not_count(alice):
    for _ in range(limits.DISCUSSION_LOGIN_FREE_FAILURES_PER_ACCOUNT - 1):
        log_in(Client(), "alice", "wrong")
    assert log_in(Client(), "alice", PASSWORD).status_code == 302
    log_in(Client(), "alice", "wrong")
    assert log_in(Client(), "alice", PASSWORD).status_code == 302


def test_login_failures_have_a_timestamp_in_the_window(alice):
    before = timezone.now()
    log_in(Client(), "alice", "wrong")
    failure = LoginFailure.objects.get()
    assert failure.username == "alice" and failure.created_at >= before
