"""The language core is plain Python: its examples run, and it never imports Django."""

import doctest
import importlib
import subprocess
import sys

import pytest

CORE_MODULES = [
    "newsdesk.core",
    "newsdesk.core.group",
    "newsdesk.core.group_features",
    "newsdesk.core.brief",
    "newsdesk.core.tag",
]


@pytest.mark.parametrize("name", CORE_MODULES)
def test_documented_examples_run(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0


def test_core_imports_no_django():
    code = (
        "import sys, newsdesk.core, newsdesk.core.jsonl; "
        "bad = [m for m in sys.modules if m.split('.')[0] == 'django']; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
