"""newsdesk.project is the whole program: its settings, URLs and WSGI entry, and the commands
that start all of it at once (``run``: web server, task workers and every periodic task;
``demo``: the same on the bundled outlets; ``worker``: a worker for every app's tasks). The
apps (ingest, stories, site, discussion) own their parts and their own commands; what drives
several of them together lives here, beside the settings that assemble them, rather than
inside any one app."""

from django.apps import AppConfig


class ProjectConfig(AppConfig):
    name = "newsdesk.project"
    label = "project"
    verbose_name = "newsdesk: the whole program"
