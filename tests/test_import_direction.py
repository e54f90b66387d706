"""The import graph keeps its direction: the language core below everything, ``ingest`` below
``stories``, the site and the orchestration (``newsdesk/orchestrate.py``) above both.

Read with ``ast`` from the source files, so an import inside a function (the usual way to hide
a cycle) counts as much as one at the top of a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

NEWSDESK = Path(__file__).resolve().parent.parent / "newsdesk"


def imported_names(source: str, module: str) -> set[str]:
    """Every name ``source`` imports, anywhere in it, dotted: ``from a import b`` gives ``a.b``
    (``b`` may be a module or a name in ``a``). ``module`` (the file's dotted name) resolves
    relative imports."""
    names: set[str] = set()
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def imports_of(package: str, skip: str = "") -> dict[str, set[str]]:
    """``{file: imported names}`` for every Python file under ``newsdesk/<package>``, less
    files under ``skip``."""
    found = {}
    root = NEWSDESK / package
    files = [root.with_suffix(".py")] if root.with_suffix(".py").exists() else root.rglob("*.py")
    for path in files:
        relative = path.relative_to(NEWSDESK.parent)
        if skip and str(relative).startswith(skip):
            continue
        module = ".".join(relative.with_suffix("").parts)
        found[str(relative)] = imported_names(path.read_text(encoding="utf-8"), module)
    return found


def offenders(package: str, forbidden: str, allowed: tuple[str, ...] = (), skip: str = ""):
    def within(name: str, prefix: str) -> bool:
        return name == prefix or name.startswith(prefix + ".")

    return {
        path: sorted(
            name
            for name in names
            if within(name, forbidden) and not any(within(name, ok) for ok in allowed)
        )
        for path, names in imports_of(package, skip).items()
        if any(within(n, forbidden) and not any(within(n, ok) for ok in allowed) for n in names)
    }


RULES = [
    # The language core is plain Python: no Django, no app. It reads newsdesk.limits (every
    # limit and default in one plain-Python module, itself importing nothing of newsdesk).
    pytest.param("core", "django", (), id="core-no-django"),
    pytest.param("core", "newsdesk", ("newsdesk.core", "newsdesk.limits"), id="core-no-app"),
    pytest.param("limits", "django", (), id="limits-no-django"),
    pytest.param("limits", "newsdesk", ("newsdesk.limits",), id="limits-no-newsdesk"),
    # stories is fed by ingest's models and by nothing else of ingest; it knows nothing of
    # the site, search, discussion or what runs the pipeline.
    pytest.param("stories", "newsdesk.site", (), id="stories-no-site"),
    pytest.param("stories", "newsdesk.search", (), id="stories-no-search"),
    pytest.param("stories", "newsdesk.discussion", (), id="stories-no-discussion"),
    pytest.param("stories", "newsdesk.ingest", ("newsdesk.ingest.models",), id="stories-ingest"),
    pytest.param("stories", "newsdesk.orchestrate", (), id="stories-no-orchestrate"),
    # ingest never imports stories: grouping is chained after it by newsdesk.orchestrate.
    pytest.param("ingest", "newsdesk.stories", (), id="ingest-no-stories"),
    pytest.param("site", "newsdesk.ingest.pipeline", (), id="site-no-ingest-pipeline"),
    # search keeps its index in step through the stories app's signal; the site queries it.
    pytest.param("search", "newsdesk.site", (), id="search-no-site"),
    pytest.param("search", "newsdesk.ingest", (), id="search-no-ingest"),
]


@pytest.mark.parametrize(("package", "forbidden", "allowed"), RULES)
def test_the_import_graph_keeps_its_direction(package, forbidden, allowed):
    assert imports_of(package), f"no source found under newsdesk/{package}"
    assert offenders(package, forbidden, allowed) == {}


def test_only_entry_points_import_the_orchestration():
    # ingest's own commands (`newsdesk ingest`, `newsdesk worker`) start the pipeline; the
    # rest of ingest is below it.
    assert offenders("ingest", "newsdesk.orchestrate", skip="newsdesk/ingest/management/") == {}
    assert offenders("ingest", "newsdesk.orchestrate"), "the commands import it (or moved)"


def test_imports_inside_functions_and_relative_imports_are_seen():
    source = (
        "import os\n"
        "def later():\n"
        "    from newsdesk.stories.grouping import process_articles\n"
        "    from . import models\n"
        "    from ..core import text\n"
    )
    names = imported_names(source, "newsdesk.ingest.pipeline")
    assert {"os", "newsdesk.stories.grouping.process_articles"} <= names
    assert {"newsdesk.ingest.models", "newsdesk.core.text"} <= names
