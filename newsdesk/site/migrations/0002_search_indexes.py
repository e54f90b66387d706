"""Full-text indexes for SearchDocument: FTS5 on SQLite, GIN on PostgreSQL."""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE site_searchdocument_fts USING fts5(
        headline, brief, body, tags, outlets,
        content='site_searchdocument', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    # External-content FTS5 kept in step by triggers (the pattern in SQLite's FTS5 docs, 4.4.3).
    """CREATE TRIGGER site_searchdocument_ai AFTER INSERT ON site_searchdocument BEGIN
        INSERT INTO site_searchdocument_fts(rowid, headline, brief, body, tags, outlets)
        VALUES (new.id, new.headline, new.brief, new.body, new.tags, new.outlets); END""",
    """CREATE TRIGGER site_searchdocument_ad AFTER DELETE ON site_searchdocument BEGIN
        INSERT INTO site_searchdocument_fts(site_searchdocument_fts, rowid, headline, brief, body,
        tags, outlets) VALUES ('delete', old.id, old.headline, old.brief, old.body, old.tags,
        old.outlets); END""",
    """CREATE TRIGGER site_searchdocument_au AFTER UPDATE ON site_searchdocument BEGIN
        INSERT INTO site_searchdocument_fts(site_searchdocument_fts, rowid, headline, brief, body,
        tags, outlets) VALUES ('delete', old.id, old.headline, old.brief, old.body, old.tags,
        old.outlets);
        INSERT INTO site_searchdocument_fts(rowid, headline, brief, body, tags, outlets)
        VALUES (new.id, new.headline, new.brief, new.body, new.tags, new.outlets); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS site_searchdocument_au",
    "DROP TRIGGER IF EXISTS site_searchdocument_ad",
    "DROP TRIGGER IF EXISTS site_searchdocument_ai",
    "DROP TABLE IF EXISTS site_searchdocument_fts",
]
POSTGRES_FORWARD = [
    "CREATE INDEX site_searchdocument_vector_gin ON site_searchdocument USING gin(vector)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS site_searchdocument_vector_gin"]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("site", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
