"""How ``newsdesk`` runs a Django management command for an operator.

- An unknown command gets newsdesk's own overview, not Django's list.
- The database is brought up to date before any command that uses it, saying so in one line
  only when there is something to do: a fresh install needs no ``migrate`` step.
- A user error (``CommandError``, an unreachable database, a file that cannot be read or
  written, Ctrl-C) is one line on stderr and a non-zero exit, never a traceback;
  ``--traceback`` or ``NEWSDESK_DEBUG=1`` shows one.
"""

from __future__ import annotations

import os
import sys

# Commands that must not (or need not) touch the database before they run.
NO_MIGRATION_NEEDED = frozenset(
    {
        "check",
        "collectstatic",
        "compilemessages",
        "dbshell",
        "diffsettings",
        "findstatic",
        "help",
        "makemessages",
        "makemigrations",
        "migrate",
        "nginx_config",
        "optimizemigration",
        "sendtestemail",
        "showmigrations",
        "sqlflush",
        "sqlmigrate",
        "sqlsequencereset",
        "squashmigrations",
        "startapp",
        "startproject",
        "test",
        "version",
    }
)


def run_django_command(argv: list[str], overview: str) -> int:
    import django
    from django.core.management import get_commands, load_command_class
    from django.core.management.base import CommandError, handle_default_options
    from django.db import DatabaseError, connections

    name = argv[0]
    debug = os.environ.get("NEWSDESK_DEBUG", "") in ("1", "true", "yes") or "--traceback" in argv
    django.setup()
    if name in ("help", "--version", "version") or name.startswith("-"):
        from django.core.management import execute_from_command_line

        if name.startswith("-") and name not in ("--version",):
            return _unknown(name, overview)
        execute_from_command_line(["newsdesk", *argv])
        return 0
    commands = get_commands()
    if name not in commands:
        return _unknown(name, overview)
    command = load_command_class(commands[name], name)
    # argparse mistakes print the command's usage and exit 2, as on any command line.
    command._called_from_command_line = True
    parser = command.create_parser("newsdesk", name)
    options = parser.parse_args(argv[1:])
    handle_default_options(options)
    cmd_options = vars(options)
    args = cmd_options.pop("args", ())
    try:
        if name not in NO_MIGRATION_NEEDED:
            bring_database_up_to_date()
        command.execute(*args, **cmd_options)
    except KeyboardInterrupt:
        print(f"\nnewsdesk {name}: interrupted", file=sys.stderr)
        return 130
    except CommandError as error:
        if debug:
            raise
        print(f"newsdesk {name}: {error}", file=sys.stderr)
        return error.returncode or 1
    except OSError as error:
        # A file the operator named that cannot be read or written, a port already taken...
        if debug:
            raise
        where = f"{error.filename}: " if error.filename else ""
        print(f"newsdesk {name}: {where}{error.strerror or error}", file=sys.stderr)
        return 1
    except DatabaseError as error:
        if debug:
            raise
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        print(
            f"newsdesk {name}: database error on {database_in_use()}: "
            f"{type(error).__name__}: {first_line}",
            file=sys.stderr,
        )
        return 1
    finally:
        connections.close_all()
    return 0


def _unknown(name: str, overview: str) -> int:
    print(f"newsdesk: no command called {name!r}.\n", file=sys.stderr)
    print(overview, file=sys.stderr)
    return 2


def bring_database_up_to_date() -> int:
    """Apply any migration not yet applied; returns how many ran. Quiet when there are none."""
    from django.core.management import call_command
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return 0
    first_use = not executor.loader.applied_migrations
    what = "setting up" if first_use else f"applying {len(plan)} update(s) to"
    print(f"newsdesk: {what} the database ({database_in_use()})...", file=sys.stderr)
    call_command("migrate", interactive=False, verbosity=0)
    return len(plan)


def database_in_use() -> str:
    """The default database in words, without its password."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite, {db['NAME']}"
    where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
    vendor = "PostgreSQL" if "postgresql" in db["ENGINE"] else db["ENGINE"].rsplit(".", 1)[-1]
    return f"{vendor}, database {db['NAME']} on {where}"
