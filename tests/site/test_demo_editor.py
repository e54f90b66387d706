"""The demo introduces its people: an editor account with a new password at each start, whose
header links the moderation queue."""

import re

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse

from newsdesk.discussion import rules
from newsdesk.project.management.commands.demo import DEMO_EDITOR, demo_editor

pytestmark = pytest.mark.django_db


def password_in(said: str) -> str:
    return re.search(r"sign in as editor \(password (\S+)\) at http://127\.0\.0\.1:8010/", said)[1]


def test_the_demo_editor_signs_in_with_the_password_printed_at_this_start(client):
    first = password_in(demo_editor(8010))
    said = demo_editor(8010)
    assert "to moderate comments and correct stories" in said
    second = password_in(said)
    assert first != second
    assert authenticate(username=DEMO_EDITOR, password=first) is None  # the old one is gone
    editor = authenticate(username=DEMO_EDITOR, password=second)
    assert editor is not None and editor.is_staff
    assert rules.is_moderator(editor) and rules.is_editor(editor)
    client.force_login(editor)
    header = client.get(reverse("front")).content.decode()
    assert f'href="{reverse("discussion:moderation-queue")}"' in header
    assert f'href="{reverse("discussion:flag-queue")}"' in header
