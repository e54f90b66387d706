from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.generic import RedirectView

from newsdesk.site import feeds, views
from newsdesk.site.pagecache import listing
from newsdesk.site.sitemaps import SITEMAPS

# Feeds answer If-Modified-Since from the newest story change (ETags come from the middleware)
# and are cached whole like the listing pages (pagecache.py).
rss, atom, json_feed = (
    listing(feeds.StoryFeed()),
    listing(feeds.AtomStoryFeed()),
    listing(feeds.json_feed),
)

urlpatterns = [
    path("", views.front_page, name="front"),
    path("feed.rss", rss, name="front-rss"),
    path("feed.atom", atom, name="front-atom"),
    path("feed.json", json_feed, name="front-json"),
    path("stories/<slug:slug>/", views.story_page, name="story"),
    path("tags/<slug:slug>/", views.tag_page, name="tag"),
    path("outlets/<slug:slug>/", views.outlet_page, name="outlet"),
    path("search", views.search_page, name="search"),
    # The other pages end in a slash, so readers type one here too: keep their query.
    path("search/", RedirectView.as_view(pattern_name="search", query_string=True)),
    path("search/feed.rss", rss, {"kind": "search"}, name="search-rss"),
    path("search/feed.atom", atom, {"kind": "search"}, name="search-atom"),
    path("search/feed.json", json_feed, {"kind": "search"}, name="search-json"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("healthz", views.health, name="health"),
]
for kind, prefix in (("tag", "tags"), ("outlet", "outlets")):
    urlpatterns += [
        path(f"{prefix}/<slug:slug>/feed.rss", rss, {"kind": kind}, name=f"{kind}-rss"),
        path(f"{prefix}/<slug:slug>/feed.atom", atom, {"kind": kind}, name=f"{kind}-atom"),
        path(f"{prefix}/<slug:slug>/feed.json", json_feed, {"kind": kind}, name=f"{kind}-json"),
    ]
