"""Search over stories, as its own app.

It owns the search index: ``SearchDocument`` (one row per story), with the FTS5 and ranking
tables its migration creates on SQLite, or the weighted tsvector and its GIN index on
PostgreSQL. It keeps the index in step through ``newsdesk.stories.signals.story_changed`` (the
stories app never imports search), and answers the site's queries
(``newsdesk.search.query.search``). docs/search.md explains the SQLite tables.
"""
