"""The LLM mode against a local OpenAI-compatible server started here (127.0.0.1, port 0).

Each route answers a fixed text: faithful, unfaithful, a paraphrase shown as a quote, garbage,
nothing, HTTP 500, or too slowly. Whatever it does, a brief comes back, only supported
sentences are published, and ``Brief.log`` says what was decided.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsdesk.core import ArticleText, brief_story
from newsdesk.core.brief import BriefMethod, SourceRef
from newsdesk.core.jsonl import read_articles
from newsdesk.core.llm import LLMConfig, LLMError, chat
from newsdesk.core.text import split_sentences

ARTICLES = [
    ArticleText(
        "1",
        "Floods close the coast road near Amerville - NWB World",
        "Floods closed the coast road near Amerville on Monday morning. Three villages were cut "
        "off from the regional hospital. Rain is expected to continue until Wednesday night.",
        outlet="NWB World",
    ),
    ArticleText(
        "2",
        "Coast road near Amerville shut as floods cut off villages",
        "Floods closed the coast road near Amerville on Monday, cutting off three villages. "
        'The mayor, Ines Carvalho, said "we need two helicopters to reach the villages".',
        outlet="the Lantern",
    ),
]


def answer(headline, sentences):
    return json.dumps({"headline": headline, "sentences": sentences})


REPLIES = {
    "faithful": answer(
        "Floods cut off three villages near Amerville",
        [
            "Floods closed the coast road near Amerville on Monday.",
            "Three villages were cut off from the regional hospital.",
        ],
    ),
    "one-invented": answer(
        "Floods close Amerville coast road",
        [
            "Floods closed the coast road near Amerville on Monday.",
            "Three villages were cut off from the regional hospital.",
            "Seven people died in the floods near Amerville.",
        ],
    ),
    "invented": answer(
        "Army evacuates Amerville",
        [
            "The army evacuated 4,000 people from Amerville on Tuesday.",
            "President Okafor declared a national emergency.",
        ],
    ),
    "false-quote": answer(
        "Mayor asks for helicopters",
        [
            "Floods closed the coast road near Amerville on Monday.",
            'The mayor, Ines Carvalho, said "we urgently need two army helicopters".',
        ],
    ),
    "stale": answer(
        "Halvik council to vote on harbour bridge tonight",
        [
            "Halvik's city council postponed its decision on the 300-million-mark harbour bridge "
            "until March.",
            "Halvik's city council will decide on Tuesday evening whether to approve a "
            "300-million-mark bridge across the inner harbour.",
            "The vote followed three hours of debate in a crowded chamber.",
        ],
    ),
    "dangling": answer(
        "Halvik puts off harbour bridge decision until March",
        [
            "Halvik's city council postponed its decision on the 300-million-mark harbour bridge "
            "until March, voting 7-6 on Tuesday night.",
            "She said the council could not decide without independent figures on the tides.",
            "The vote followed three hours of debate in a crowded chamber.",
        ],
    ),
    "garbage": "\x00\x01 lorem {{{ ipsum ]]",
    "fenced": "```json\n"
    + answer("Floods close coast road", ["Three villages were cut off from the regional hospital."])
    + "\n```",
}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        request = json.loads(self.rfile.read(length))
        self.server.requests.append((self.path, self.headers.get("Authorization"), request))
        route = self.path.split("/")[1]
        if route == "error":
            self.send_response(500)
            self.end_headers()
            return
        if route == "slow":
            time.sleep(2)
        if route == "notjson":
            body = b"<html>not an API</html>"
        elif route == "empty":
            body = json.dumps({"choices": [{"message": {"content": ""}}]}).encode()
        else:
            content = REPLIES.get(route, REPLIES["faithful"])
            body = json.dumps({"choices": [{"message": {"content": content}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the slow route's client gave up, as it should


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def config(server, route, timeout=5.0):
    host, port = server.server_address
    return LLMConfig(f"http://{host}:{port}/{route}/v1", "test-model", "k-123", timeout)


def assert_traceable(brief):
    texts = {a.id: [s.text for s in split_sentences(a.text)] for a in ARTICLES}
    for sentence in brief.sentences:
        assert sentence.sources, sentence.text
        for ref in sentence.sources:
            assert 0 <= ref.sentence_index < len(texts[ref.id])


def test_the_client_sends_model_messages_and_the_key_as_bearer(server):
    reply = chat(config(server, "faithful"), [{"role": "user", "content": "hi"}])
    assert "Amerville" in reply
    path, authorization, request = server.requests[-1]
    assert path == "/faithful/v1/chat/completions"
    assert authorization == "Bearer k-123"
    assert request["model"] == "test-model" and request["messages"][0]["content"] == "hi"


def test_a_faithful_answer_is_published_with_provenance_and_a_fresh_headline(server):
    brief = brief_story(ARTICLES, llm=config(server, "faithful"))
    assert brief.method == BriefMethod.LLM_GATED
    assert brief.headline == "Floods cut off three villages near Amerville"
    assert [s.text for s in brief.sentences][0].startswith("Floods closed the coast road")
    assert_traceable(brief)
    assert brief.sentences[1].sources[0] == SourceRef("1", 1)
    assert brief.log[-1].startswith("published 2 LLM sentences")


def test_an_invented_sentence_is_dropped_and_the_drop_is_logged(server):
    brief = brief_story(ARTICLES, llm=config(server, "one-invented"))
    assert brief.method == BriefMethod.LLM_GATED
    assert all("Seven" not in s.text for s in brief.sentences)
    assert any("dropped 'Seven people died" in line and "number 7" in line for line in brief.log)
    assert_traceable(brief)


def test_an_answer_that_is_mostly_invented_falls_back_to_the_default_brief(server):
    brief = brief_story(ARTICLES, llm=config(server, "invented"))
    assert brief.method == BriefMethod.LEAD_COMPRESSIVE
    assert brief.sentences and "fell back to the default brief" in brief.log[-1]
    assert any("4000" in line or "okafor" in line.lower() for line in brief.log)


def test_a_paraphrase_is_never_shown_as_a_direct_quote(server):
    brief = brief_story(ARTICLES, llm=config(server, "false-quote"))
    assert all('"' not in s.text for s in brief.sentences)
    assert any("quotation not verbatim" in line for line in brief.log)


def test_a_fenced_json_answer_is_read(server):
    brief = brief_story(ARTICLES, llm=config(server, "fenced"))
    assert brief.method == BriefMethod.LLM_GATED
    assert [s.text for s in brief.sentences] == [
        "Three villages were cut off from the regional hospital."
    ]


@pytest.mark.parametrize(
    "route, reason",
    [
        ("error", "HTTP 500"),
        ("notjson", "OpenAI chat format"),
        ("empty", "empty answer"),
        ("garbage", "unsupported"),
    ],
)
def test_a_broken_endpoint_gives_the_default_brief_and_logs_why(server, route, reason):
    default = brief_story(ARTICLES)
    brief = brief_story(ARTICLES, llm=config(server, route))
    assert brief.method == BriefMethod.LEAD_COMPRESSIVE
    assert [s.text for s in brief.sentences] == [s.text for s in default.sentences]
    assert reason in brief.log[-1]


def test_a_slow_endpoint_times_out_into_the_default_brief(server):
    brief = brief_story(ARTICLES, llm=config(server, "slow", timeout=0.3))
    assert brief.method == BriefMethod.LEAD_COMPRESSIVE
    assert "did not answer within 0.3 s" in brief.log[-1]


def test_an_endpoint_that_is_down_gives_the_default_brief():
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    brief = brief_story(ARTICLES, llm=LLMConfig(f"http://127.0.0.1:{port}/v1", "m"))
    assert brief.method == BriefMethod.LEAD_COMPRESSIVE and brief.sentences
    assert "cannot reach" in brief.log[-1]


def test_the_client_raises_one_error_type():
    with pytest.raises(LLMError):
        chat(LLMConfig("http://127.0.0.1:9/v1", "m", timeout_seconds=0.5), [])


def test_a_headline_only_story_never_calls_the_model(server):
    before = len(server.requests)
    brief = brief_story(
        [ArticleText("h", "Port Lerma reopens", "")], llm=config(server, "faithful")
    )
    assert brief.headline == "Port Lerma reopens" and brief.sentences == []
    assert len(server.requests) == before


BRIDGE = (
    Path(__file__).parent
    / "testdata"
    / ("brief_a_decision_announced_then_postponed_leads_with_the_postponement.jsonl")
)


def bridge_articles():
    with BRIDGE.open(encoding="utf-8") as handle:
        return list(read_articles(handle))


def test_the_prompt_asks_for_the_latest_state_and_named_subjects_in_time_order(server):
    articles = bridge_articles()
    brief_story(list(reversed(articles)), llm=config(server, "dangling"))
    _, _, request = server.requests[-1]
    system, user = (m["content"] for m in request["messages"])
    assert "latest state" in system and "name who or what" in system
    # Oldest first, each with its time.
    assert user.index("2026-10-06 07:00") < user.index("2026-10-06 12:00")
    assert user.index("2026-10-06 12:00") < user.index("2026-10-06 22:30")


def test_a_model_sentence_telling_what_a_later_report_updated_is_dropped(server):
    articles = bridge_articles()
    brief = brief_story(articles, llm=config(server, "stale"))
    assert brief.method == BriefMethod.LLM_GATED
    texts = [s.text for s in brief.sentences]
    assert texts[0].startswith("Halvik's city council postponed")
    assert not any("will decide" in t for t in texts), texts
    assert any("will decide" in line and "later report updated" in line for line in brief.log)
    # The stale headline is not shown either: the source headline that follows the lead is.
    assert brief.headline == "Halvik puts off harbour bridge decision until March"
    assert any("kept the source headline" in line for line in brief.log)
    # The pending vote once, at its first report (the 12:00 one states the same fact).
    assert [e.source.id for e in brief.earlier] == ["bridge-nwb"]


def test_a_model_sentence_opening_with_a_reference_nothing_names_is_dropped(server):
    brief = brief_story(bridge_articles(), llm=config(server, "dangling"))
    assert brief.method == BriefMethod.LLM_GATED
    texts = [s.text for s in brief.sentences]
    assert not any(t.startswith("She ") for t in texts), texts
    assert any("'She'" in line and "points back" in line for line in brief.log)
    # "The vote" after "... postponed its decision ..., voting": its head is named.
    assert texts[-1] == "The vote followed three hours of debate in a crowded chamber."
