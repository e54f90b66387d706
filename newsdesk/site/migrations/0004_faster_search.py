"""Faster search on SQLite: site_searchdocument rebuilt with its narrow columns (story_id,
last_published) before the wide text ones, and the FTS5 index rebuilt with prefix indexes for 2
and 3 characters. docs/search.md says why. PostgreSQL needs neither.
"""

from django.db import migrations

TRIGGERS = __import__(
    "newsdesk.site.migrations.0002_search_indexes", fromlist=["SQLITE_FORWARD"]
).SQLITE_FORWARD[1:]

SQLITE = [
    """CREATE TABLE "site_searchdocument_new" (
        "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
        "story_id" bigint NOT NULL UNIQUE REFERENCES "stories_story" ("id")
            DEFERRABLE INITIALLY DEFERRED,
        "last_published" datetime NULL,
        "headline" text NOT NULL, "brief" text NOT NULL, "body" text NOT NULL,
        "tags" text NOT NULL, "outlets" text NOT NULL, "vector" text NULL)""",
    """INSERT INTO site_searchdocument_new
        (id, story_id, last_published, headline, brief, body, tags, outlets, vector)
        SELECT id, story_id, last_published, headline, brief, body, tags, outlets, vector
        FROM site_searchdocument""",
    # Its triggers go with it; the FTS index keys on id, which is kept.
    "DROP TABLE site_searchdocument",
    "ALTER TABLE site_searchdocument_new RENAME TO site_searchdocument",
    """CREATE INDEX "site_searchdocument_last_published_e4d1ded5"
        ON "site_searchdocument" ("last_published")""",
    *TRIGGERS,
    "DROP TABLE site_searchdocument_fts",
    """CREATE VIRTUAL TABLE site_searchdocument_fts USING fts5(
        headline, brief, body, tags, outlets,
        content='site_searchdocument', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')""",
    "INSERT INTO site_searchdocument_fts(site_searchdocument_fts) VALUES ('rebuild')",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("site", "0003_api_token")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
