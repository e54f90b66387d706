"""Site: what readers and programs read.

It owns the pages (front, story, tag, outlet, search; ``views.py``, ``story_page.py``,
``listings.py``), the feeds (``feeds.py``), the JSON API (``api.py``, with its tokens in
``models.py``), page caching (``pagecache.py``, ``middleware.py``) and checking every public
parameter (``params.py``). It reads the other apps; none of them imports it.
"""
