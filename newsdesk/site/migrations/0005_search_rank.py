"""A narrow copy of what search ranking reads per match, on SQLite.

Ranking a search reads each match's story and date; from site_searchdocument that is one wide
row per match, and ``julianday()`` parses the stored date each time. This table holds a few
dozen bytes a row with the date already a Julian day number (docs/search.md has the
measurements).

Triggers keep it in step with site_searchdocument, like the FTS index (0002). A Django rebuild
of site_searchdocument (an AlterField on SQLite remakes the table) drops both sets of triggers
with the old table: such a migration must recreate them, as 0004 did. PostgreSQL needs
neither: its rows keep long values out of line.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE TABLE site_searchrank (
        "id" integer NOT NULL PRIMARY KEY,
        "story_id" bigint NOT NULL,
        "last_published" datetime NULL,
        "published_day" real NULL)""",
    """INSERT INTO site_searchrank (id, story_id, last_published, published_day)
        SELECT id, story_id, last_published, julianday(last_published)
        FROM site_searchdocument""",
    """CREATE TRIGGER site_searchrank_ai AFTER INSERT ON site_searchdocument BEGIN
        INSERT INTO site_searchrank (id, story_id, last_published, published_day)
        VALUES (new.id, new.story_id, new.last_published, julianday(new.last_published)); END""",
    """CREATE TRIGGER site_searchrank_ad AFTER DELETE ON site_searchdocument BEGIN
        DELETE FROM site_searchrank WHERE id = old.id; END""",
    """CREATE TRIGGER site_searchrank_au AFTER UPDATE ON site_searchdocument BEGIN
        DELETE FROM site_searchrank WHERE id = old.id;
        INSERT INTO site_searchrank (id, story_id, last_published, published_day)
        VALUES (new.id, new.story_id, new.last_published, julianday(new.last_published)); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS site_searchrank_au",
    "DROP TRIGGER IF EXISTS site_searchrank_ad",
    "DROP TRIGGER IF EXISTS site_searchrank_ai",
    "DROP TABLE IF EXISTS site_searchrank",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("site", "0004_faster_search")]
    operations = [migrations.RunPython(forward, backward)]
