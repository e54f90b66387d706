"""One big story grown through the worker's own path: does one more article cost more as it grows?

Run from the project root (CPU-heavy: run nothing else beside it)::

    .venv/bin/python bench/big_story.py                                  # to 2,000 articles
    .venv/bin/python bench/big_story.py --sizes 10,50,100,200 --max-seconds 1200
    .venv/bin/python bench/big_story.py --database postgres://newsdesk:newsdesk@127.0.0.1/newsdesk

One story of one invented event (an earthquake in the invented city of Velmora) grows one
article at a time, as a worker grows it: each article is stored as ingest leaves it (extracted,
``Article.Extraction.DONE``), then ``process_article_task`` runs - the task a worker runs for it,
called in process (``Task.call``) - which takes the grouping turn and places the article, then
the story refresh it queued (``refresh_story_task``, taken from the queue and called in process,
as a worker takes it next), which re-briefs and re-tags the story. The articles are generated
here: ~400 words each, from 40 invented outlets, sentences drawn from templates with names,
numbers and quotes varied per article so no two are the same text (nothing is downloaded; no
real outlet's text is used).

At each size in ``--sizes`` it prints the time to add one article (the mean of the last
``--samples`` additions, as many as there are at the first sizes; wall and CPU of the process,
all threads), split by phase. Enough additions are averaged to take in Python's full garbage
collections, which at thousands of articles come about once in ten additions and cost as
much as one: a mean of three holds one or none of them by chance.

- features: the new articles' grouping features (``grouping.articles_features``, embedding);
- decision: the grouping turn's decision for the article (``grouping._place_alone``: the live
  window loaded, the match, a merge test);
- brief: ``brief_story`` as the story refresh calls it;
- tags: the story's tag evidence (``story_totals``: its stored sums, and the new article's part
  read from its text) and the ranking (``tag_from_evidence``), as the story refresh calls them;
- rest: everything else in the tasks (loading the story's articles, the brief's pool, cited
  passages, storing tags and sums, the search index, counts).

Each phase is timed by wrapping the function where the worker's code looks it up (module
attributes of ``newsdesk.stories.grouping`` and ``newsdesk.stories.refresh``); nothing in
``newsdesk/`` changes. Beside it, the baseline measured in the same run: one article added, at
each size, to a small story of another invented event (a ferry strike in Kessington) seeded
with 9 articles, so it holds 10, 11, 12... Then the process's RSS, and the issue's targets:
one more article at 2,000 within 2x of at 10; RSS growth under 200 MB from 10 to 2,000.

``--max-seconds``: when the growth has taken that long, it stops after the current article
and prints what it has, with a last row at the size reached.

``--burst N``: instead, a burst of N articles of the one event, all extracted at once, grouped
and briefed as ``newsdesk ingest`` does after its extraction (``orchestrate.group_pass``); it
prints articles per second (wall, and per CPU second of the process). Run it under
``taskset -c 0`` for the issue's "on one core".

Database: a fresh SQLite file in a temporary directory, or with ``--database`` (a PostgreSQL
URL) a database of its own next to the one named (``<name>_big_story_<pid>``, created and
dropped; the role needs CREATEDB). An LLM configured in the environment is ignored (the local
brief is measured; nothing leaves the machine).
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PHASES = ("features", "decision", "brief", "tags", "rest")
# The targets.
TARGET_RATIO = 2.0
TARGET_RSS_GROWTH_MB = 200
TARGET_SIZE = 2000
# The articles' published times are spread over this span (inside the 72 h story window, so
# the whole story stays live and every decision sees all of it).
SPAN_HOURS = 60


# --- Generated text -------------------------------------------------------------------------

TOWNS = [
    "Pellham", "Corvale", "Ashwick", "Dunmere", "Harlow Vale", "Brackenridge", "Fenmouth",
    "Oldcastle Bay", "Wrenfield", "Marsden Cross", "Tollbridge", "Hollins", "Easterby",
    "Gravenport", "Linwood", "Saltcombe", "Thornbury Reach", "Kestrel Point", "Rookhaven",
    "Millbourne",
]  # fmt: skip
PAPERS = [
    "Courier", "Ledger", "Herald", "Gazette", "Observer", "Chronicle", "Dispatch", "Sentinel",
    "Tribune", "Bulletin", "Examiner", "Standard", "Record", "Post", "Clarion", "Lantern",
    "Beacon", "Messenger", "Review", "Journal",
]  # fmt: skip
OUTLETS = [f"The {TOWNS[i % 20]} {PAPERS[(i * 7 + i // 20) % 20]}" for i in range(40)]

FIRST = [
    "Anneke", "Bram", "Corin", "Dalia", "Eamon", "Freya", "Gideon", "Hana", "Ivo", "Jora",
    "Kasimir", "Lene", "Milo", "Nadia", "Oren", "Petra", "Quentin", "Rosalind", "Stellan",
    "Tamsin", "Ulla", "Viktor", "Wilma", "Xander", "Yara", "Zeno", "Agathe", "Bastian", "Cleo",
    "Dorian",
]  # fmt: skip
LAST = [
    "Aldermoor", "Brisk", "Calloway", "Dunstan", "Elsworth", "Farrant", "Gillam", "Hadlow",
    "Ingram", "Jessop", "Kettering", "Lockyer", "Marlowe", "Nettleton", "Orme", "Penhallow",
    "Quarry", "Rushworth", "Sallis", "Tennant", "Upshall", "Vance", "Whitlock", "Yeovil",
    "Zouch", "Ashdown", "Blakemore", "Crossley", "Dimmock", "Everard",
]  # fmt: skip
JOBS = [
    "a baker", "a retired teacher", "a taxi driver", "a nurse", "a shopkeeper", "a student",
    "a carpenter", "a pharmacist", "a bus driver", "a fisherman", "a market trader",
    "a café owner", "an electrician", "a librarian", "a postal worker",
]  # fmt: skip


@dataclass
class Event:
    """An invented event: title templates, sentence slots (each a list of templates) and the
    pools its placeholders draw from. ``numbers(rng, progress)`` gives the figures of one
    article, ``progress`` in [0, 1] being how far the story has come."""

    name: str
    titles: list[str]
    slots: list[list[str]]
    quotes: list[str]
    districts: list[str]
    numbers: object
    extra: dict = field(default_factory=dict)


def _quake_numbers(rng: random.Random, progress: float) -> dict:
    dead = int(14 + 170 * progress + rng.randint(0, 9))
    return {
        "dead": dead,
        "injured": dead * rng.randint(5, 9) + rng.randint(0, 40),
        "missing": max(3, int(90 - 80 * progress) + rng.randint(0, 12)),
        "homeless": rng.randint(3, 45) * 100,
        "aftershocks": rng.randint(6, 25) + int(60 * progress),
        "largest": rng.choice(["4.9", "5.1", "5.2", "5.4"]),
        "buildings": rng.randint(40, 900),
        "teams": rng.randint(4, 30),
        "schools": rng.randint(3, 40),
        "km": rng.randint(12, 40),
        "hours": rng.randint(2, 60),
        "beds": rng.randint(2, 9) * 50,
        "tents": rng.randint(2, 30) * 100,
        "homes": rng.randint(10, 90) * 10,
        "fund": rng.randint(2, 40),
        "depth": rng.choice([9, 10, 11, 12]),
        "clock": rng.choice(["04:12", "04:13", "shortly after four", "just after 4am"]),
    }


QUAKE = Event(
    name="quake",
    titles=[
        "Velmora earthquake: death toll rises to {dead}",
        "Magnitude 6.8 earthquake strikes Velmora in Ostrand province",
        "Rescuers search rubble in Velmora as {missing} remain missing",
        "{dead} dead after powerful earthquake hits Velmora",
        "Velmora quake: {homeless} people spend night in shelters",
        "Aftershocks rattle Velmora as earthquake toll climbs to {dead}",
        "Ostrand earthquake: hospitals in Velmora treat {injured} injured",
        "'The whole street fell': survivors describe Velmora earthquake",
        "Velmora earthquake leaves {buildings} buildings damaged",
        "Governor Tenmaar declares emergency after Velmora earthquake",
        "Velmora earthquake: what we know so far",
        "Search for survivors continues in Velmora after 6.8 quake",
    ],
    slots=[
        [
            "A magnitude 6.8 earthquake struck the city of Velmora in Ostrand province at "
            "{clock} on Tuesday, killing at least {dead} people and injuring {injured}.",
            "At least {dead} people have died after a powerful earthquake hit Velmora, the "
            "largest city in Ostrand province, before dawn on Tuesday.",
            "Rescue teams in Velmora are digging through collapsed buildings after a "
            "magnitude 6.8 earthquake killed {dead} people in the Ostrand provincial capital.",
            "The death toll from the earthquake that shook Velmora early on Tuesday has risen "
            "to {dead}, the Ostrand civil defence agency said.",
            "Thousands of people in Velmora spent the night outdoors after a 6.8 magnitude "
            "earthquake flattened homes across the city and left {dead} people dead.",
            "Officials in Ostrand province say {dead} people are confirmed dead and {missing} "
            "are still missing after the Velmora earthquake.",
        ],
        [
            "Civil defence chief Marta Quillon said {injured} people had been treated for "
            "injuries and that {missing} residents were still unaccounted for.",
            "The provincial health ministry put the number of injured at {injured}, many of "
            "them with broken bones and crush injuries.",
            "Of the {injured} injured, around a fifth were in a serious condition, according "
            "to figures released by the Ostrand health ministry on {weekday}.",
            "Marta Quillon, who leads the civil defence agency, warned that the toll of {dead} "
            "was likely to rise as rescuers reached the worst-hit streets.",
            "By {weekday} evening the official count stood at {dead} dead, {injured} injured "
            "and {missing} missing.",
        ],
        [
            "The Ostrand Geological Institute said the quake's epicentre lay {km} kilometres "
            "north of Velmora at a depth of about {depth} kilometres.",
            "Seismologist Dr Halden Vey of the Ostrand Geological Institute said the shallow "
            "depth of {depth} kilometres explained the violent shaking felt in the city.",
            "According to the Ostrand Geological Institute, the fault that ruptured runs "
            "beneath the Kettle valley, {km} kilometres from the centre of Velmora.",
            "Dr Halden Vey said the earthquake was the strongest recorded in Ostrand province "
            "in more than sixty years.",
            "Instruments at the Ostrand Geological Institute recorded the main shock lasting "
            "nearly forty seconds, Dr Halden Vey told reporters.",
        ],
        [
            "City engineers have inspected {buildings} damaged buildings, and Mayor Ilse "
            "Brannock said dozens of older apartment blocks would have to be demolished.",
            "In the {district} district, whole rows of brick houses collapsed into the street, "
            "and the bell tower of St Aubert's church lies in pieces.",
            "Mayor Ilse Brannock said {homes} homes in {district} were no longer safe to live "
            "in and that engineers were checking every school in the city.",
            "The old town around {district} suffered the worst damage, with cracked walls, "
            "fallen balconies and streets blocked by rubble.",
            "Some {buildings} buildings were damaged across Velmora, including the central "
            "market hall and part of the provincial assembly.",
            "Television pictures showed a five-storey apartment block in {district} folded "
            "onto its ground floor.",
        ],
        [
            "Some {teams} search and rescue teams are working in shifts through the night, "
            "using sniffer dogs and thermal cameras to find people trapped under rubble.",
            "Rescuers pulled a woman alive from a collapsed house in {district} {hours} hours "
            "after the earthquake, to applause from neighbours.",
            "Volunteers formed human chains to pass bricks and beams away from a collapsed "
            "bakery in {district}, where a family was believed to be trapped.",
            "Firefighters from across Ostrand province have joined {teams} rescue teams in "
            "Velmora, the civil defence agency said.",
            "Rescue work was slowed by aftershocks and by heavy rain that began falling on "
            "{weekday} afternoon.",
            "A boy of nine was rescued from the ruins of a school gym in {district} after "
            "rescuers heard him calling for help.",
        ],
        [
            "Dr Sefa Ranulf, director of St Aubert Hospital, said the hospital had added "
            "{beds} emergency beds and was operating around the clock.",
            "St Aubert Hospital moved patients into tents in its car park after cracks "
            "appeared in one of its wings, Dr Sefa Ranulf said.",
            "Hospitals in neighbouring towns have taken in patients from Velmora, and the "
            "blood bank has appealed for donors.",
            "Dr Sefa Ranulf said surgeons at St Aubert Hospital had carried out more than a "
            "hundred operations since the earthquake.",
        ],
        [
            "More than {aftershocks} aftershocks have been recorded since the main shock, the "
            "largest of them of magnitude {largest}.",
            "An aftershock of magnitude {largest} on {weekday} sent residents running back "
            "into the streets and brought down a damaged wall in {district}.",
            "The Ostrand Geological Institute has counted {aftershocks} aftershocks and warned "
            "that stronger ones were possible in the coming days.",
            "Residents were told to stay out of damaged buildings because of continuing "
            "aftershocks, the largest so far measuring {largest}.",
        ],
        [
            "About {homeless} people are sleeping in shelters set up in sports halls, schools "
            "and a football stadium, where the Red Lantern society has put up {tents} tents.",
            "The civil defence agency said {tents} tents and thousands of blankets had been "
            "handed out, but some families were still sleeping in their cars.",
            "Mayor Ilse Brannock said {schools} schools would stay closed and be used as "
            "shelters for the {homeless} people who lost their homes.",
            "Queues formed at food distribution points in {district}, where volunteers "
            "handed out bread, water and hot soup.",
            "Governor Osric Tenmaar announced an emergency fund of {fund} million crowns for "
            "families whose homes were destroyed.",
        ],
        [
            "Power was cut to much of Velmora after the earthquake, and the water supply in "
            "the eastern districts has not yet been restored.",
            "The main road between Velmora and the coast was closed after a landslide, and "
            "rail services across Ostrand province were suspended for inspections.",
            "Engineers were checking the Kettle dam upstream of Velmora, which officials said "
            "showed no sign of damage.",
            "Mobile phone networks were overloaded for hours after the quake, leaving many "
            "families unable to reach relatives.",
            "The Velmora bridge over the Kettle river was closed to traffic after cracks were "
            "found in one of its supports.",
        ],
        [
            "Neighbouring provinces sent {teams} specialist teams, field kitchens and water "
            "purification units to Velmora.",
            "Several foreign governments have offered help, and a rescue team from the island "
            "republic of Carrow was due to arrive on {weekday}.",
            "Governor Osric Tenmaar said the province would accept every offer of help and "
            "thanked the volunteers who had come from across the country.",
            "Aid agencies warned that the shelters in Velmora needed more doctors, clean "
            "water and heating as nights turned cold.",
        ],
        [
            "Velmora, a city of about 400,000 people, lies in one of the most seismically "
            "active parts of Ostrand province.",
            "The last major earthquake in the region, in 1961, destroyed much of the old town "
            "of Velmora and killed more than 300 people.",
            "Building rules were tightened after the 1961 earthquake, but many older houses "
            "in {district} were never strengthened, engineers said.",
            "Critics said warnings about the weakness of Velmora's older apartment blocks had "
            "been ignored for years.",
        ],
        [
            "Governor Osric Tenmaar declared a state of emergency in Ostrand province and "
            "ordered three days of mourning.",
            "Officials said the search for survivors would continue for as long as there was "
            "any chance of finding people alive.",
            "The provincial assembly will meet on {weekday} to vote on a reconstruction plan "
            "for Velmora, Governor Osric Tenmaar said.",
            "Engineers expect it to take weeks to inspect every damaged building in Velmora "
            "and decide which can be saved.",
        ],
    ],
    quotes=[
        "The whole building was shaking and then the wall just came down",
        "We ran outside in our pyjamas and nobody dared to go back in",
        "I have lived here all my life and I have never felt anything like it",
        "My neighbours are still under there, we keep calling their names",
        "We have nothing left, the house is gone, but my children are alive",
        "The noise was the worst part, like a train going through the house",
        "We slept in the car because we are afraid of the aftershocks",
        "Everyone is helping each other, people bring food and blankets",
        "The shop is ruined, thirty years of work gone in a minute",
        "We waited for hours before anyone came to help us dig",
        "I grabbed my grandmother and we crawled out through the window",
        "Nobody knows when we will be allowed back into our homes",
        "The rescuers have been working without rest, they are heroes",
        "My daughter keeps asking if the ground will shake again",
    ],
    districts=[
        "Lower Kettle",
        "Saltmarket",
        "Harrow Hill",
        "Brindle Quay",
        "Old Tannery",
        "Fenwick Gate",
        "St Aubert",
        "Copper Lane",
    ],  # fmt: skip
    numbers=_quake_numbers,
)


def _strike_numbers(rng: random.Random, progress: float) -> dict:
    return {
        "sailings": rng.randint(40, 160),
        "stranded": rng.randint(2, 30) * 100,
        "workers": rng.choice([1200, 1250, 1300]),
        "offer": rng.choice(["3.5", "4", "4.2"]),
        "demand": rng.choice(["7", "7.5", "8"]),
        "days": rng.randint(2, 5),
        "lorries": rng.randint(2, 12) * 50,
        "loss": rng.randint(2, 9),
    }


STRIKE = Event(
    name="strike",
    titles=[
        "Kessington ferry strike cancels {sailings} sailings",
        "Tallowmere ferry workers walk out over pay",
        "Ferry strike strands {stranded} passengers in Kessington",
        "Kessington ferry strike enters day {days} as talks stall",
        "Harbour union rejects {offer}% pay offer from Tallowmere Ferries",
    ],
    slots=[
        [
            "Ferry crews in the port of Kessington walked out on Monday, cancelling "
            "{sailings} sailings across the Tallowmere strait.",
            "A strike by ferry workers has halted services between Kessington and the "
            "Tallowmere islands, leaving {stranded} passengers stranded.",
            "Tallowmere Ferries cancelled {sailings} crossings as {workers} deckhands, "
            "engineers and ticket staff went on strike in Kessington.",
        ],
        [
            "The harbour workers' union wants a pay rise of {demand}%, while Tallowmere "
            "Ferries has offered {offer}% over two years.",
            "Union leader Brannagh Coyle said members had rejected a {offer}% offer as an "
            "insult after years of frozen wages.",
            "Tallowmere Ferries said its offer of {offer}% was fair and that the union's "
            "demand of {demand}% would force fares up.",
        ],
        [
            "Queues of {lorries} lorries built up on the approach roads to Kessington "
            "harbour, and police closed the dock gates.",
            "Hauliers said the strike was costing them {loss} million crowns a day in delayed "
            "deliveries to the Tallowmere islands.",
            "Shops on the Tallowmere islands reported empty shelves of milk and bread after "
            "{days} days without a ferry.",
            "Farmers on the islands said they could not get livestock to the mainland market "
            "in Kessington because of the strike.",
        ],
        [
            "Talks between the union and Tallowmere Ferries were due to resume at the "
            "Kessington mediation office on {weekday}.",
            "Mediators from the port authority met both sides on {weekday} but no new offer "
            "was made, a spokesman said.",
            "The harbour master of Kessington urged both sides to return to talks and said "
            "emergency crossings would still run for ambulances.",
            "Managing director Ferris Odell said Tallowmere Ferries was ready to talk but "
            "would not raise its {offer}% offer.",
        ],
        [
            "The last ferry strike in Kessington, eleven years ago, lasted three weeks and "
            "ended with a pay deal brokered by the port authority.",
            "Fares on the Tallowmere routes rose twice last year, and the union says crews "
            "have not shared in the company's profits.",
            "Island councillors said the strike showed how much the Tallowmere islands "
            "depend on a single ferry operator.",
        ],
        [
            "Students returning to the islands were offered places on a chartered fishing "
            "boat, the council said.",
            "Tourist hotels on the largest Tallowmere island reported dozens of "
            "cancellations since the walkout began.",
            "The union said pickets would stay at the Kessington terminal until a better "
            "offer was on the table.",
        ],
        [
            "Ferry engineers say staff shortages mean crews often work sixteen-hour shifts "
            "on the Tallowmere crossings.",
            "The union says {workers} of its members voted in favour of the walkout, on a "
            "turnout of more than eighty per cent.",
            "Tallowmere Ferries employs about {workers} people and runs eleven vessels from "
            "its base in Kessington harbour.",
            "Deckhands at Kessington earn less than dock workers at other ports on the coast, "
            "according to figures published by the union.",
        ],
        [
            "The islands' health board said patients with hospital appointments in "
            "Kessington could travel on the emergency boats.",
            "Fishing crews in Kessington have offered to carry post and medicine across the "
            "strait while the ferries are idle.",
            "A second walkout is planned for next month if no agreement is reached, union "
            "leader Brannagh Coyle said.",
            "The Kessington chamber of commerce called on the port authority to step in and "
            "end the dispute quickly.",
        ],
    ],
    quotes=[
        "We cannot live on promises any more",
        "I just want to get home to my family on the island",
        "The company makes money every summer and gives us nothing",
        "Nobody told us the ferry was cancelled until we reached the dock",
        "We support the crews, but the islands cannot wait for weeks",
        "My deliveries are stuck on the wrong side of the water",
    ],
    districts=["the harbour", "the old port", "Quay Street", "the ferry terminal"],
    numbers=_strike_numbers,
)

# Words each article says its own way (one choice per article), so that two articles drawing
# the same template still differ in most of their 5-word runs, as two reporters' texts do.
WORDINGS = {
    "said": ["said", "stated", "confirmed", "explained"],
    "people": ["people", "residents", "inhabitants"],
    "buildings": ["buildings", "structures", "properties"],
    "damaged": ["damaged", "affected", "hit"],
    "rescuers": ["rescuers", "rescue workers", "emergency crews"],
    "Rescuers": ["Rescuers", "Rescue workers", "Emergency crews"],
    "officials": ["officials", "authorities"],
    "Officials": ["Officials", "Authorities"],
    "more than": ["more than", "over", "upwards of"],
    "about": ["about", "around", "roughly", "some"],
    "residents": ["residents", "locals", "townspeople"],
    "homes": ["homes", "houses", "dwellings"],
    "families": ["families", "households"],
    "warned": ["warned", "cautioned"],
    "streets": ["streets", "roads"],
    "began": ["began", "started"],
    "help": ["help", "assistance", "aid"],
    "damage": ["damage", "destruction"],
    "including": ["including", "among them"],
    "injured": ["injured", "wounded"],
    "after": ["after", "following"],
    "across": ["across", "throughout"],
    "whole": ["whole", "entire"],
    "city": ["city", "town"],
    "crews": ["crews", "staff"],
    "passengers": ["passengers", "travellers"],
    "strike": ["strike", "walkout", "stoppage"],
    "union": ["union", "workers' union"],
}
_WORDING = re.compile(r"\b(" + "|".join(sorted(WORDINGS, key=len, reverse=True)) + r")\b")

WEEKDAYS = ["Tuesday", "Wednesday", "Thursday", "Friday"]
QUOTE_FORMS = [
    '"{quote}," said {person}, {job} from {district}.',
    '{person}, {job} who lives in {district}, said: "{quote}."',
    '"{quote}," {person} told the {outlet_short}.',
    'In {district}, {person}, {job}, said: "{quote}."',
]


def generated_article(event: Event, index: int, progress: float, outlet: str) -> tuple[str, str]:
    """Title and ~400-word text of article ``index`` of ``event``, the same for the same
    arguments: each slot contributes one or two of its sentences, with the article's figures,
    district, weekday and two to four quoted people (invented) filled in."""
    rng = random.Random(f"{event.name}-{index}")
    values = event.numbers(rng, progress)
    values["weekday"] = rng.choice(WEEKDAYS)
    values["outlet_short"] = outlet.removeprefix("The ")

    def fill(template: str) -> str:
        return template.format(**values, district=rng.choice(event.districts))

    chosen = [[rng.choice(slot)] for slot in event.slots]
    words = sum(len(t.split()) for c in chosen for t in c)
    while words < 330:  # more sentences from random slots, to ~400 words with the quotes
        slot = rng.randrange(len(event.slots))
        unused = [t for t in event.slots[slot] if t not in chosen[slot]]
        if unused and len(chosen[slot]) < 3:
            chosen[slot].append(rng.choice(unused))
            words += len(chosen[slot][-1].split())
    paragraphs = [" ".join(fill(t) for t in templates) for templates in chosen]
    for quote in rng.sample(event.quotes, rng.randint(2, 4)):
        line = rng.choice(QUOTE_FORMS).format(
            quote=quote,
            person=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            job=rng.choice(JOBS),
            district=rng.choice(event.districts),
            outlet_short=values["outlet_short"],
        )
        paragraphs.insert(rng.randint(1, len(paragraphs)), line)
    wording = {word: rng.choice(ways) for word, ways in WORDINGS.items()}
    text = _WORDING.sub(lambda m: wording[m.group(1)], "\n\n".join(paragraphs))
    return fill(rng.choice(event.titles)), text


# --- Measuring ------------------------------------------------------------------------------


class Phases:
    """Wall and CPU seconds spent in wrapped functions, by phase (reentrant calls counted once)."""

    def __init__(self):
        self.totals = {p: [0.0, 0.0] for p in PHASES}
        self.active: set[str] = set()
        self.restore: list[tuple] = []

    def wrap(self, module, attribute: str, phase: str) -> None:
        original = getattr(module, attribute)

        @functools.wraps(original)
        def timed(*args, **kwargs):
            if phase in self.active:
                return original(*args, **kwargs)
            self.active.add(phase)
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.totals[phase][0] += time.perf_counter() - wall
                self.totals[phase][1] += time.process_time() - cpu
                self.active.discard(phase)

        setattr(module, attribute, timed)
        self.restore.append((module, attribute, original))

    def snapshot(self) -> dict[str, tuple[float, float]]:
        return {p: tuple(v) for p, v in self.totals.items()}

    def unwrap(self) -> None:
        for module, attribute, original in reversed(self.restore):
            setattr(module, attribute, original)


@dataclass
class Addition:
    """One article added: wall and CPU seconds by phase ("rest" included), and in total."""

    wall: dict[str, float]
    cpu: dict[str, float]
    story_size: int


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Grower:
    """Stores generated articles as ingest leaves them and runs the worker's task on each."""

    def __init__(self, phases: Phases, start, step: timedelta):
        from newsdesk.ingest.models import Feed, Outlet

        self.phases, self.start, self.step = phases, start, step
        self.feeds = []
        for name in OUTLETS:
            slug = name.lower().replace(" ", "-")
            outlet = Outlet.objects.create(name=name, slug=slug, family=slug)
            self.feeds.append(
                Feed.objects.create(url=f"http://127.0.0.1/{slug}.xml", outlet=outlet)
            )
        self.counts = {QUAKE.name: 0, STRIKE.name: 0}

    def add(self, event: Event, clock: int, progress: float) -> Addition:
        """Add the next article of ``event``, published at step ``clock``; timed."""
        from newsdesk.ingest.models import Article
        from newsdesk.stories.models import Membership
        from newsdesk.stories.tasks import process_article_task

        index = self.counts[event.name]
        self.counts[event.name] += 1
        feed = self.feeds[random.Random(f"outlet-{event.name}-{index}").randrange(len(self.feeds))]
        title, text = generated_article(event, index, progress, feed.outlet.name)
        key = f"{event.name}-{index}"
        article = Article.objects.create(
            feed=feed,
            outlet=feed.outlet,
            key=key,
            url=f"http://127.0.0.1/{feed.outlet.slug}/{key}",
            title=title,
            text=text,
            published=self.start + self.step * clock,
            extraction=Article.Extraction.DONE,
        )
        before = self.phases.snapshot()
        wall, cpu = time.perf_counter(), time.process_time()
        process_article_task.call(article.pk)
        run_queued_refreshes()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        after = self.phases.snapshot()
        walls = {p: after[p][0] - before[p][0] for p in PHASES}
        cpus = {p: after[p][1] - before[p][1] for p in PHASES}
        walls["rest"], cpus["rest"] = wall - sum(walls.values()), cpu - sum(cpus.values())
        walls["total"], cpus["total"] = wall, cpu
        story = Membership.objects.get(article=article).story
        while story.merged_into_id:
            story = story.merged_into
        return Addition(walls, cpus, Membership.objects.filter(story=story).count())


def run_queued_refreshes() -> None:
    """What a worker does next: take each queued story refresh and run it."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from newsdesk.stories.tasks import refresh_story_task

    queued = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=refresh_story_task.module_path
    )
    for row in queued:
        row.delete()
        refresh_story_task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])


def mean(additions: list[Addition], kind: str, phase: str) -> float:
    return statistics.fmean(getattr(a, kind)[phase] for a in additions)


@dataclass
class Row:
    size: int
    big: list[Addition]
    small: Addition
    rss: float
    stories: int
    largest: int
    duplicates: int
    stopped: bool = False


def story_counts() -> tuple[int, int, int]:
    """Live stories holding a Velmora article, the largest one's size, duplicates marked."""
    from django.db.models import Count

    from newsdesk.stories.models import Membership, Story

    sizes = list(
        Story.objects.filter(
            merged_into__isnull=True, memberships__article__key__startswith="quake"
        )
        .annotate(n=Count("memberships"))
        .values_list("n", flat=True)
    )
    duplicates = Membership.objects.filter(
        article__key__startswith="quake", duplicate_of__isnull=False
    ).count()
    return len(sizes), max(sizes, default=0), duplicates


def grow(args) -> list[Row]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from newsdesk.stories import grouping, refresh

    call_command("migrate", verbosity=0)
    phases = Phases()
    phases.wrap(grouping, "articles_features", "features")
    phases.wrap(grouping, "_place_alone", "decision")
    phases.wrap(refresh, "brief_story", "brief")
    phases.wrap(refresh, "story_totals", "tags")
    phases.wrap(refresh, "tag_from_evidence", "tags")

    largest = max(args.sizes)
    steps = largest + len(args.sizes) + 20
    start = timezone.now() - timedelta(hours=SPAN_HOURS + 1)
    grower = Grower(phases, start, timedelta(hours=SPAN_HOURS) / steps)
    clock = 0
    for _ in range(9):  # the small story's first articles
        grower.add(STRIKE, clock, 0.0)
        clock += 1
    rows: list[Row] = []
    recent: list[Addition] = []
    began = time.monotonic()
    print(f"{'articles':>8}  {'elapsed s':>9}  {'this one s':>10}", flush=True)
    for size in range(1, largest + 1):
        recent = (recent + [grower.add(QUAKE, clock, size / largest)])[-args.samples :]
        clock += 1
        elapsed = time.monotonic() - began
        over = args.max_seconds is not None and elapsed > args.max_seconds
        if size in args.sizes or over:
            small = grower.add(STRIKE, clock, 0.0)
            clock += 1
            rows.append(Row(size, list(recent), small, rss_mb(), *story_counts(), stopped=over))
        if size in args.sizes or over or size % 100 == 0:
            print(f"{size:8}  {elapsed:9.0f}  {recent[-1].wall['total']:10.2f}", flush=True)
        if over:
            print(f"stopped at {size} articles: {elapsed:.0f} s > --max-seconds {args.max_seconds}")
            break
    phases.unwrap()
    return rows


def report(rows: list[Row], args) -> None:
    if not rows:
        print("no checkpoint reached")
        return
    print(
        f"\nTime to add one article, seconds: the big story's the mean of its last {args.samples}"
        " additions, the small story's (the baseline) one addition at the same point"
    )
    for kind, label in (("wall", "wall"), ("cpu", "CPU, all threads")):
        header = "  ".join(f"{p:>8}" for p in (*PHASES, "total"))
        print(f"\n{label:<16} {'story':>5} {'articles':>8}  {header}")
        for row in rows:
            for name, additions, size in (
                ("big", row.big, row.size),
                ("small", [row.small], row.small.story_size),
            ):
                figures = "  ".join(f"{mean(additions, kind, p):8.2f}" for p in (*PHASES, "total"))
                stop = " (stopped)" if row.stopped and name == "big" else ""
                print(f"{stop:<16} {name:>5} {size:8}  {figures}")
    columns = ("RSS MB", "Velmora stories", "largest", "marked duplicate")
    print(f"\n{'articles':>8}  " + "  ".join(columns))
    for row in rows:
        figures = (f"{row.rss:.0f}", row.stories, row.largest, row.duplicates)
        print(
            f"{row.size:8}  "
            + "  ".join(f"{f:>{len(c)}}" for f, c in zip(figures, columns, strict=True))
        )

    print("\nTargets (issue 'Big stories stay fast'):")
    last = rows[-1]
    at_ten = next((row for row in rows if row.size == 10), None)

    def verdict(within: bool) -> str:
        if last.size >= TARGET_SIZE:
            return "met" if within else "not met"
        so_far = "within it" if within else "already over it"
        return f"{so_far} at {last.size} ({TARGET_SIZE:,} not reached)"

    if at_ten is None:
        print("- 10 is not among the sizes reached: the targets compare with the story at 10")
    else:
        ratio = mean(last.big, "wall", "total") / mean(at_ten.big, "wall", "total")
        print(
            f"- one more article at {last.size} / at 10 (wall): {ratio:.1f}x; target <= "
            f"{TARGET_RATIO:.0f}x at {TARGET_SIZE:,}: {verdict(ratio <= TARGET_RATIO)}"
        )
        growth = last.rss - at_ten.rss
        print(
            f"- RSS growth from 10 to {last.size}: {growth:+.0f} MB; target < "
            f"{TARGET_RSS_GROWTH_MB} MB to {TARGET_SIZE:,}: "
            f"{verdict(growth < TARGET_RSS_GROWTH_MB)}"
        )
    ratio = mean(last.big, "wall", "total") / last.small.wall["total"]
    print(
        f"- at {last.size}: big story / small story ({last.small.story_size} articles), same "
        f"run (wall): {ratio:.1f}x"
    )
    print("- a 500-article burst through `newsdesk ingest` at >= 20 articles/s: see --burst")


def burst(args) -> None:
    """``--burst``: N extracted articles of one event grouped and briefed as a pass does."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from newsdesk.ingest.models import Article
    from newsdesk.orchestrate import group_pass
    from newsdesk.stories.models import Story

    call_command("migrate", verbosity=0)
    start = timezone.now() - timedelta(hours=SPAN_HOURS + 1)
    step = timedelta(hours=SPAN_HOURS) / (args.burst + 1)
    grower = Grower(Phases(), start, step)
    for index in range(args.burst):
        feed = grower.feeds[random.Random(f"burst-{index}").randrange(len(grower.feeds))]
        title, text = generated_article(QUAKE, index, index / args.burst, feed.outlet.name)
        Article.objects.create(
            feed=feed,
            outlet=feed.outlet,
            key=f"burst-{index}",
            url=f"http://127.0.0.1/{feed.outlet.slug}/burst-{index}",
            title=title,
            text=text,
            published=start + step * index,
            extraction=Article.Extraction.DONE,
        )
    rss = rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    grouped = group_pass()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    sizes = sorted(
        (s.article_count for s in Story.objects.filter(merged_into__isnull=True)), reverse=True
    )
    print(
        f"burst of {args.burst} articles: {grouped} grouped and briefed in {wall:.1f} s wall, "
        f"{cpu:.1f} s CPU: {grouped / wall:.1f} articles/s wall, {grouped / cpu:.1f} per CPU "
        f"second (target >= 20/s on one core); stories {sizes[:5]}; RSS {rss:.0f} -> "
        f"{rss_mb():.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="10,100,500,1000,2000",
        help="story sizes to report at, comma-separated (default 10,100,500,1000,2000)",
    )
    parser.add_argument(
        "--samples", type=int, default=20, help="additions averaged at each size (default 20)"
    )
    parser.add_argument(
        "--max-seconds", type=float, help="stop after this much growth time, printing what it has"
    )
    parser.add_argument("--database", help="a PostgreSQL URL (default: a SQLite file)")
    parser.add_argument(
        "--burst", type=int, help="time a burst of this many articles through a pass instead"
    )
    args = parser.parse_args()
    try:
        args.sizes = sorted({int(s) for s in args.sizes.split(",")})
    except ValueError:
        parser.error("--sizes takes whole numbers separated by commas, e.g. 10,100,500")
    if args.sizes[0] < 1 or args.samples < 1:
        parser.error("--sizes and --samples must be at least 1")

    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-big-story-") as data_dir:
        # Before anything imports Django or newsdesk.limits, which read them once.
        os.environ["NEWSDESK_DATA_DIR"] = data_dir
        os.environ["DJANGO_SETTINGS_MODULE"] = "newsdesk.project.settings"
        os.environ.setdefault("NEWSDESK_LOG", "WARNING")
        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
        for name in ("NEWSDESK_LLM_URL", "NEWSDESK_LLM_MODEL", "NEWSDESK_LLM_KEY"):
            os.environ.pop(name, None)
        server, name = None, None
        if args.database:
            parts = urlsplit(args.database)
            name = f"{parts.path.strip('/') or 'newsdesk'}_big_story_{os.getpid()}"
            server = args.database
            _admin(server, f'DROP DATABASE IF EXISTS "{name}"')
            _admin(server, f'CREATE DATABASE "{name}"')
            os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
        else:
            os.environ.pop("DATABASE_URL", None)
        engine = f"PostgreSQL ({name})" if server else "SQLite"
        print(
            f"one story of generated Velmora earthquake articles (~400 words, {len(OUTLETS)} "
            f"outlets) to {max(args.sizes):,}, through process_article_task; {engine}",
            flush=True,
        )
        try:
            if args.burst:
                burst(args)
                return
            rows = grow(args)
        finally:
            if server:
                from django.db import connections

                connections.close_all()
                _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        report(rows, args)


def _admin(server_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(statement)


if __name__ == "__main__":
    main()
