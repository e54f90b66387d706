"""The reader's pages on the demo, ingested end to end over HTTP from the outlet farm."""

import re
from html import unescape

from newsdesk.core.brief_compress import is_deletion_of
from newsdesk.core.text import split_sentences
from newsdesk.ingest.models import Article
from newsdesk.site.story_page import passage_link
from newsdesk.stories.models import Story


def article_of(farm, demo_id):
    url = farm.base_url + f"/{demo_id}.html"
    return Article.objects.select_related("membership__story", "outlet").get(url=url)


def test_every_demo_article_is_fetched_extracted_and_placed_in_a_story(ingested_demo):
    farm, report = ingested_demo
    assert report.feeds == {"ok": len(farm.outlets)}
    assert Article.objects.count() == len(farm.articles)
    assert set(Article.objects.values_list("extraction", flat=True)) == {"done"}
    assert not Article.objects.filter(processed_at__isnull=True).exists()
    assert not Article.objects.filter(membership__isnull=True).exists()
    # The extracted text is the article, not the page furniture around it.
    sample = farm.articles[0]
    stored = article_of(farm, sample.id)
    assert sample.paragraphs[-1] in stored.text
    assert "cookies" not in stored.text and "All rights reserved" not in stored.text


def test_the_story_page_shows_what_an_aggregator_reader_expects(ingested_demo, client):
    farm, _ = ingested_demo
    story = Story.objects.order_by("-outlet_count", "-article_count").first()
    assert story.outlet_count >= 3
    page = client.get(story.get_absolute_url())
    assert page.status_code == 200
    html = unescape(page.content.decode())
    assert f"<h1>{story.headline}</h1>" in html
    assert story.first_published.strftime("%-d %b %Y, %H:%M") in html
    # One date style on the page, said to be UTC once (time.js turns it local in a browser).
    times = re.findall(r"<time[^>]*>([^<]*)</time>", html)
    assert len(times) >= 3
    assert all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}", t) for t in times), times
    assert html.count("Times are UTC.") == 1
    articles = Article.objects.filter(membership__story=story).select_related("outlet")
    # The coverage chart's outlet names are HTML text (readable on a phone), one row each.
    assert html.count('<div class="chart-row">') == len({a.outlet.name for a in articles})
    for article in articles:
        # One "Read more at <Outlet> →" per source, linking to the outlet's own page.
        link = re.search(
            rf'<a class="read-more" href="{re.escape(article.url)}"[^>]*>Read more at '
            rf"{re.escape(article.outlet.name)} →</a>",
            html,
        )
        assert link, article.url
    assert html.count("Read more at") == articles.count()
    # Each brief sentence is shown, and is a sentence of a source article.
    assert story.brief["sentences"]
    for sentence in story.brief["sentences"]:
        assert sentence["text"] in html
        # ... the cited source sentence, or that sentence with parts deleted (never added to).
        ref = sentence["sources"][0]
        source = Article.objects.get(pk=ref["id"])
        cited = split_sentences(source.body)[ref["sentence_index"]].text
        # A name put in place of a reference comes from the sentence its substitution cites.
        wording = sentence["text"]
        for substitution in sentence.get("substitutions", []):
            wording = wording.replace(substitution["name"], substitution["reference"], 1)
            named = Article.objects.get(pk=substitution["source"]["id"])
            index = substitution["source"]["sentence_index"]
            assert substitution["name"] in split_sentences(named.body)[index].text
        assert is_deletion_of(wording, cited), (sentence["text"], cited)
    for tag in story.story_tags.select_related("tag"):
        assert f'href="/tags/{tag.tag.slug}/"' in html


def test_each_brief_sentence_names_an_outlet_once_and_links_to_the_cited_passage(
    ingested_demo, client
):
    checked = 0
    for story in Story.objects.exclude(brief={}):
        html = unescape(client.get(story.get_absolute_url()).content.decode())
        provenance = re.findall(r'<span class="provenance">(.*?)</span>', html)
        assert len(provenance) == len(story.brief["sentences"])
        for sentence, shown in zip(story.brief["sentences"], provenance, strict=True):
            outlets = re.findall(r'<a href="[^"]*" title="[^"]*">([^<]+)</a>', shown)
            assert len(outlets) == len(set(outlets)), shown
            for ref in sentence["sources"]:
                source = Article.objects.get(pk=ref["id"])
                cited = split_sentences(source.body)[ref["sentence_index"]].text
                # The stored passage is the cited sentence, and the link goes to it.
                assert story.brief_passages[f"{ref['id']}:{ref['sentence_index']}"] == cited
                assert f'href="{passage_link(source.url, cited)}"' in shown
                assert passage_link(source.url, cited).startswith(source.url + "#:~:text=")
                assert cited.split()[0] in shown  # its start is the hover text
                checked += 1
    assert checked


def test_a_passage_link_escapes_what_the_text_fragment_syntax_reserves():
    short = passage_link("https://example.org/a", "Floods closed the coast road on Monday.")
    assert (
        short == "https://example.org/a#:~:text=Floods%20closed%20the%20coast%20road%20on%20Monday."
    )
    assert passage_link("https://example.org/a#top", "A one-off, short note & more") == (
        "https://example.org/a#top:~:text=A%20one%2Doff%2C%20short%20note%20%26%20more"
    )
    long = passage_link("https://example.org/a", "one two three four five six seven eight nine")
    assert long.endswith("#:~:text=one%20two%20three%20four,six%20seven%20eight%20nine")
    assert passage_link("", "Some words") == "" and passage_link("https://e.org/", "") == (
        "https://e.org/"
    )


def test_outlet_names_are_shown_exactly_as_the_outlets_write_them(ingested_demo, client):
    html = unescape(client.get("/outlets/the-lantern/").content.decode())
    assert '<h1 class="page-title">the Lantern</h1>' in html
    story_pages = [
        unescape(client.get(s.get_absolute_url()).content.decode()) for s in Story.objects.all()
    ]
    everything = "\n".join(story_pages)
    for name in ("the Lantern", "NWB World", "MetroDaily", "KTR News"):
        assert f"Read more at {name} →" in everything
    for wrong in ("The Lantern", "Nwb World", "Metrodaily", "Ktr News"):
        assert f"Read more at {wrong} →" not in everything


def test_wire_copy_is_folded_and_publisher_editions_count_once(ingested_demo):
    farm, _ = ingested_demo
    by_story: dict[str, list] = {}
    for demo in farm.articles:
        by_story.setdefault(demo.story, []).append(demo)
    # The syndicated flood report runs in two outlets under different headlines: one story.
    floods = [article_of(farm, d.id) for d in by_story["vell-valley-floods"]]
    assert len({a.membership.story_id for a in floods}) == 1
    # A story told only by NWB World and NWB Africa counts one independent outlet.
    nwb_only = [article_of(farm, d.id) for d in by_story["sickle-cell-strip-test"]]
    assert {a.outlet.family for a in nwb_only} == {"nwb"}
    stories = {a.membership.story for a in nwb_only}
    assert len(stories) == 1 and stories.pop().outlet_count == 1


def test_two_rate_decisions_by_different_banks_stay_two_stories(ingested_demo):
    farm, _ = ingested_demo
    by_story: dict[str, list] = {}
    for demo in farm.articles:
        by_story.setdefault(demo.story, []).append(demo)
    cut = article_of(farm, by_story["norvia-interest-rate-cut"][0].id)
    rise = article_of(farm, by_story["cscb-rate-rise"][0].id)
    assert cut.membership.story_id != rise.membership.story_id


def test_front_tag_and_outlet_pages_list_stories_and_unknown_slugs_are_404(ingested_demo, client):
    front = client.get("/")
    assert front.status_code == 200
    newest = Story.objects.order_by("-last_published").first()
    assert newest.get_absolute_url() in front.content.decode()
    tag = newest.story_tags.first().tag
    assert newest.get_absolute_url() in client.get(tag.get_absolute_url()).content.decode()
    assert client.get("/stories/no-such-story/").status_code == 404
    assert client.get("/tags/no-such-tag/").status_code == 404
    assert client.get("/outlets/no-such-outlet/").status_code == 404
    assert client.get("/?page=999999").status_code == 200


def test_the_wire_copy_is_marked_as_the_same_report(ingested_demo, client):
    farm, _ = ingested_demo
    floods = [article_of(farm, d.id) for d in farm.articles if d.story == "vell-valley-floods"]
    copies = [a for a in floods if a.membership.duplicate_of_id]
    assert len(copies) == 1
    original = copies[0].membership.duplicate_of
    assert original.membership.story_id == copies[0].membership.story_id
    html = unescape(client.get(copies[0].membership.story.get_absolute_url()).content.decode())
    assert f"(the same report as {original.outlet.name}'s)" in html
    # Grouping features are stored on every processed article.
    assert not Article.objects.filter(grouping_features__isnull=True).exists()


def test_a_developing_story_leads_with_its_latest_state_and_keeps_the_earlier_on_its_timeline(
    ingested_demo, client
):
    farm, _ = ingested_demo
    by_story: dict[str, list] = {}
    for demo in farm.articles:
        by_story.setdefault(demo.story, []).append(demo)
    articles = [article_of(farm, d.id) for d in by_story["ostby-school-closure-postponed"]]
    (story,) = {a.membership.story for a in articles}
    story.refresh_from_db()
    # The postponement leads; the morning's "will decide whether to close" is not in the brief,
    # and the headline is not the morning's "Board to Decide Today".
    first = story.brief["sentences"][0]["text"]
    assert "postponed its decision on closing Ostby Primary School until June" in first
    assert not any("will decide" in s["text"] for s in story.brief["sentences"])
    assert story.headline == "Brennvik puts off decision on Ostby island school until June"
    (earlier,) = story.brief["earlier"]
    morning = next(a for a in articles if a.outlet.name == "KTR News")
    assert earlier["source"] == {"id": morning.pk, "sentence_index": 0}
    assert earlier["text"].startswith("Brennvik's education board will decide")
    # On the page: under the morning article on the timeline, with what updated it.
    html = unescape(client.get(story.get_absolute_url()).content.decode())
    timeline = html[html.index('<ol class="timeline">') :]
    item = timeline[timeline.index(morning.title) :]
    item = item[: item.index("</li>")]
    assert f"Reported then: “{earlier['text']}”" in item
    assert "Since updated (NWB World)." in item
    # The other developing story: a strike and its end, under the return to work.
    mill = [article_of(farm, d.id) for d in by_story["kvarnholm-paper-mill-strike"]]
    (strike,) = {a.membership.story for a in mill}
    strike.refresh_from_db()
    assert strike.headline == "Kvarnholm Mill Back at Work After Overnight Pay Deal"
    assert "returned to work" in strike.brief["sentences"][0]["text"]
    assert not any("walked out" in s["text"] for s in strike.brief["sentences"])
