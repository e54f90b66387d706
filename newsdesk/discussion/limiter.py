"""Limits that hold when requests arrive together: counting what a limit allows and writing
what it counts are one step, under a lock on what is counted.

Checked first and written after, requests arriving together all see the same count, and all
pass a limit only one of them should. ``counted(*keys)`` opens a transaction holding a lock on
each key (e.g. ``"signup-ip:203.0.113.7"``) until it commits; a second request for the same
key waits, then counts the first one's row. Requests for other keys do not wait on PostgreSQL.

- PostgreSQL: a transaction-scoped advisory lock per key (``pg_advisory_xact_lock`` on a 64-bit
  hash of it), released at commit or rollback. Nothing is stored, so no table of addresses
  grows or outlives the address retention (limits.DISCUSSION_KEEP_ADDRESSES_DAYS).
- SQLite: the transaction begins IMMEDIATE (settings: ``transaction_mode``), which takes the
  database's one write lock at its start, so two counted steps never overlap at all.

Keep the work inside small (a count and an insert): password hashing happens before or after.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def counted(*keys: str) -> Iterator[None]:
    """A transaction in which nobody else counts or writes under any of ``keys``."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # One order for everyone, so two requests taking two keys cannot deadlock.
                for key in sorted(set(keys)):
                    cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
        elif connection.vendor == "sqlite" and _sqlite_mode() != "IMMEDIATE":
            raise RuntimeError(
                "limits need SQLite transactions to begin IMMEDIATE: keep the "
                "'transaction_mode' option of newsdesk/project/settings.py"
            )
        yield


def _sqlite_mode() -> str:
    return (connection.settings_dict.get("OPTIONS") or {}).get("transaction_mode") or ""
