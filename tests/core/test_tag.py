from newsdesk.core import Article, tag_story


def test_feed_categories_map_to_one_topic_list():
    articles = [
        Article("1", "Rates rise", "The bank raised rates.", categories=("Economy",)),
        Article("2", "Rates up", "Rates went up.", categories=("Business", "Africa")),
    ]
    tags = tag_story(articles).tags
    assert [(t.name, t.kind) for t in tags] == [("Business", "topic")]


def test_entity_spans_point_into_the_text():
    text = "Officials of the Coastal States Union met in São Tomé. The CSU said talks went well."
    tagging = tag_story([Article("1", "Talks", text)])
    spans = tagging.entities["1"]
    assert spans
    for span in spans:
        assert text[span.start : span.end] == span.text
    assert "Coastal States Union" in [s.text for s in spans]
    assert "CSU" in [s.text for s in spans]


def test_empty_text_gives_no_tags_and_no_error():
    tagging = tag_story([Article("1", "", "")])
    assert tagging.tags == []
    assert tagging.entities == {"1": []}
