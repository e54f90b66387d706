"""The whole program: settings, URLs, WSGI, and the commands that start every part together
(``run``, ``demo``, ``worker``); see ``apps.py``."""
