from django.contrib import admin, messages

from newsdesk.stories.models import Membership, Story, StoryTag, Tag
from newsdesk.stories.services import merge_stories, split_article


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["article", "joined_at", "pinned"]
    readonly_fields = ["article", "joined_at", "pinned"]
    extra = 0
    can_delete = False


class StoryTagInline(admin.TabularInline):
    model = StoryTag
    extra = 0
    raw_id_fields = ["tag"]


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["headline", "last_published", "article_count", "outlet_count", "merged_into"]
    search_fields = ["headline", "slug"]
    readonly_fields = ["slug", "brief", "only_in", "brief_method", "merged_into"]
    inlines = [MembershipInline, StoryTagInline]
    actions = ["merge_selected"]

    @admin.action(description="Merge the selected stories into the oldest one")
    def merge_selected(self, request, queryset):
        stories = list(queryset.order_by("first_published", "pk"))
        if len(stories) < 2:
            self.message_user(request, "Select at least two stories to merge.", messages.WARNING)
            return
        target = merge_stories(stories[0], stories[1:])
        self.message_user(request, f"Merged {len(stories) - 1} stories into “{target}”.")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["article", "story", "pinned", "joined_at"]
    raw_id_fields = ["article", "story"]
    actions = ["split_out"]

    @admin.action(description="Split the selected articles out into stories of their own")
    def split_out(self, request, queryset):
        for membership in queryset.select_related("article"):
            split_article(membership.article)
        self.message_user(request, f"Split {queryset.count()} article(s) out.")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name"]
