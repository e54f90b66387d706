"""The search index: SearchDocument and its full-text indexes.

SQLite: an external-content FTS5 table over the text columns, with prefix indexes for 2 and 3
characters (the reader's last word is searched as a prefix), and a narrow ranking table
(search_searchrank) holding each document's id, story and date as a Julian day number; triggers
keep both in step with search_searchdocument. The table's narrow columns come first. A later
Django rebuild of search_searchdocument (an AlterField on SQLite remakes the table) drops the
triggers with the old table: such a migration must recreate them. docs/search.md says why.

PostgreSQL: a GIN index on the tsvector column (its rows keep long values out of line and its
prefix match uses the index, so it needs neither of SQLite's extra tables).

Installs made before this app existed get their documents from site's migration 0006.
"""

import django.db.models.deletion
import newsdesk.search.fields
from django.db import migrations, models

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_searchdocument_fts USING fts5(
        headline, brief, body, tags, outlets,
        content='search_searchdocument', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')""",
    # External-content FTS5 kept in step by triggers (the pattern in SQLite's FTS5 docs, 4.4.3).
    """CREATE TRIGGER search_searchdocument_ai AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_searchdocument_fts(rowid, headline, brief, body, tags, outlets)
        VALUES (new.id, new.headline, new.brief, new.body, new.tags, new.outlets); END""",
    """CREATE TRIGGER search_searchdocument_ad AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_searchdocument_fts(search_searchdocument_fts, rowid, headline, brief,
        body, tags, outlets) VALUES ('delete', old.id, old.headline, old.brief, old.body,
        old.tags, old.outlets); END""",
    """CREATE TRIGGER search_searchdocument_au AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_searchdocument_fts(search_searchdocument_fts, rowid, headline, brief,
        body, tags, outlets) VALUES ('delete', old.id, old.headline, old.brief, old.body,
        old.tags, old.outlets);
        INSERT INTO search_searchdocument_fts(rowid, headline, brief, body, tags, outlets)
        VALUES (new.id, new.headline, new.brief, new.body, new.tags, new.outlets); END""",
    """CREATE TABLE search_searchrank (
        "id" integer NOT NULL PRIMARY KEY,
        "story_id" bigint NOT NULL,
        "last_published" datetime NULL,
        "published_day" real NULL)""",
    """CREATE TRIGGER search_searchrank_ai AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_searchrank (id, story_id, last_published, published_day)
        VALUES (new.id, new.story_id, new.last_published, julianday(new.last_published)); END""",
    """CREATE TRIGGER search_searchrank_ad AFTER DELETE ON search_searchdocument BEGIN
        DELETE FROM search_searchrank WHERE id = old.id; END""",
    """CREATE TRIGGER search_searchrank_au AFTER UPDATE ON search_searchdocument BEGIN
        DELETE FROM search_searchrank WHERE id = old.id;
        INSERT INTO search_searchrank (id, story_id, last_published, published_day)
        VALUES (new.id, new.story_id, new.last_published, julianday(new.last_published)); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_searchrank_au",
    "DROP TRIGGER IF EXISTS search_searchrank_ad",
    "DROP TRIGGER IF EXISTS search_searchrank_ai",
    "DROP TABLE IF EXISTS search_searchrank",
    "DROP TRIGGER IF EXISTS search_searchdocument_au",
    "DROP TRIGGER IF EXISTS search_searchdocument_ad",
    "DROP TRIGGER IF EXISTS search_searchdocument_ai",
    "DROP TABLE IF EXISTS search_searchdocument_fts",
]
GIN_INDEX = "search_document_vector_gin"


def _gin_index():
    from django.contrib.postgres.indexes import GinIndex

    return GinIndex(fields=["vector"], name=GIN_INDEX)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        schema_editor.add_index(apps.get_model("search", "SearchDocument"), _gin_index())


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in SQLITE_BACKWARD:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("search", "SearchDocument"), _gin_index())


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('stories', '0008_story_brief_passages'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('story', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='search_document', to='stories.story')),
                ('last_published', models.DateTimeField(db_index=True, null=True)),
                ('headline', models.TextField(blank=True)),
                ('brief', models.TextField(blank=True)),
                ('body', models.TextField(blank=True)),
                ('tags', models.TextField(blank=True)),
                ('outlets', models.TextField(blank=True)),
                ('vector', newsdesk.search.fields.TsVectorField(editable=False, null=True)),
            ],
        ),
        migrations.RunPython(forward, backward),
    ]
