"""The column the PostgreSQL index lives in."""

from django.db import models


class TsVectorField(models.Field):
    """PostgreSQL's tsvector; plain text elsewhere (unused there). Avoids requiring
    django.contrib.postgres, and so psycopg, on SQLite installs."""

    def db_type(self, connection) -> str:
        return "tsvector" if connection.vendor == "postgresql" else "text"
