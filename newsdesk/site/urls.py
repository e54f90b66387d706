from django.urls import path

from newsdesk.site import views

urlpatterns = [
    path("", views.front_page, name="front"),
    path("stories/<slug:slug>/", views.story_page, name="story"),
    path("tags/<slug:slug>/", views.tag_page, name="tag"),
    path("outlets/<slug:slug>/", views.outlet_page, name="outlet"),
    path("search", views.search_page, name="search"),
    path("healthz", views.health, name="health"),
]
