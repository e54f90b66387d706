"""Raw SQL names tables through the models (``Model._meta.db_table``), never by spelling
them: a string in the source that holds a model's table name is a query that breaks silently
when a model moves or is renamed. Migrations are history and may spell what was there."""

import ast
import re
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).parents[1] / "newsdesk"


def spelled_tables() -> dict[str, list[str]]:
    tables = sorted({m._meta.db_table for m in apps.get_models()}, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, tables)) + r")\b")
    found: dict[str, list[str]] = {}
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                # A docstring may name a table in prose; a query has SQL around it.
                if re.search(r"\b(SELECT|FROM|JOIN|UPDATE|INSERT|DELETE)\b", node.value):
                    for match in pattern.finditer(node.value):
                        found.setdefault(str(path.relative_to(ROOT)), []).append(match[1])
    return found


def test_no_query_spells_a_table_name():
    assert spelled_tables() == {}
