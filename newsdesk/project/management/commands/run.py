"""``newsdesk run``: the embedded default, web server + worker + periodic tasks in one process
group; ``demo`` and ``worker`` use its parts."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from newsdesk.discussion.tasks import ensure_housekeeping
from newsdesk.orchestrate import ensure_scheduler


def ensure_periodic_tasks() -> None:
    """Make sure one run of every periodic task is waiting (newsdesk/periodic.py): the feed
    scheduler and the discussion's housekeeping."""
    ensure_scheduler()
    ensure_housekeeping()


def ensure_port_free(host: str, port: int, how_to_change: str) -> None:
    """Stop with a clear message, before any work, when the site's port is taken (gunicorn would
    only say so after retrying, and ``newsdesk demo`` after ingesting everything)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise CommandError(
                f"cannot serve on {host}:{port} ({error.strerror}): is newsdesk or another "
                f"server already running there? Stop it, or choose another port: {how_to_change}."
            ) from error


def start_children(host: str, port: int, web_workers: int, task_workers: int):
    python = sys.executable
    web = [
        python,
        "-m",
        "gunicorn",
        "newsdesk.project.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(web_workers),
        "--threads",
        "4",
        "--worker-class",
        "gthread",
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "5",
    ]
    worker = [python, "-m", "newsdesk.cli", "worker", "--no-scheduler"]
    return [subprocess.Popen(web)] + [subprocess.Popen(worker) for _ in range(task_workers)]


def supervise(children, ready_message: str, out) -> int:
    """Wait until any child exits or we are told to stop, then stop them all."""
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    out.write(ready_message)
    out.flush()
    code = 0
    while not stopping:
        dead = [c for c in children if c.poll() is not None]
        if dead:
            code = dead[0].returncode or 1
            out.write(f"a child process exited ({dead[0].args[2:4]}, code {code}); stopping\n")
            break
        time.sleep(0.3)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
    out.write("newsdesk stopped.\n")
    return code


class Command(BaseCommand):
    help = (
        "Run newsdesk: the web server (gunicorn), a task worker and the feed scheduler, "
        "stopped together by Ctrl-C. Migrates the database first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("NEWSDESK_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("NEWSDESK_PORT", 8000)))
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument(
            "--task-workers", type=int, default=1, help="task worker processes (keep 1 on SQLite)"
        )

    def handle(self, *args, host, port, web_workers, task_workers, **options):
        ensure_port_free(host, port, "--port N or NEWSDESK_PORT=N")
        call_command("migrate", interactive=False, verbosity=0)
        ensure_periodic_tasks()
        children = start_children(host, port, web_workers, task_workers)
        code = supervise(
            children,
            f"\nnewsdesk is running at http://{host}:{port}/  (Ctrl-C stops it)\n",
            self.stdout,
        )
        if code:
            sys.exit(code)
