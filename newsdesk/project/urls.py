from django.contrib import admin
from django.urls import include, path

from newsdesk.site.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("newsdesk.site.urls")),
    # Reader accounts under accounts/ (Django's auth views), comments, moderation.
    path("", include("newsdesk.discussion.urls")),
]
handler404 = "newsdesk.site.views.not_found"
