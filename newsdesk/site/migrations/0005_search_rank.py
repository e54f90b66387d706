"""A narrow copy of what search ranking reads per match, on SQLite: each document's id, story
and date (also as a Julian day number), kept in step with site_searchdocument by triggers like
the FTS index (0002). docs/search.md says why. PostgreSQL needs neither.
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
