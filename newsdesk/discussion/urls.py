"""Reader accounts (Django's auth views under accounts/, with their usual names), comments,
brief flags and moderation (namespace "discussion")."""

from django.contrib.auth import views as auth
from django.urls import include, path

from newsdesk.discussion import accounts, moderation, views


def _template(name: str) -> str:
    return f"discussion/accounts/{name}.html"


account_patterns = [
    path("signup/", accounts.signup, name="signup"),
    path("login/", accounts.ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(next_page="front"), name="logout"),
    path(
        "password/",
        auth.PasswordChangeView.as_view(template_name=_template("password_change")),
        name="password_change",
    ),
    path(
        "password/done/",
        auth.PasswordChangeDoneView.as_view(template_name=_template("password_change_done")),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth.PasswordResetView.as_view(
            template_name=_template("password_reset_form"),
            email_template_name="discussion/accounts/password_reset_email.txt",
            subject_template_name="discussion/accounts/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth.PasswordResetDoneView.as_view(template_name=_template("password_reset_done")),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(template_name=_template("password_reset_confirm")),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth.PasswordResetCompleteView.as_view(template_name=_template("password_reset_complete")),
        name="password_reset_complete",
    ),
    path("profile/", views.my_profile, name="my_profile"),
]

discussion_patterns = [
    path("readers/<str:username>/", views.profile, name="profile"),
    path("stories/<slug:slug>/comments/", views.post_comment, name="post"),
    path(
        "stories/<slug:slug>/comments/settings/",
        moderation.story_comments,
        name="story-comments",
    ),
    path(
        "stories/<slug:slug>/brief/<int:index>/report/",
        views.flag_sentence,
        name="flag-sentence",
    ),
    path("comments/<int:pk>/", views.comment_permalink, name="comment"),
    path("comments/<int:pk>/reply/", views.reply, name="reply"),
    path("comments/<int:pk>/edit/", views.edit, name="edit"),
    path("comments/<int:pk>/delete/", views.delete, name="delete"),
    path("comments/<int:pk>/report/", views.report, name="report"),
    path("moderation/", moderation.queue, name="moderation-queue"),
    path("moderation/comments/<int:pk>/", moderation.act_on_comment, name="moderate-comment"),
    path("moderation/readers/<str:username>/", moderation.reader, name="moderation-reader"),
    path(
        "moderation/readers/<str:username>/act/",
        moderation.reader_action,
        name="moderation-reader-action",
    ),
    path("moderation/brief-flags/", moderation.flag_queue, name="flag-queue"),
    path("moderation/brief-flags/<int:pk>/", moderation.resolve_flag, name="resolve-flag"),
]

urlpatterns = [
    path("accounts/", include(account_patterns)),
    path("", include((discussion_patterns, "discussion"))),
]
