from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsdesk import limits
from newsdesk.core import ArticleText, SourceRef, brief_story
from newsdesk.core.brief import clean_headline, representative_headline
from newsdesk.core.brief_compress import is_deletion_of
from newsdesk.core.brief_select import candidates, carries_news, leans_on_context, same_fact
from newsdesk.core.jsonl import read_articles
from newsdesk.core.text import split_sentences

TESTDATA = Path(__file__).parent / "testdata"
T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)
FIRST = ArticleText(
    "1",
    "Floods close the coast road near Amerville - NWB World",
    "Floods closed the coast road near Amerville on Monday morning. Three villages were cut "
    "off from the regional hospital. Rain is expected to continue until Wednesday night.",
    outlet="NWB World",
    family="nwb",
    published=T0,
)
SECOND = ArticleText(
    "2",
    "Coast road near Amerville shut as floods cut off villages",
    "Floods closed the coast road near Amerville on Monday, cutting off three villages. "
    "The mayor, Ines Carvalho, asked the army for two helicopters to reach the villages.",
    outlet="the Lantern",
    published=T0 + timedelta(hours=1),
)


def assert_traceable(brief, articles):
    """Each sentence is its first source sentence, or that sentence with parts deleted; a name
    put in place of a reference is in the source sentence its substitution names."""
    by_id = {a.id: a for a in articles}
    for sentence in brief.sentences:
        assert sentence.sources, sentence.text
        own = sentence.sources[0]
        source_sentences = [s.text for s in split_sentences(by_id[own.id].text)]
        wording = sentence.source_wording()
        assert is_deletion_of(wording, source_sentences[own.sentence_index]), sentence.text
        for substitution in sentence.substitutions:
            assert substitution.name in sentence.text
            named = split_sentences(by_id[substitution.source.id].text)
            assert substitution.name in named[substitution.source.sentence_index].text


def test_every_brief_sentence_is_a_source_sentence_with_its_provenance():
    brief = brief_story([FIRST, SECOND], max_sentences=3)
    assert brief.sentences
    assert_traceable(brief, [FIRST, SECOND])


def test_the_same_fact_from_two_outlets_appears_once_and_cites_both():
    brief = brief_story([FIRST, SECOND], max_sentences=3)
    texts = [s.text for s in brief.sentences]
    assert sum("closed the coast road" in t for t in texts) == 1
    first = brief.sentences[0]
    assert {r.id for r in first.sources} == {"1", "2"}


def test_only_in_lists_what_one_outlet_alone_reported_beyond_the_brief():
    brief = brief_story([FIRST, SECOND], max_sentences=1)
    assert any("helicopters" in fact for fact in brief.only_in["the Lantern"])
    assert all("coast road" not in fact for facts in brief.only_in.values() for fact in facts)


def test_length_options_are_respected():
    assert len(brief_story([FIRST, SECOND], max_sentences=1).sentences) == 1
    short = brief_story([FIRST, SECOND], max_sentences=10, max_words=20)
    assert sum(len(s.text.split()) for s in short.sentences) <= 20 or len(short.sentences) == 1


def test_headline_is_cleaned_of_outlet_suffix_and_clickbait_prefix():
    assert clean_headline("Floods close the coast road - NWB World", "NWB World") == (
        "Floods close the coast road"
    )
    assert clean_headline("WATCH: Floods close the coast road") == "Floods close the coast road"
    assert clean_headline("Score: 2-1 to the Queens") == "Score: 2-1 to the Queens"


def test_the_headline_is_the_one_the_brief_bears_out_not_the_wordiest_explainer():
    when = datetime(2026, 3, 5, 9, tzinfo=UTC)
    news = ArticleText(
        "n",
        "Central bank cuts interest rate to 3.5 percent",
        "The Central Bank of Ostrava cut its main interest rate to 3.5 percent on Thursday, its "
        "third cut this year. Governor Mira Holt said inflation was close to the target.",
        outlet="NWB",
        published=when,
    )
    explainer = ArticleText(
        "e",
        "Rate cut: what the interest rate cut means for your mortgage and rate",
        "Homeowners on variable mortgages will pay less from next month. A typical borrower "
        "saves about 40 crowns a month, brokers estimate.",
        outlet="the Lantern",
        published=when + timedelta(hours=2),
    )
    shops = ArticleText(
        "s",
        "Shops welcome rate cut as interest rate falls",
        "The Central Bank of Ostrava cut its main rate to 3.5 percent, a move retailers "
        "welcomed on Thursday. The retail federation said spending had been weak.",
        outlet="KTR",
        published=when + timedelta(hours=3),
    )
    stories = [news, explainer, shops]
    # By shared words alone the explainer wins; the brief, which leads with the cut, does not.
    assert representative_headline(stories) == explainer.title
    brief = brief_story(stories)
    assert brief.sentences[0].sources[0].id == "n"
    assert brief.headline == news.title


def test_headline_only_story_gets_a_headline_and_no_sentences():
    brief = brief_story([ArticleText("h", "Port Lerma reopens", "")])
    assert brief.headline == "Port Lerma reopens"
    assert brief.sentences == []


def test_a_wire_dateline_is_deleted_from_the_brief_sentence_and_nothing_added():
    wire = ArticleText("w", "Floods", "AMERVILLE (NPA) - Floods closed the coast road on Monday.")
    sentence = brief_story([wire]).sentences[0]
    assert sentence.text == "Floods closed the coast road on Monday."
    assert sentence.text in wire.text


def test_a_long_sentence_is_shortened_by_deletion_only():
    text = (
        "The port authority of Lerma said on Monday that eleven container ships were waiting in "
        "the bay (pictured) after dock workers stopped work in a dispute over night-shift pay, "
        "according to a statement from the harbour master. The union said talks would resume."
    )
    article = ArticleText("p", "Port Lerma strike", text)
    brief = brief_story([article], max_sentences=1)
    sentence = brief.sentences[0].text
    assert "(pictured)" not in sentence and "according to" not in sentence
    assert len(sentence.split()) < len(split_sentences(text)[0].text.split())
    assert_traceable(brief, [article])


def test_a_glued_photo_caption_is_deleted_from_the_lead():
    text = (
        "Dock workers walk past idle cranes at Port Lerma on Monday The strike over night-shift "
        "pay has halted the port for a second day, leaving eleven ships in the bay. "
        "The union said talks would resume."
    )
    article = ArticleText("c", "Strike", text)
    first = brief_story([article]).sentences[0].text
    assert first.startswith("The strike over night-shift pay")
    assert_traceable(brief_story([article]), [article])


def test_a_word_budget_is_a_hard_limit_after_the_first_sentence():
    brief = brief_story([FIRST, SECOND], max_sentences=10, max_words=25)
    assert sum(len(s.text.split()) for s in brief.sentences) <= 25


# --- bad input ---------------------------------------------------------------------------


def test_a_story_of_one_sentence_gets_that_sentence():
    one = ArticleText("o", "Port Lerma reopens", "Port Lerma reopened on Tuesday after the strike.")
    brief = brief_story([one])
    assert [s.text for s in brief.sentences] == ["Port Lerma reopened on Tuesday after the strike."]
    assert brief.sentences[0].sources == [SourceRef("o", 0)]


def test_twenty_thousand_sentences_are_capped_and_still_brief():
    text = " ".join(f"Ship number {i} left Port Lerma on the morning tide." for i in range(20_000))
    brief = brief_story([ArticleText("big", "Ships leave", text)])
    assert 1 <= len(brief.sentences) <= limits.BRIEF_SENTENCES
    assert all(
        r.sentence_index < limits.BRIEF_MAX_SENTENCES_PER_ARTICLE
        for s in brief.sentences
        for r in s.sources
    )


def test_text_in_another_language_gives_a_defined_brief():
    german = ArticleText(
        "de",
        "Hochwasser sperrt Küstenstraße",
        "Das Hochwasser hat am Montag die Küstenstraße bei Amerville gesperrt. "
        "Drei Dörfer sind von der Klinik abgeschnitten.",
    )
    chinese = ArticleText("zh", "洪水", "洪水周一封闭了沿海公路。三个村庄与医院隔绝。")
    brief = brief_story([german])
    assert brief.sentences and brief.headline == "Hochwasser sperrt Küstenstraße"
    assert_traceable(brief, [german])
    brief = brief_story([chinese])
    assert brief.headline == "洪水"
    assert_traceable(brief, [chinese])


def test_articles_without_text_or_title_give_an_empty_brief_not_an_error():
    brief = brief_story([ArticleText("x", "", ""), ArticleText("y", "", "   \n\n ")])
    assert brief.headline == "" and brief.sentences == [] and brief.only_in == {}


def test_zero_sentences_asked_gives_the_headline_only():
    assert brief_story([FIRST], max_sentences=0).sentences == []


def test_a_short_quote_in_the_writers_sentence_does_not_make_it_first_person():
    from newsdesk.core.brief_select import first_person

    reported = (
        "The doctor is accused of telling one nurse 'you are in trouble now' after a staff "
        "meeting at the Lerma hospital in May."
    )
    assert not first_person(reported)
    spoken = "'We will rebuild the bridge before winter, and I promise you that,' the mayor said."
    assert first_person(spoken)
    assert first_person("We were told to leave the village before the water reached the road.")


STRIKE_BEGINS = ArticleText(
    "strike-begins",
    "Harlow glassworks staff walk out over pay",
    "Workers at the Harlow glassworks began a two-day strike on Monday over pay. "
    "Production of bottles has stopped at both furnaces.",
    outlet="NWB World",
    published=T0,
)
STRIKE_ENDS = ArticleText(
    "strike-ends",
    "Harlow glassworks strike ends with arbitration deal",
    "Talks in Harlow ended on Tuesday night with the union and the owners agreeing to send "
    "their dispute to arbitration. "
    "Under the agreement, the owners will pay a one-off bonus of 300 marks to every worker at "
    "the glassworks. "
    "The arbitrator is expected to rule before the end of April.",
    outlet="NWB World",
    published=T0 + timedelta(days=1),
)
BOTTLES = ArticleText(
    "bottles",
    "Breweries fear bottle shortage",
    "Bottle supplies to breweries across the region could run short this week, traders said. "
    "The glassworks owners will pay a one-off bonus of 300 marks to every worker, the union "
    "said.",
    outlet="the Lantern",
    published=T0 + timedelta(days=1, hours=2),
)
STRIKE = [STRIKE_BEGINS, STRIKE_ENDS, BOTTLES]


def test_a_later_sentence_never_opens_the_brief_without_its_articles_lead():
    """Two outlets confirm the bonus, so consensus ranks "Under the agreement, ..." above every
    lead; the reader must first learn of the agreement from that article's lead."""
    brief = brief_story(STRIKE, max_sentences=4)
    texts = [s.text for s in brief.sentences]
    follower = next(i for i, t in enumerate(texts) if t.startswith("Under the agreement"))
    assert follower > 0
    assert texts[follower - 1].startswith("Talks in Harlow ended")
    assert_traceable(brief, STRIKE)


def test_a_lead_and_its_follower_that_overrun_the_word_budget_are_both_left_out():
    brief = brief_story(STRIKE, max_sentences=4, max_words=20)
    texts = [s.text for s in brief.sentences]
    assert not any(t.startswith("Under the agreement") for t in texts)
    assert sum(len(t.split()) for t in texts) <= 20 or len(texts) == 1


def test_one_outlets_articles_are_read_in_their_own_order_not_interleaved():
    first = ArticleText(
        "day1",
        "Ferry service to Ostrova suspended",
        "The ferry service to Ostrova was suspended on Monday after a crack was found in the hull "
        "of its only vessel. Islanders must fly to the mainland until repairs are done. "
        "Inspectors will report on Friday.",
        outlet="NWB World",
        published=T0,
    )
    second = ArticleText(
        "day2",
        "Replacement ship chartered for Ostrova route",
        "A replacement ship chartered from a Danish operator will start sailing to Ostrova on "
        "Thursday. The charter costs the region 40,000 marks a week.",
        outlet="NWB World",
        published=T0 + timedelta(days=1),
    )
    brief = brief_story([second, first], max_sentences=3, max_words=200)
    order = [(s.sources[0].id, s.sources[0].sentence_index) for s in brief.sentences]
    assert order == sorted(order, key=lambda ref: (ref[0] != "day1", ref[1]))
    assert {ref[0] for ref in order} == {"day1", "day2"}


def test_a_fact_the_brief_already_told_over_two_sentences_is_not_repeated():
    report = ArticleText(
        "report",
        "Harbour Stars win the island cup",
        "Harbour Stars won the island cup on Sunday, beating Vesta United 2-0 in the final at "
        "the Marina Ground. "
        "Striker Lio Brandt scored in the first half and added a second late on. "
        "The Stars owed the 2-0 win over Vesta to two goals from striker Lio Brandt. "
        "The final drew a record crowd of 9,000.",
        outlet="NWB World",
        published=T0,
    )
    brief = brief_story([report], max_sentences=4, max_words=200)
    texts = [s.text for s in brief.sentences]
    assert texts[0].startswith("Harbour Stars won") and texts[1].startswith("Striker Lio Brandt")
    assert not any(t.startswith("The Stars owed") for t in texts)
    assert any("record crowd" in t for t in texts)


def test_only_in_lists_facts_and_speakers_not_quotes_cut_from_their_speaker():
    extra = ArticleText(
        "3",
        "Amerville villages cut off",
        "Floods closed the coast road near Amerville on Monday, cutting off three villages. "
        "Ines Carvalho, the mayor, asked the army for help. "
        '"We have never seen the water this high." '
        "A field hospital was set up in the school gym at Vila Nova. "
        '"The road will stay shut until Thursday," said the regional roads chief, Rui Matos.',
        outlet="KTR News",
        published=T0 + timedelta(hours=2),
    )
    brief = brief_story([FIRST, extra], max_sentences=1)
    facts = brief.only_in["KTR News"]
    assert not any(f.startswith('"We have never seen') for f in facts)
    assert any("field hospital" in f or "Rui Matos" in f for f in facts)


def test_only_in_leaves_out_sentences_that_lean_on_the_one_before():
    extra = ArticleText(
        "4",
        "Amerville roads shut",
        "Floods closed the coast road near Amerville on Monday, cutting off three villages. "
        "It was the third closure this winter. "
        "She said the army would send two helicopters on Tuesday. "
        "A field hospital was set up in the school gym at Vila Nova.",
        outlet="KTR News",
        published=T0 + timedelta(hours=2),
    )
    facts = brief_story([FIRST, extra], max_sentences=1).only_in["KTR News"]
    assert not any(f.startswith(("It was", "She said")) for f in facts)
    assert any("field hospital" in f for f in facts)


def fixture(name: str) -> list[ArticleText]:
    with (TESTDATA / name).open(encoding="utf-8") as handle:
        return list(read_articles(handle))


def test_two_outlets_stating_one_fact_in_different_words_are_one_brief_sentence():
    # "raised its main interest rate ... to 4.5%" and "Borrowing costs went up to 4.5 per cent
    # at the National Bank": few words in common, the same number and name.
    articles = fixture("brief_two_outlets_state_one_fact_in_different_words.jsonl")
    brief = brief_story(articles, max_sentences=4)
    assert_traceable(brief, articles)
    texts = [s.text for s in brief.sentences]
    assert sum("4.5" in t for t in texts) == 1, texts
    rate = next(s for s in brief.sentences if "4.5" in s.text)
    assert {r.id for r in rate.sources} == {"rate-nwb", "rate-lantern"}
    every = [c for a in articles for c in candidates(a)]
    for i, left in enumerate(brief.sentences):
        for right in brief.sentences[i + 1 :]:
            (a,) = [c for c in every if c.text == left.text]
            (b,) = [c for c in every if c.text == right.text]
            assert not same_fact(a, b), (left.text, right.text)


def test_only_x_reported_lists_news_no_other_outlet_gave_that_reads_alone():
    articles = fixture("brief_only_one_outlet_reported_news_that_reads_alone.jsonl")
    brief = brief_story(articles, max_sentences=1)
    lines = [line for facts in brief.only_in.values() for line in facts]
    # The main fact, which KTR News told in other words ("Navies from all 8 member countries"),
    # is no outlet's alone.
    assert not any("Navies from all 8" in line for line in lines), lines
    # Lines that need their article: a definite description naming nobody, a pronoun.
    assert not any(
        line.startswith(("The 24-year-old", "The company", "Only five")) for line in lines
    )
    # Colour, not news.
    assert not any(line.startswith(("The waters", "Fishing boats")) for line in lines)
    assert brief.only_in["NWB World"] == [
        "Eleven seafarers were kidnapped for ransom in the region in the first nine months of "
        "the year."
    ]
    assert any(line.startswith("Rear Admiral Ines Okafor") for line in brief.only_in["the Lantern"])


def test_a_line_that_names_nobody_or_tells_no_news_cannot_stand_alone():
    leaning = [
        "The 19-year-old had been on the pitch for less than 20 minutes.",
        "The company says the project would create 280 permanent jobs.",
        "Only five have published detailed estimates of how much water they would use.",
        "The other three members of the Coastal States Union have their own currencies.",
        '"We waited, and we drank a lot of coffee," she said.',
    ]
    assert all(leans_on_context(text) for text in leaning)
    standing = [
        "The National Bank of Calder raised its main rate to 4.5% on Thursday.",
        "The cooperative's president, Mariam Kaboré, said its members lost a quarter of the crop.",
        "A field hospital was set up in the school gym at Vila Nova.",
    ]
    assert not any(leans_on_context(text) for text in standing)
    article = ArticleText(
        "c",
        "Coast",
        "Fishing boats bob in the harbour at dawn, their nets drying on the quay. "
        "Eleven seafarers were kidnapped for ransom this year.",
    )
    colour, news = candidates(article)
    assert not carries_news(colour) and carries_news(news)


# --- current first ----------------------------------------------------------------------------


def test_a_decision_announced_then_postponed_leads_with_the_postponement():
    # 07:00 "will decide whether to approve", 12:00 "meet tonight to vote", 22:30 "postponed".
    articles = fixture(
        "brief_a_decision_announced_then_postponed_leads_with_the_postponement.jsonl"
    )
    brief = brief_story(articles, max_sentences=2)
    assert_traceable(brief, articles)
    texts = [s.text for s in brief.sentences]
    assert texts[0].startswith("Halvik's city council postponed its decision"), texts
    assert not any("will decide" in t or "meet tonight" in t for t in texts), texts
    # The earlier report stays, with its time, for the story's timeline: once, as the 12:00
    # "meet tonight to vote" states the same pending vote as the 07:00 "will decide whether".
    assert [(e.source.id, e.source.sentence_index) for e in brief.earlier] == [("bridge-nwb", 0)]
    assert [e.published.hour for e in brief.earlier] == [7]
    assert {e.updated_by.id for e in brief.earlier} == {"bridge-lantern"}
    # The headline follows the lead: "to vote on harbour bridge tonight" is never shown.
    assert brief.headline == "Halvik puts off harbour bridge decision until March"


def test_a_strike_and_its_end_leads_with_the_return_to_work_under_a_current_headline():
    articles = fixture("brief_a_strike_and_its_end_leads_with_the_return_to_work.jsonl")
    brief = brief_story(articles, max_sentences=2)
    assert_traceable(brief, articles)
    texts = [s.text for s in brief.sentences]
    assert texts[0].startswith("Fjordline ferry crews at Halvik returned to work"), texts
    assert not any("began a 48-hour strike" in t for t in texts), texts
    assert any(
        e.text.startswith("Ferry services across the Halvik fjord stopped") for e in brief.earlier
    )
    assert brief.headline == "Halvik ferry crews back at work after overnight deal"


def test_a_rising_toll_is_told_at_its_latest_and_the_earlier_count_kept_on_the_timeline():
    articles = fixture("brief_a_rising_toll_is_told_at_its_latest.jsonl")
    brief = brief_story(articles, max_sentences=2)
    assert_traceable(brief, articles)
    texts = [s.text for s in brief.sentences]
    assert "risen to 19" in texts[0], texts
    assert not any("At least 12" in t for t in texts), texts
    assert brief.earlier[0].text.startswith("At least 12 people were killed")
    # The earlier count is not cited as a source of the new one.
    assert all(r.id == "quake-ktr" for r in brief.sentences[0].sources)
    assert brief.headline == "Vell highlands earthquake toll rises to 19"


def test_restating_a_decision_in_other_words_later_is_no_update():
    # "agreed" at 08:00 and "signed" at 10:00 tell one piece of news: both stay sources of it.
    early = ArticleText(
        "a",
        "Pact",
        "Eight Calder Sea states agreed on Wednesday to pool their navies against piracy.",
        outlet="NWB World",
        published=T0,
    )
    late = ArticleText(
        "b",
        "Pact signed",
        "Eight Calder Sea states signed a pact on Wednesday to pool their navies against piracy.",
        outlet="KTR News",
        published=T0 + timedelta(hours=2),
    )
    brief = brief_story([early, late], max_sentences=2)
    assert not brief.earlier
    assert {r.id for r in brief.sentences[0].sources} == {"a", "b"}


# --- self-contained sentences -----------------------------------------------------------------


def dangling_stories():
    stories: dict[str, list[ArticleText]] = {}
    for article in fixture("brief_dangling_references_are_named_or_left_out.jsonl"):
        stories.setdefault(article.story, []).append(article)
    return stories


def test_a_reference_away_from_its_antecedent_gets_the_name_from_its_own_article():
    stories = dangling_stories()
    expected = {
        "centre": (
            "The company",
            "Veltstra Data says the project would create 280 permanent jobs.",
        ),
        "visit": (
            "She",
            "Helena de Vries announced 12 million marks for grain storage in the Centre-Nord "
            "region.",
        ),
        "final": (
            "The 19-year-old",
            "Nils de Jong had been on the pitch for less than 20 minutes.",
        ),
    }
    for story, (reference, text) in expected.items():
        articles = stories[story]
        # The first-person quote between them ranks last, so the two sentences are not adjacent.
        brief = brief_story(articles, max_sentences=2)
        assert_traceable(brief, articles)
        second = brief.sentences[1]
        assert second.text == text
        (substitution,) = second.substitutions
        assert substitution.reference == reference
        assert substitution.source == SourceRef(story, 0)
        assert second.source_wording().startswith(reference)


def test_a_compared_phrase_that_names_nothing_before_it_is_left_out():
    articles = dangling_stories()["bank"]
    brief = brief_story(articles, max_sentences=2)
    texts = [s.text for s in brief.sentences]
    assert not any("other three members" in t for t in texts), texts
    assert len(texts) == 2  # chosen again without it: the brief keeps its length


def test_a_reference_right_after_its_own_sentence_stays_as_written():
    brief = brief_story(dangling_stories()["centre"], max_sentences=3)
    texts = [s.text for s in brief.sentences]
    assert texts[-1] == "The company says the project would create 280 permanent jobs."
    assert not any(s.substitutions for s in brief.sentences)


def test_opening_references_are_told_apart_from_openings_that_name_their_subject():
    from newsdesk.core.brief_refer import opening_reference, resolved

    assert opening_reference("She announced 12 million marks.").kind == "pronoun"
    assert opening_reference("The other three members have their own currencies.").kind == (
        "compared"
    )
    assert opening_reference("The 19-year-old had played 20 minutes.").head == "19-year-old"
    assert opening_reference("The National Bank of Norvia cut its rate.") is None
    assert opening_reference("The body of a 71-year-old man was found.") is None
    river = opening_reference("The river stood at 5.3 metres at noon.")
    assert resolved(river, ["Water levels on the River Vell began to fall."], False)
    assert not resolved(river, ["Floods closed the coast road."], False)


def test_a_story_whose_only_sentences_point_back_still_gets_a_brief():
    # Nothing names "He": the brief cannot follow the rule, and is not left empty for it.
    article = ArticleText("p", "Coach quits", "He resigned as coach of Calder Rovers on Monday.")
    brief = brief_story([article])
    assert [s.text for s in brief.sentences] == ["He resigned as coach of Calder Rovers on Monday."]
    # With a sentence that reads alone, that one is the brief.
    article = ArticleText(
        "q",
        "Coach quits",
        "He resigned as coach on Monday after six years. "
        "Calder Rovers named Ana Brandão as interim coach on Tuesday.",
    )
    brief = brief_story([article], max_sentences=1)
    assert [s.text for s in brief.sentences] == [
        "Calder Rovers named Ana Brandão as interim coach on Tuesday."
    ]


def test_one_decision_in_other_words_and_another_writing_of_its_number_is_one_fact():
    # The demo's rate cut as two outlets open it: "3.50" and "3.5", "Norvia" first and possessive.
    bank = ArticleText(
        "bank",
        "National Bank cuts rate",
        "The National Bank of Norvia cut its main interest rate by a quarter of a percentage "
        "point to 3.50 percent on Thursday, its third reduction this year.",
        outlet="NWB World",
    )
    wire = ArticleText(
        "wire",
        "Norvia lowers borrowing costs",
        "Norvia's central bank lowered borrowing costs for the third time this year on "
        "Thursday, cutting its benchmark rate to 3.5 percent as inflation moved close to its "
        "target.",
        outlet="KTR News",
    )
    (left,), (right,) = candidates(bank), candidates(wire)
    assert same_fact(left, right)
    brief = brief_story([bank, wire], max_sentences=3)
    assert len(brief.sentences) == 1
    assert {r.id for r in brief.sentences[0].sources} == {"bank", "wire"}
