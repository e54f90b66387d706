"""Reader accounts: Django's auth views, with a login throttle and a sign-up page."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import login
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from newsdesk import limits
from newsdesk.discussion import limiter, throttle
from newsdesk.discussion.forms import SignUpForm
from newsdesk.discussion.models import Reader


class ThrottledLoginMixin:
    """Refuses to check any password while the account or address must wait, and counts
    failures. Goes in front of Django's AuthenticationForm (or the admin's)."""

    request: HttpRequest | None

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password") or ""
        address = throttle.client_ip(self.request) if self.request else "unknown"
        if not (username and password):
            return super().clean()  # no password to check, nothing to count
        # Counted before the password is checked (see throttle.reserve_login_attempt).
        wait, _ = throttle.reserve_login_attempt(username, address)
        if wait:
            raise ValidationError(
                "Too many failed attempts to log in. Try again in %(wait)s, or reset your "
                "password if you have forgotten it.",
                code="throttled",
                params={"wait": throttle.describe_wait(wait)},
            )
        cleaned = super().clean()  # raises for a wrong password: the attempt stays counted
        throttle.clear_login_failures(username)
        return cleaned


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


class ThrottledLoginView(LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "discussion/accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "throttled"):
            response.status_code = 429  # Too Many Requests: tells scripts as well as people
        return response


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def signup(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, reverse("front"))
    if request.user.is_authenticated:
        return redirect(next_url)
    form = SignUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        address = throttle.client_ip(request)
        if _signups_left(address) <= 0:  # said at once, before any work
            _refuse_signup(form, address)
            status = 429
        elif form.is_valid():
            user = form.save(commit=False)  # the password is hashed here, outside the lock
            if _create_account(form, user, address):
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, f"Welcome, {user.get_username()}. You are logged in.")
                return redirect(next_url)
            status = 429 if form.has_error(NON_FIELD_ERRORS, "signup_limit") else 400
        else:
            status = 400
    return render(
        request,
        "discussion/accounts/signup.html",
        {"form": form, "next": next_url},
        status=status,
    )


def _signups_left(address: str) -> int:
    since = timezone.now() - timedelta(days=1)
    made = Reader.objects.filter(signup_ip=address, created_at__gte=since).count()
    return limits.DISCUSSION_SIGNUPS_PER_IP_PER_DAY - made


def _refuse_signup(form: SignUpForm, address: str) -> None:
    form.add_error(
        None,
        ValidationError(
            f"{limits.DISCUSSION_SIGNUPS_PER_IP_PER_DAY} accounts were created from your "
            "network today, the most we allow. Please try again tomorrow.",
            code="signup_limit",
        ),
    )


def _create_account(form: SignUpForm, user, address: str) -> bool:
    """Store the account if this address has a sign-up left, counted and written in one locked
    step (limiter.counted): simultaneous sign-ups never pass the limit together."""
    with limiter.counted(f"signup-ip:{address}"):
        if _signups_left(address) <= 0:
            _refuse_signup(form, address)
            return False
        try:
            with transaction.atomic():
                user.save()
                form.save_m2m()
                Reader.objects.create(user=user, signup_ip=address)
        except IntegrityError:  # the same name, signed up a moment ago by someone else
            form.add_error("username", "A reader with that username already exists.")
            return False
    return True
