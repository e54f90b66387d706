"""The search index moves to the search app (newsdesk.search, its migration 0001).

The documents are copied into the search app's table (its triggers fill its FTS5 and ranking
tables on SQLite; the tsvector is copied on PostgreSQL), then this app's table goes, with its
FTS5 table, ranking table and triggers (0002-0005) on SQLite. Backwards, those are made again
as 0005 left them and the documents copied back.
"""

from importlib import import_module

from django.db import migrations

_0002 = import_module("newsdesk.site.migrations.0002_search_indexes")
_0005 = import_module("newsdesk.site.migrations.0005_search_rank")

COLUMNS = ["story_id", "last_published", "headline", "brief", "body", "tags", "outlets", "vector"]

SQLITE_FORWARD = [*_0005.SQLITE_BACKWARD, *_0002.SQLITE_BACKWARD]
SQLITE_BACKWARD = [
    # As 0004 left it: with prefix indexes.
    """CREATE VIRTUAL TABLE site_searchdocument_fts USING fts5(
        headline, brief, body, tags, outlets,
        content='site_searchdocument', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')""",
    *_0002.SQLITE_FORWARD[1:],
    *_0005.SQLITE_FORWARD,
]


def _copy(schema_editor, source, target):
    quote = schema_editor.quote_name
    columns = ", ".join(quote(c) for c in COLUMNS)
    schema_editor.execute(
        f"INSERT INTO {quote(target._meta.db_table)} ({columns}) "
        f"SELECT {columns} FROM {quote(source._meta.db_table)} ORDER BY {quote('id')}"
    )


def copy_documents(apps, schema_editor):
    _copy(
        schema_editor,
        apps.get_model("site", "SearchDocument"),
        apps.get_model("search", "SearchDocument"),
    )


def copy_documents_back(apps, schema_editor):
    _copy(
        schema_editor,
        apps.get_model("search", "SearchDocument"),
        apps.get_model("site", "SearchDocument"),
    )


def drop_index_tables(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": _0002.POSTGRES_BACKWARD}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def create_index_tables(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": _0002.POSTGRES_FORWARD}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("site", "0005_search_rank"), ("search", "0001_initial")]
    operations = [
        migrations.RunPython(copy_documents, copy_documents_back),
        migrations.RunPython(drop_index_tables, create_index_tables),
        migrations.DeleteModel(name="SearchDocument"),
    ]
