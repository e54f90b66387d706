from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count

from newsdesk.stories.corrections import (
    hide_tags,
    merge_stories,
    merge_tags,
    rename_tag,
    split_article,
)
from newsdesk.stories.models import Membership, Story, StoryTag, Tag, TagAlias, TagReading
from newsdesk.stories.tasks import refresh_story_task


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
    actions = ["merge_selected", "rebuild_selected"]

    @admin.action(description="Rebuild the brief and tags of the selected stories")
    def rebuild_selected(self, request, queryset):
        """Queue a re-brief (after the LLM settings change, say, or to give briefs stored
        before a brief field existed that field). Queued, never in the request: with an LLM
        each story can take a minute."""
        ids = list(queryset.values_list("pk", flat=True))
        transaction.on_commit(lambda: [refresh_story_task.enqueue(pk) for pk in ids])
        self.message_user(
            request,
            f"Queued {len(ids)} {'story' if len(ids) == 1 else 'stories'} to be re-briefed "
            "by the task workers.",
        )

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
    """Rename (edit the name), merge or hide tags; each sticks for future stories."""

    list_display = ["name", "kind", "kind_by_editor", "slug", "hidden", "merged_into"]
    list_filter = ["kind", "kind_by_editor", "hidden"]
    search_fields = ["name"]
    readonly_fields = ["slug", "merged_into", "readings"]
    fields = ["name", "kind", "kind_by_editor", "readings", "slug", "hidden", "merged_into"]
    actions = ["merge_selected", "hide_selected"]

    @admin.display(description="stories' readings")
    def readings(self, tag: Tag) -> str:
        """How its stories read the tag, counted by kind and cue: the evidence for its kind."""
        counts = (
            TagReading.objects.filter(tag=tag)
            .values_list("kind", "cue")
            .annotate(n=Count("pk"))
            .order_by("-n")
        )
        return "; ".join(f"{kind} ({cue}): {n}" for kind, cue, n in counts) or "none"

    def save_model(self, request, obj, form, change):
        if "kind" in form.changed_data:
            obj.kind_by_editor = True  # the editor's kind wins over the stories' readings
        if change and "name" in form.changed_data:
            new_name = obj.name
            obj.name = form.initial["name"]
            rename_tag(obj, new_name)
            form.changed_data.remove("name")
        if change and "hidden" in form.changed_data and obj.hidden:
            hide_tags([obj])
        super().save_model(request, obj, form, change)

    @admin.action(description="Merge the selected tags into the most used one")
    def merge_selected(self, request, queryset):
        tags = sorted(queryset, key=lambda t: -t.story_tags.count())
        if len(tags) < 2:
            self.message_user(request, "Select at least two tags to merge.", messages.WARNING)
            return
        target = merge_tags(tags[0], tags[1:])
        self.message_user(request, f"Merged {len(tags) - 1} tag(s) into “{target}”.")

    @admin.action(description="Hide the selected tags (now and for future stories)")
    def hide_selected(self, request, queryset):
        hide_tags(list(queryset))
        self.message_user(request, f"Hid {queryset.count()} tag(s).")


@admin.register(TagAlias)
class TagAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "tag", "by_tagger"]
    search_fields = ["name", "tag__name"]
    raw_id_fields = ["tag"]
