"""Ingest: what outlets publish, read politely and safely.

It owns outlets, feeds and articles (``models.py``): subscribing (``subscriptions.py``,
``discover.py``, ``opml.py``), fetching under the fetch policy (``fetch.py``, ``policy.py``,
``hosts.py``, ``schedule.py``), parsing and cleaning feeds (``parse.py``, ``encoding.py``,
``decompress.py``, ``clean.py``), storing entries (``pipeline.py``) and extracting article
text (``pages.py``, ``extract.py``). It never imports the stories app: grouping is chained
after it by ``newsdesk.orchestrate``.
"""
