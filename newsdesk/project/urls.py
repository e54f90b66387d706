from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("newsdesk.site.urls")),
    # Reader accounts under accounts/ (Django's auth views), comments, moderation.
    path("", include("newsdesk.discussion.urls")),
]
