"""Stories: articles grouped into stories, briefed and tagged.

It owns stories, memberships and tags (``models.py``) and feeds the language core from the
database: placing articles in stories in the grouping turn (``grouping.py``), rebuilding a
story's brief, passages, tags and counts (``refresh.py``, ``tags.py``) and editors'
corrections (``corrections.py``). It reads ingest's models only, and tells other apps that a
story changed through ``signals.story_changed``.
"""
