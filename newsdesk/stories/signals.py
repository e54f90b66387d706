"""Signals the stories app sends, so that other apps keep what they derive from a story in step
without the stories app importing them (the search index listens: newsdesk/search/apps.py)."""

from django.dispatch import Signal

# Sent with ``story``, ``articles`` (the articles its brief was made from, texts and outlets
# loaded, oldest first: all of a small story's, a bounded pool of a big one's), ``outlets``
# (the names of all its outlets) and ``tags`` (its Tag objects) each time a rebuilt story is
# written, inside that write's transaction: a receiver's writes commit or roll back with the
# story's.
story_changed = Signal()
