"""Tagging's public API: tag_story, spans, editor corrections, ranking and the cap."""

from newsdesk import limits
from newsdesk.core import ArticleText, tag_story
from newsdesk.core.tag import Tag, TagKind, find_entities, topics_of
from newsdesk.core.tag_names import Cue

SAHEL = ArticleText(
    "a",
    "Envoy to visit Bamako",
    "US envoy Nick Checker will visit Mali's capital Bamako. Malian officials welcomed the "
    "visit. Niger, Burkina Faso and Mali left ECOWAS last year, the BBC reported.",
    categories=("World",),
)


def names(tagging):
    return [(t.name, t.kind) for t in tagging.tags]


def test_feed_categories_map_to_one_topic_list():
    articles = [
        ArticleText("1", "Rates rise", "The bank raised rates.", categories=("Economy",)),
        ArticleText("2", "Rates up", "Rates went up.", categories=("Business", "Africa")),
    ]
    assert names(tag_story(articles)) == [("Business", "topic")]


def test_a_category_can_name_two_topics():
    assert topics_of("Science & Environment") == ["Science", "Environment"]
    assert topics_of("Obituaries") == []


def test_entity_spans_point_into_the_text():
    text = "Officials of the Coastal States Union met in São Tomé. The CSU said talks went well."
    tagging = tag_story([ArticleText("1", "Talks", text)])
    spans = tagging.entities["1"]
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.label in ("PER", "ORG", "LOC", "MISC")
    assert {s.text for s in spans} >= {"Coastal States Union", "CSU", "São Tomé"}


def test_an_acronym_the_story_spells_out_is_one_tag():
    text = "Officials of the Coastal States Union met in São Tomé. The CSU said talks went well."
    tags = names(tag_story([ArticleText("1", "Talks", text)]))
    assert ("Coastal States Union", "organisation") in tags
    assert ("CSU", "organisation") not in tags


def test_places_the_model_reads_as_people_are_places():
    spans = {(s.text, s.label) for s in find_entities(SAHEL.text)}
    assert {("Mali", "LOC"), ("Bamako", "LOC"), ("Niger", "LOC"), ("Burkina Faso", "LOC")} <= spans
    assert ("Niger, Burkina Faso", "ORG") not in spans
    assert ("Malian", "MISC") in spans


def test_tags_are_capped_ranked_and_of_the_four_kinds():
    # The cap is on names; topics (at most MAX_TOPICS_PER_STORY) do not take their places.
    tags = tag_story([SAHEL], max_tags=3).tags
    assert len([t for t in tags if t.kind != TagKind.TOPIC]) == 3
    assert 0 < len([t for t in tags if t.kind == TagKind.TOPIC]) <= limits.MAX_TOPICS_PER_STORY
    assert all(isinstance(t, Tag) and isinstance(t.kind, TagKind) for t in tags)
    assert tags == tag_story([SAHEL]).tags[: len(tags)]


def test_an_editors_rename_and_merge_stick():
    tags = tag_story([SAHEL], aliases={"nick checker": "Nicholas Checker", "Bamako": "Mali"}).tags
    assert Tag("Nicholas Checker", "person") in tags
    assert "Nick Checker" not in [t.name for t in tags]
    assert [t.name for t in tags].count("Mali") == 1
    assert "Bamako" not in [t.name for t in tags]


def test_an_alias_can_name_a_surface_form():
    # The editor chose "USA" for the United States: every spelling of it follows.
    tags = tag_story([SAHEL], aliases={"United States": "USA"}).tags
    assert Tag("USA", "place") in tags
    assert "United States" not in [t.name for t in tags]


def test_hidden_tags_are_never_emitted():
    tags = tag_story([SAHEL], hidden={"world", "BBC", "Bamako"}, max_tags=20).tags
    assert not {"World", "BBC", "Bamako"} & {t.name for t in tags}
    assert "Mali" in [t.name for t in tags]


def test_a_hidden_name_stays_hidden_after_a_rename():
    tags = tag_story([SAHEL], aliases={"Bamako": "Bamako city"}, hidden={"Bamako city"}).tags
    assert "Bamako city" not in [t.name for t in tags]


def test_an_article_without_body_is_tagged_from_its_headline():
    tagging = tag_story([ArticleText("1", "Mali and Niger leave ECOWAS", "")])
    assert {"Mali", "Niger", "ECOWAS"} <= {t.name for t in tagging.tags}
    assert tagging.entities == {"1": []}


def test_outlets_agreeing_rank_a_tag_higher():
    one = ArticleText("1", "Talks", "Talks in Bamako ended. Officials from Ghana attended.", "x")
    two = ArticleText("2", "Talks end", "The talks in Bamako are over, officials said.", "y")
    tags = [t.name for t in tag_story([one, two]).tags]
    assert tags.index("Bamako") < tags.index("Ghana")


def test_lower_case_text_has_no_names_to_tag():
    text = "the rain stopped on tuesday and farmers said the harvest would be late."
    tagging = tag_story([ArticleText("1", "", text)])
    assert tagging.tags == []
    assert tagging.entities == {"1": []}


def test_tagging_many_stories_at_once_gives_the_same_tags():
    from newsdesk.core.tag import tag_stories

    stories = [[SAHEL], [ArticleText("b", "Rain", "Rain fell on Accra.")], []]
    together = list(tag_stories(stories, max_tags=5))
    assert together == [tag_story(s, max_tags=5) for s in stories]


def test_a_surname_with_a_particle_is_the_person_named_in_full():
    visit = ArticleText(
        "1",
        "Foreign minister visits Lomé",
        "Norvia's foreign minister, Helena de Vries, arrived in Lomé on Monday for talks on port "
        "fees. Ms de Vries met the trade minister and visited the container terminal. De Vries "
        "said the visit was the first of three to the region this year.",
    )
    follow_up = ArticleText(
        "2",
        "De Vries in Togo",
        "Helena de Vries promised help for the port of Lomé. De Vries will travel on to Accra.",
    )
    tags = [t.name for t in tag_story([visit, follow_up]).tags]
    assert [name for name in tags if "vries" in name.casefold()] == ["Helena de Vries"]


def test_a_city_is_not_swallowed_by_a_club_named_after_it():
    report = ArticleText(
        "1",
        "Calder Rovers win the cup",
        "Calder Rovers won the cup on Saturday. Thousands of fans celebrated in Calder until "
        "late. Calder Rovers last won the cup in 1998.",
    )
    tags = [t.name for t in tag_story([report]).tags]
    assert "Calder Rovers" in tags and "Calder" in tags


def test_a_phrase_that_grades_or_counts_is_no_topic():
    articles = [
        ArticleText(
            "1",
            "River at its highest level",
            "The river reached its highest level in forty years on Monday. Further cuts to the "
            "flood defence budget were blamed. The flood defence budget fell again.",
            outlet="NWB World",
        ),
        ArticleText(
            "2",
            "Flood defence budget under fire",
            "Critics said further cuts to the flood defence budget left towns exposed as the "
            "water rose to its highest level since 1986.",
            outlet="the Lantern",
        ),
    ]
    topics = [t.name.casefold() for t in tag_story(articles).tags if t.kind == "topic"]
    assert topics, "the story repeats a real topic: flood defence budget"
    assert not any(t.startswith(("highest", "further")) for t in topics)


def test_a_town_that_owns_a_local_body_or_its_people_is_a_place():
    # The model reads a one-word town before "'s planning committee" as an organisation.
    article = ArticleText(
        "a",
        "Committee delays data centre vote",
        "Calder's planning committee voted 6-5 on Tuesday to postpone its decision on the data "
        "centre. Calder pharmacists used paper forms on Friday. Veltstra Data wants to build "
        "the campus on farmland east of the town.",
        outlet="NWB World",
    )
    tags = {t.name: t for t in tag_story([article]).tags}
    assert tags["Calder"].kind == TagKind.PLACE
    assert tags["Calder"].cue == Cue.TEXT
    assert tags["Veltstra Data"].kind == TagKind.ORGANISATION


def test_the_outlet_a_speaker_told_is_a_source_not_a_subject():
    from newsdesk.core.tag_salience import speakers_body

    text = (
        "The Harbour Board said on Monday it would close the quay. Its chair told the Coast "
        "Gazette the decision was final; according to Norpress, the vote was unanimous."
    )
    assert not speakers_body(text, text.index("Harbour Board"))
    assert speakers_body(text, text.index("Coast Gazette"))
    assert speakers_body(text, text.index("Norpress"))
