"""The batch commands' JSON Lines formats, run as a user runs them (a subprocess)."""

import json
import subprocess
import sys

import pytest

from newsdesk.core.brief_compress import is_deletion_of
from newsdesk.core.text import split_sentences

ARTICLES = [
    {
        "id": "late",
        "title": "Eleven ships stuck as Port Lerma strike begins",
        "text": "A strike by dock workers over night-shift pay has halted Port Lerma, with eleven "
        "container ships anchored in the bay on Monday. The union said talks would resume.",
        "outlet": "the Lantern",
        "published": "2026-03-02T10:00:00Z",
        "story": "s1",
    },
    {
        "id": "early",
        "title": "Dock workers at Port Lerma walk out over night-shift pay",
        "text": "Dock workers at Port Lerma stopped work on Monday in a dispute over night-shift "
        "pay, leaving eleven container ships waiting in the bay. The port authority called the "
        "strike unlawful and said it would go to court.",
        "outlet": "NWB World",
        "published": "2026-03-02T08:00:00Z",
        "story": "s1",
        "categories": ["Business"],
    },
    {
        "id": "cup",
        "title": "Volta Queens lift the Champions Cup",
        "text": "Volta Queens beat Atlantique FC 2-1 in the final of the Champions Cup on Sunday.",
        "published": "2026-03-02T09:00:00Z",
        "categories": ["Football"],
    },
]


def run(command, lines, tmp_path, *extra):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    target = tmp_path / "out.jsonl"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsdesk.cli",
            command,
            "--in",
            str(source),
            "--out",
            str(target),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]


def test_cluster_streams_in_published_order_and_groups_one_event(tmp_path):
    records = run("cluster", ARTICLES, tmp_path)
    assert [r["id"] for r in records] == ["early", "cup", "late"]
    story = {r["id"]: r["story"] for r in records}
    assert story["early"] == story["late"] != story["cup"]


def test_brief_gives_one_line_per_story_with_sources(tmp_path):
    records = run("brief", ARTICLES, tmp_path, "--sentences", "2")
    assert {r["story"] for r in records} == {"s1", "cup"}
    s1 = next(r for r in records if r["story"] == "s1")
    assert s1["headline"]
    assert 1 <= len(s1["sentences"]) <= 2
    for sentence in s1["sentences"]:
        assert sentence["sources"] and {"id", "sentence_index"} <= set(sentence["sources"][0])
        source = next(a for a in ARTICLES if a["id"] == sentence["sources"][0]["id"])
        cited = split_sentences(source["text"])[sentence["sources"][0]["sentence_index"]]
        assert is_deletion_of(sentence["text"], cited.text)
    assert set(s1) >= {"story", "headline", "sentences", "only_in"}


def test_tag_without_story_gives_one_line_per_article_with_spans(tmp_path):
    lines = [{k: v for k, v in a.items() if k != "story"} for a in ARTICLES]
    records = run("tag", lines, tmp_path)
    assert [r["id"] for r in records] == ["late", "early", "cup"]
    cup = records[2]
    assert {"name": "Sport", "kind": "topic"} in cup["tags"]
    text = ARTICLES[2]["text"]
    for span in cup["entities"]:
        assert text[span["start"] : span["end"]] == span["text"]


def test_a_bad_line_is_reported_with_its_number_and_nothing_is_written(tmp_path):
    source = tmp_path / "bad.jsonl"
    source.write_text('{"id": "ok", "title": "x"}\nnot json\n', encoding="utf-8")
    target = tmp_path / "out.jsonl"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsdesk.cli",
            "cluster",
            "--in",
            str(source),
            "--out",
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "line 2" in done.stderr
    assert not target.exists()


@pytest.mark.parametrize("command", ["cluster", "brief", "tag", "extract", "--help"])
def test_every_command_has_help(command):
    args = [command, "--help"] if command != "--help" else ["--help"]
    done = subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", *args], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    assert "usage" in done.stdout.lower()


def test_extract_prints_the_article_text(tmp_path):
    page = tmp_path / "page.html"
    body = "".join(
        f"<p>Paragraph {i} of an invented report about the Port Lerma strike and its effect on "
        f"the eleven ships in the bay, told at length so the extractor sees an article.</p>"
        for i in range(6)
    )
    page.write_text(
        f"<html><body><nav><a href='/'>Home</a> <a href='/x'>Sport</a></nav><article><h1>Strike"
        f"</h1>{body}</article><footer>Copyright footer text</footer></body></html>",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", "extract", "--html", str(page)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Paragraph 5 of an invented report" in done.stdout
    assert "Copyright footer" not in done.stdout


def test_brief_through_an_llm_endpoint_that_is_down_falls_back_and_logs(tmp_path):
    records = run(
        "brief",
        ARTICLES,
        tmp_path,
        "--llm-url",
        "http://127.0.0.1:9/v1",
        "--llm-model",
        "m",
        "--llm-timeout",
        "2",
    )
    s1 = next(r for r in records if r["story"] == "s1")
    assert s1["method"] == "lead-compressive" and s1["sentences"]
    assert s1["log"], "the fallback's reason is logged"
