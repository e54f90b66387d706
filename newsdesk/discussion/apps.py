from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "newsdesk.discussion"
    label = "discussion"
    verbose_name = "Discussion: reader accounts, comments and moderation"

    def ready(self) -> None:
        # The admin's login form gets the same throttle as the readers' one: otherwise
        # /admin/login/ would be an unthrottled way to guess any password.
        from django.contrib import admin

        from newsdesk.discussion.accounts import ThrottledAdminAuthenticationForm

        admin.site.login_form = ThrottledAdminAuthenticationForm

        from newsdesk.discussion import signals

        signals.connect()
