from django.contrib import admin
from django.utils import timezone

from newsdesk.ingest.models import Article, Feed, Host, Outlet


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "family", "homepage"]
    search_fields = ["name", "family"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ["url", "outlet", "last_status", "last_success_at", "error_count", "gone"]
    list_filter = ["gone", "outlet"]
    search_fields = ["url", "title"]
    readonly_fields = ["etag", "last_modified", "last_fetched_at", "last_error", "last_error_at"]
    actions = ["poll_now"]

    @admin.action(description="Poll now (and resume feeds that answered 410)")
    def poll_now(self, request, queryset):
        count = queryset.update(next_fetch_at=timezone.now(), gone=False, error_count=0)
        self.message_user(request, f"{count} feed(s) will be polled on the next scheduler tick.")


@admin.register(Host)
class HostAdmin(admin.ModelAdmin):
    list_display = ["name", "lease_until", "blocked_until", "robots_fetched_at"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "published", "extraction", "processed_at"]
    list_filter = ["extraction", "outlet"]
    search_fields = ["title", "url"]
    date_hierarchy = "published"
    raw_id_fields = ["feed"]
