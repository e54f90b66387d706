"""The discussion's housekeeping as a periodic task (newsdesk/periodic.py): it forgets readers'
old addresses (retention.py) and enqueues its own next run, so a site that runs at all forgets
on time."""

from __future__ import annotations

from django.tasks import task

from newsdesk import limits
from newsdesk.discussion.retention import forget_old_addresses
from newsdesk.periodic import ensure_waiting


@task()
def discussion_housekeeping() -> int:
    """Forget addresses past their time, then schedule the next run; returns rows changed."""
    changed = forget_old_addresses()
    ensure_housekeeping(after=limits.SCHEDULER_TICK_SECONDS)
    return changed


def ensure_housekeeping(after: float = 0) -> bool:
    """Enqueue the next housekeeping run unless one is already waiting. True if enqueued."""
    return ensure_waiting(discussion_housekeeping, after)
