"""Every ``newsdesk …`` command README.md documents runs, in README order, as a new operator would
type it: in a fresh data directory, with no step between, against the demo outlet farm on
127.0.0.1 standing in for the README's example.org. A traceback or a non-zero exit fails.

Commands that serve until Ctrl-C (``run``, ``worker``) are started, given until they say they
are up, then interrupted, and must stop cleanly. Placeholders (``NAME``, ``USERNAME``, an
optional ``[--flag X]``) are filled in or dropped; the files the batch commands read are made
from the test fixtures first.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsdesk.demo.farm import start_farm

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
LONG_RUNNING = {"run": "running at http://", "worker": "Starting worker"}
ACCOUNT = "alice"


def documented_commands(text: str) -> list[str]:
    """``newsdesk`` command lines from ```sh blocks and `inline code`, in order, each once."""
    found: list[tuple[int, str]] = []
    for block in re.finditer(r"```sh\n(.*?)```", text, re.S):
        for offset, line in _lines_with_offsets(block.group(1), block.start(1)):
            command = line.split(" # ")[0].split("  #")[0].strip()
            if re.match(r"^(?:[A-Z_]+=\S+\s+)*(?:\.venv/bin/)?newsdesk\s+\S", command):
                found.append((offset, command))
    prose = re.sub(r"```.*?```", lambda m: " " * len(m.group(0)), text, flags=re.S)
    for span in re.finditer(r"`([^`]+)`", prose):
        command = " ".join(span.group(1).split())
        if re.match(r"^(?:\.venv/bin/)?newsdesk\s+[a-z]", command):
            found.append((span.start(), command))
    ordered: dict[str, str] = {}  # the same command with or without .venv/bin/ runs once
    for _, command in sorted(found):
        ordered.setdefault(command.replace(".venv/bin/newsdesk", "newsdesk"), command)
    return list(ordered.values())


def _lines_with_offsets(block: str, start: int):
    offset = start
    for line in block.splitlines(keepends=True):
        yield offset, line.rstrip("\n")
        offset += len(line)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def farm():
    server, farm = start_farm("127.0.0.1", 0)
    yield farm
    server.shutdown()
    server.server_close()


def test_the_readme_documents_the_first_hour_commands():
    commands = documented_commands(README.read_text())
    for verb in ("feeds", "ingest", "status", "run", "worker", "moderators", "extract"):
        assert any(verb in c.split() for c in commands), (verb, commands)


def test_every_command_the_readme_documents_works_on_a_fresh_install(tmp_path, farm):
    (outlet, feed_url), *_ = farm.feed_urls()
    homepage = f"{farm.base_url}/{outlet['slug']}/"
    work = tmp_path / "work"
    work.mkdir()
    _batch_inputs(work)
    env = {
        **os.environ,
        "NEWSDESK_DATA_DIR": str(tmp_path / "data"),
        "NEWSDESK_PORT": str(free_port()),
        "ORT_DISABLE_TELEMETRY": "1",
    }
    env.pop("DATABASE_URL", None)  # its own fresh SQLite database, not the test database
    ran = []
    for documented in documented_commands(README.read_text()):
        line = (
            documented.replace("https://example.org/feed.xml", feed_url)
            .replace("https://example.org/", homepage)
            .replace("/etc/nginx/conf.d/newsdesk.conf", "newsdesk.conf")
        )
        line = re.sub(r"\s*\[[^\]]*\]", "", line)  # optional parts
        words = shlex.split(line)
        extra_env = {}
        while re.match(r"^[A-Z_]+=", words[0]):
            name, _, value = words.pop(0).partition("=")
            extra_env[name] = value
        words = words[1:]  # .venv/bin/newsdesk or newsdesk
        words = [ACCOUNT if w in ("NAME", "USERNAME") else w for w in words]
        if ACCOUNT in words:
            _make_account(env)
        stdout_file = None
        if ">" in words:
            stdout_file = work / words[words.index(">") + 1]
            words = words[: words.index(">")]
        argv = [sys.executable, "-m", "newsdesk.cli", *words]
        if words[0] in LONG_RUNNING:
            output, code = _start_and_interrupt(argv, {**env, **extra_env}, work, words[0])
        else:
            done = subprocess.run(
                argv,
                env={**env, **extra_env},
                cwd=work,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=300,
            )
            output, code = done.stdout + done.stderr, done.returncode
            if stdout_file is not None:
                stdout_file.write_text(done.stdout)
        assert "Traceback" not in output, f"{documented}\n{output}"
        assert code == 0, f"{documented} exited {code}\n{output}"
        ran.append((documented, output))
    said = dict(ran)
    first = next(c for c in said if "feeds add https://example.org/feed.xml" in c)
    assert "newsdesk: setting up the database" in said[first]  # no manual migrate step
    assert 'subscribed: "' in said[first]
    assert "already subscribed" in said[next(c for c in said if c.endswith('--outlet "BBC"'))]
    assert "stories" in said[next(c for c in said if c.endswith("newsdesk status"))]


def _make_account(env: dict) -> None:
    subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", "createsuperuser", "--noinput"],
        env={
            **env,
            "DJANGO_SUPERUSER_USERNAME": ACCOUNT,
            "DJANGO_SUPERUSER_EMAIL": f"{ACCOUNT}@example.org",
            "DJANGO_SUPERUSER_PASSWORD": "a long demo password",
        },
        capture_output=True,
        timeout=120,
    )  # a second time only says the name is taken


def _start_and_interrupt(argv, env, cwd, verb) -> tuple[str, int]:
    log = cwd / f"{verb}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and process.poll() is None:
            if LONG_RUNNING[verb] in log.read_text():
                break
            time.sleep(0.3)
        assert process.poll() is None, f"{verb} stopped by itself:\n{log.read_text()}"
        assert LONG_RUNNING[verb] in log.read_text(), f"{verb} did not come up:\n{log.read_text()}"
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    return log.read_text(), code


def _batch_inputs(work: Path) -> None:
    """page.html and articles.jsonl, which the batch commands' examples read."""
    page = ROOT / "tests" / "ingest" / "testdata" / "article-post-office.html"
    (work / "page.html").write_bytes(page.read_bytes())
    lines = [
        {
            "id": f"a{i}",
            "title": title,
            "text": text,
            "outlet": outlet,
            "published": f"2026-11-2{i}T10:00:00+00:00",
        }
        for i, (title, text, outlet) in enumerate(
            [
                (
                    "Tarnbridge ferry returns after repairs",
                    "The Tarnbridge ferry returned to service on Monday after three weeks of "
                    "repairs to its hull. The operator said crossings would run every hour.",
                    "Valley Post",
                ),
                (
                    "Ferry back on the Tarn",
                    "The ferry across the Tarn at Tarnbridge resumed crossings on Monday after "
                    "repairs to its hull that took three weeks.",
                    "The Gazette",
                ),
            ]
        )
    ]
    (work / "articles.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
