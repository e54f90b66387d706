"""Fixtures shared across the test folders."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.fixture
def back_to_latest_after():
    """For a test that migrates back: every later test needs the latest schema again."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
