"""13. OPML: nested folders, round trips, hostile entities, and the feeds command."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from newsdesk.ingest.models import Feed
from newsdesk.ingest.opml import OPMLError, Subscription, read_opml, write_opml

TESTDATA = Path(__file__).resolve().parent / "testdata"
NESTED = TESTDATA / "opml-nested-folders.opml"


def test_read_opml_finds_every_feed_in_nested_folders(testdata):
    subscriptions = read_opml(testdata("opml-nested-folders.opml"))
    assert [(s.url, s.category) for s in subscriptions] == [
        ("https://courier.example/rss.xml", ""),
        ("https://gazette.example/atom.xml", "Coast"),
        ("https://bulletin.example/feed.xml", "Islands"),
        ("https://skerries.example/log.rss", "Islands"),
        ("https://tidewatch.example/feed?format=rss&lang=en", "Coast"),
        ("https://wire.example/feed.json", "Inland"),
        # The courier's second listing (under Inland) is the same feed: read once.
    ]
    by_url = {s.url: s for s in subscriptions}
    assert by_url["https://courier.example/rss.xml"].homepage == "https://courier.example/"
    assert by_url["https://tidewatch.example/feed?format=rss&lang=en"].title == (
        "Tidewatch & Harbour Notes"
    )
    # Without a title attribute, the text attribute names the feed.
    assert by_url["https://skerries.example/log.rss"].title == "Sedgeford Skerries Log"


def test_write_then_read_round_trips(testdata):
    subscriptions = read_opml(testdata("opml-nested-folders.opml"))
    assert read_opml(write_opml(subscriptions).encode("utf-8")) == subscriptions


def test_round_trip_of_awkward_titles_and_urls():
    subscriptions = [
        Subscription("https://a.example/feed?x=1&y=2", 'The "Quay" <Daily> & Co', "", ""),
        Subscription("https://b.example/rss", "Zoë’s São Tomé notes", "https://b.example/", "Café"),
        Subscription("https://c.example/rss", "Line\nbreak", "", "Café"),
    ]
    assert read_opml(write_opml(subscriptions, title="A & B").encode("utf-8")) == subscriptions


def test_internal_entity_is_not_expanded(testdata):
    # libxml2 expands internal entities in attributes whatever resolve_entities says, so the
    # only way not to expand one is to refuse the file.
    with pytest.raises(OPMLError, match="declares XML entities") as raised:
        read_opml(testdata("opml-internal-entity.opml"))
    assert "expanded-entity.example" not in str(raised.value)


def test_external_entity_is_not_fetched_or_expanded(testdata):
    with pytest.raises(OPMLError) as raised:
        read_opml(testdata("opml-external-entity.opml"))
    hostname = Path("/etc/hostname")
    if hostname.exists() and hostname.read_text().strip():
        assert hostname.read_text().strip() not in str(raised.value)


def test_billion_laughs_opml_is_refused_quickly():
    declarations = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY a{n} "{("&a;" if n == 1 else f"&a{n - 1};") * 10}">' for n in range(1, 10)
    )
    body = (
        f'<?xml version="1.0"?><!DOCTYPE opml [{declarations}]>'
        '<opml version="2.0"><body><outline text="&a9;" xmlUrl="https://x.example/&a9;"/>'
        "</body></opml>"
    ).encode()
    with pytest.raises(OPMLError):
        read_opml(body)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<opml><body><outline", "XML error"),
        (b"<rss version='2.0'><channel/></rss>", "root element is <rss>"),
    ],
)
def test_not_opml(body, message):
    with pytest.raises(OPMLError, match=message):
        read_opml(body)


# --- `newsdesk feeds import-opml` / `export-opml` ---------------------------------------------


@pytest.mark.django_db
def test_import_then_export_round_trips_the_urls(tmp_path):
    expected = {s.url for s in read_opml(NESTED.read_bytes())}

    out = StringIO()
    call_command("feeds", "import-opml", str(NESTED), stdout=out)
    assert f"{len(expected)} new feeds, 0 already followed" in out.getvalue()
    assert set(Feed.objects.values_list("url", flat=True)) == expected

    exported = tmp_path / "subscriptions.opml"
    call_command("feeds", "export-opml", str(exported), stdout=StringIO())
    assert {s.url for s in read_opml(exported.read_bytes())} == expected

    # Importing the export again adds nothing.
    again = StringIO()
    call_command("feeds", "import-opml", str(exported), stdout=again)
    assert f"0 new feeds, {len(expected)} already followed" in again.getvalue()
    assert Feed.objects.count() == len(expected)


@pytest.mark.django_db
def test_export_to_stdout(capsys):
    call_command("feeds", "import-opml", str(NESTED), stdout=StringIO())
    call_command("feeds", "export-opml")
    printed = capsys.readouterr().out
    urls = {s.url for s in read_opml(printed.encode("utf-8"))}
    assert urls == {s.url for s in read_opml(NESTED.read_bytes())}


@pytest.mark.django_db
def test_import_of_a_hostile_opml_is_a_command_error():
    with pytest.raises(CommandError, match="declares XML entities"):
        call_command("feeds", "import-opml", str(TESTDATA / "opml-internal-entity.opml"))
    assert Feed.objects.count() == 0


@pytest.mark.django_db
def test_import_of_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("feeds", "import-opml", str(tmp_path / "nowhere.opml"))
