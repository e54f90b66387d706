"""Reader accounts: Django's auth views, with a login throttle and a sign-up page."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import login
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from newsdesk import limits
from newsdesk.discussion import throttle
from newsdesk.discussion.forms import SignUpForm
from newsdesk.discussion.models import Reader


class ThrottledLoginMixin:
    """Refuses to check any password while the account or address must wait, and counts
    failures. Goes in front of Django's AuthenticationForm (or the admin's)."""

    request: HttpRequest | None

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = throttle.client_ip(self.request) if self.request else "unknown"
        wait = throttle.login_wait_seconds(username, address)
        if wait:
            raise ValidationError(
                "Too many failed attempts to log in. Try again in %(wait)s, or reset your "
                "password if you have forgotten it.",
                code="throttled",
                params={"wait": throttle.describe_wait(wait)},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            if username and self.cleaned_data.get("password"):
                throttle.record_login_failure(username, address)
            raise
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
        since = timezone.now() - timedelta(days=1)
        made = Reader.objects.filter(signup_ip=address, created_at__gte=since).count()
        if made >= limits.DISCUSSION_SIGNUPS_PER_IP_PER_DAY:
            form.add_error(
                None,
                f"{made} accounts were created from your network today, the most we allow. "
                "Please try again tomorrow.",
            )
            status = 429
        elif form.is_valid():
            user = form.save()
            Reader.objects.create(user=user, signup_ip=address)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user.get_username()}. You are logged in.")
            return redirect(next_url)
        else:
            status = 400
    return render(
        request,
        "discussion/accounts/signup.html",
        {"form": form, "next": next_url},
        status=status,
    )
