"""Periodic tasks on Django's tasks framework (``django-tasks-db``), with no scheduler of our own.

A periodic task ends by enqueueing its next run ``run_after`` its period (``ensure_waiting``
with ``after``); ``newsdesk run``, ``demo`` and ``worker`` make sure one run of each is waiting
(newsdesk/project/management/commands/run.py). The queue is the database's, so any number of
workers share it, and a run a dead worker never finished is queued again at the next start.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone


def ensure_waiting(task, after: float = 0) -> bool:
    """Enqueue ``task`` to run ``after`` seconds from now unless a run of it is already waiting.
    Returns True if enqueued."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=task.module_path)
    if waiting.exists():
        return False
    task.using(run_after=timezone.now() + timedelta(seconds=after)).enqueue()
    return True
