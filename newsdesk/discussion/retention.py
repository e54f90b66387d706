"""Forget readers' network addresses once no limit needs them (DISCUSSION_KEEP_ADDRESSES_DAYS).

Run by the discussion's periodic housekeeping task (tasks.py), so a site that runs at all
forgets on time; each statement touches only rows past the cut-off that still hold an address
(indexed on created_at), so a run with nothing to forget costs a few index probes.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from newsdesk import limits
from newsdesk.discussion.models import Comment, LoginFailure, Reader, SentenceFlag


def forget_old_addresses(now=None) -> int:
    """Blank addresses older than the limit and delete old failed logins; returns rows changed."""
    cutoff = (now or timezone.now()) - timedelta(days=limits.DISCUSSION_KEEP_ADDRESSES_DAYS)
    changed = 0
    for model, field in (
        (Comment, "client_ip"),
        (SentenceFlag, "client_ip"),
        (Reader, "signup_ip"),
    ):
        changed += (
            model.objects.filter(created_at__lt=cutoff).exclude(**{field: ""}).update(**{field: ""})
        )
    changed += LoginFailure.objects.filter(created_at__lt=cutoff).delete()[0]
    return changed
