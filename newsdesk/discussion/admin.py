from django.contrib import admin, messages

from newsdesk.discussion import actions
from newsdesk.discussion.models import (
    Comment,
    CommentReport,
    LoginFailure,
    ModerationAction,
    Reader,
    SentenceFlag,
    StoryDiscussion,
)


class ReportInline(admin.TabularInline):
    model = CommentReport
    fields = ["reporter", "reason", "note", "created_at", "resolved_at", "resolved_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["pk", "author", "story", "status", "held_reason", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["body", "author__username", "story__headline"]
    raw_id_fields = ["story", "author", "parent"]
    # Status changes go through the actions below, which record them in the moderation log.
    readonly_fields = ["status", "fingerprint", "client_ip", "created_at", "edited_at", "depth"]
    inlines = [ReportInline]
    actions = ["approve_selected", "remove_selected"]

    @admin.action(description="Approve the selected comments (logged)")
    def approve_selected(self, request, queryset):
        for comment in queryset:
            actions.approve_comment(comment, request.user)
        self.message_user(request, f"Approved {queryset.count()} comment(s).")

    @admin.action(description="Remove the selected comments (logged)")
    def remove_selected(self, request, queryset):
        removed = actions.remove_comments(queryset, request.user)
        self.message_user(request, f"Removed {removed} comment(s).", messages.SUCCESS)


@admin.register(CommentReport)
class CommentReportAdmin(admin.ModelAdmin):
    list_display = ["comment", "reporter", "reason", "created_at", "resolved_at"]
    list_filter = ["reason", "resolved_at"]
    raw_id_fields = ["comment", "reporter", "resolved_by"]


@admin.register(SentenceFlag)
class SentenceFlagAdmin(admin.ModelAdmin):
    list_display = ["story", "sentence_index", "kind", "reporter", "created_at", "resolution"]
    list_filter = ["kind", "resolution"]
    search_fields = ["sentence_text", "note", "story__headline"]
    raw_id_fields = ["story", "reporter", "resolved_by"]
    readonly_fields = ["sentence_text", "sources", "client_ip", "created_at"]


@admin.register(Reader)
class ReaderAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "muted_until", "signup_ip"]
    search_fields = ["user__username", "signup_ip"]
    raw_id_fields = ["user"]


@admin.register(StoryDiscussion)
class StoryDiscussionAdmin(admin.ModelAdmin):
    list_display = ["story", "closed", "closed_at", "closed_by"]
    list_filter = ["closed"]
    raw_id_fields = ["story"]
    fields = ["story", "closed", "closed_at", "closed_by"]
    readonly_fields = ["closed_at", "closed_by"]

    def save_model(self, request, obj, form, change) -> None:
        # Through the action, so closing from the admin is logged like closing on the site.
        super().save_model(request, obj, form, change)
        if "closed" in form.changed_data or not change:
            actions.set_comments_closed(obj.story, obj.closed, request.user)


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The moderation log: readable by staff, written only by the actions themselves."""

    list_display = ["created_at", "moderator_name", "kind", "target_name", "comment", "detail"]
    list_filter = ["kind", "created_at"]
    search_fields = ["moderator_name", "target_name", "detail"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Failed logins the throttle is counting; deleting rows lifts a delay early."""

    list_display = ["username", "client_ip", "created_at"]
    search_fields = ["username", "client_ip"]

    def has_add_permission(self, request) -> bool:
        return False
