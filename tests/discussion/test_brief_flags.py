"""Report inaccuracy: any reader flags a brief sentence; editors get it with its provenance."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from newsdesk import limits
from newsdesk.discussion.models import ModerationAction, SentenceFlag

from .conftest import client_for


def flag_url(story, index: int) -> str:
    return reverse("discussion:flag-sentence", args=[story.slug, index])


QUEUE = reverse("discussion:flag-queue")


def test_every_brief_sentence_has_a_report_inaccuracy_control(story):
    html = Client().get(story.get_absolute_url()).content.decode()
    for index, _ in enumerate(story.brief["sentences"]):
        assert f'href="{flag_url(story, index)}"' in html
        assert f'aria-label="Report sentence {index + 1} as inaccurate"' in html
    # The control sits inside the sentence's paragraph, after its provenance.
    paragraph = html[html.index('<p class="brief-sentence">') :]
    paragraph = paragraph[: paragraph.index("</p>")]
    assert 'class="provenance"' in paragraph and 'class="flag-sentence"' in paragraph


def test_a_reader_without_an_account_can_flag_a_sentence(story):
    client = Client()
    page = client.get(flag_url(story, 1))
    assert page.status_code == 200
    assert "The union said talks with the port authority would resume" in page.content.decode()
    response = client.post(
        flag_url(story, 1),
        {"kind": "unsupported", "note": "The union said Friday."},
        REMOTE_ADDR="203.0.113.4",
    )
    assert response.status_code == 302
    assert response["Location"] == f"{story.get_absolute_url()}#brief-sentence-1"
    flag = SentenceFlag.objects.get()
    assert (flag.story, flag.sentence_index, flag.kind) == (story, 1, "unsupported")
    assert flag.sentence_text == story.brief["sentences"][1]["text"]
    assert flag.sources == story.brief["sentences"][1]["sources"]
    assert flag.reporter is None and flag.client_ip == "203.0.113.4"
    assert "an editor will check this sentence" in client.get(response["Location"]).content.decode()


def test_a_logged_in_readers_flag_carries_their_name(story, alice):
    client_for(alice).post(flag_url(story, 0), {"kind": "inaccurate"})
    assert SentenceFlag.objects.get().reporter == alice


def test_flags_need_a_kind_and_a_real_sentence(story):
    assert Client().post(flag_url(story, 0), {"note": "?"}).status_code == 400
    assert Client().get(flag_url(story, 2)).status_code == 404
    assert Client().post(flag_url(story, 99), {"kind": "inaccurate"}).status_code == 404
    assert not SentenceFlag.objects.exists()


def test_the_same_reader_flagging_the_same_sentence_again_adds_nothing(story):
    for _ in range(3):
        Client().post(flag_url(story, 0), {"kind": "inaccurate"}, REMOTE_ADDR="203.0.113.4")
    assert SentenceFlag.objects.count() == 1
    Client().post(flag_url(story, 0), {"kind": "inaccurate"}, REMOTE_ADDR="203.0.113.5")
    assert SentenceFlag.objects.count() == 2


def test_flags_are_rate_limited_per_address(story, other_story, monkeypatch):
    monkeypatch.setattr(limits, "DISCUSSION_SENTENCE_FLAGS_PER_IP_PER_HOUR", 3)
    address = "198.51.100.30"
    for target, index in ((story, 0), (story, 1), (other_story, 0)):
        response = Client().post(
            flag_url(target, index), {"kind": "inaccurate"}, REMOTE_ADDR=address
        )
        assert response.status_code == 302
    refused = Client().post(flag_url(other_story, 1), {"kind": "inaccurate"}, REMOTE_ADDR=address)
    assert refused.status_code == 429
    assert SentenceFlag.objects.count() == 3


def test_only_editors_reach_the_flag_queue(alice, moderator, editor):
    assert Client().get(QUEUE)["Location"].startswith(reverse("login"))
    assert client_for(alice).get(QUEUE).status_code == 403
    assert client_for(moderator).get(QUEUE).status_code == 403
    assert client_for(editor).get(QUEUE).status_code == 200


def test_the_editors_queue_shows_the_sentence_and_its_provenance(story, editor):
    Client().post(flag_url(story, 1), {"kind": "unsupported", "note": "Check the date"})
    html = client_for(editor).get(QUEUE).content.decode()
    assert "Unsupported: its sources do not say this" in html
    assert "The union said talks with the port authority would resume on Thursday." in html
    assert "Check the date" in html
    assert "a reader without an account" in html
    # Provenance: the source article (title, outlet, link) and the very source sentence.
    assert 'href="http://127.0.0.1/articles/a"' in html
    assert "Port Lerma dockers walk out" in html and "NWB World" in html
    assert "sentence 3" in html  # sentence_index 2, shown counting from 1
    assert '<blockquote class="source-sentence">The union said talks' in html
    assert "The brief has changed" not in html


def test_the_queue_keeps_what_was_reported_when_the_brief_is_rewritten(story, editor):
    Client().post(flag_url(story, 0), {"kind": "inaccurate"})
    original = story.brief["sentences"][0]["text"]
    story.brief = {"sentences": [{"text": "A rewritten first sentence.", "sources": []}]}
    story.save()
    html = client_for(editor).get(QUEUE).content.decode()
    assert original in html
    assert "The brief has changed since this was reported." in html


@pytest.mark.parametrize("resolution", ["fixed", "dismissed"])
def test_editors_resolve_flags_and_it_is_logged(story, editor, resolution):
    Client().post(flag_url(story, 0), {"kind": "inaccurate"})
    flag = SentenceFlag.objects.get()
    client = client_for(editor)
    client.post(reverse("discussion:resolve-flag", args=[flag.pk]), {"resolution": resolution})
    flag.refresh_from_db()
    assert flag.resolution == resolution and flag.resolved_by == editor
    action = ModerationAction.objects.get()
    assert action.kind == f"flag-{resolution}" and action.sentence_flag == flag
    assert action.moderator_name == "eddie"
    assert "No open flags." in client.get(QUEUE).content.decode()


def test_the_flag_note_is_escaped_in_the_editors_queue(story, editor):
    Client().post(
        flag_url(story, 0), {"kind": "inaccurate", "note": "<img src=x onerror=alert(1)>"}
    )
    html = client_for(editor).get(QUEUE).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
