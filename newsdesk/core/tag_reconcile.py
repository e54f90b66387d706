"""Where the statistical model and the gazetteer disagree, who wins: the rules, in one place.

Works on one spaCy ``Doc`` (of the possibly re-cased text) and returns :class:`Mention` spans
whose offsets point into the original text. In order:

1. The model's spans are cut at what never sits inside a name: brackets, commas, semicolons,
   a spaced dash, bare numbers ("Romania - Cosmin Contra", "Seoul 1996-08-31",
   "Haitai 2 Samsung 0"), a "v" between two sides ("Bolton v Derby") and the street a place
   stands on ("X Pharmacy on Station Road"); a leading "the" or title ("Ms") and a trailing
   "'s" are dropped; a lone capitalised common noun opening a sentence ("Farmers said") and a
   plural before numbers ("Berths 7, 8 and 9") are no names. A piece's own words then correct
   the model's type: "River Vell", "the town of X", "the capital X", "X town hall", "the
   ferry to X" and "in X" are places, "X Company" and "X Rovers" organisations, "Ms X" and
   "board chair X" people, "NorID" (written as brands are) an organisation. Such a reading
   is *cued*: it comes from the text, not from the model's guess.
2. Each piece meets the gazetteer: a piece that *is* a known name takes the gazetteer's type;
   a piece made only of known names and list words ("Niger and Mali") is split into them; a
   piece that merely contains a known name is kept ("Bank of Mali", "Chad Smith") unless the
   text was all-caps (re-cased by us, so the model's edges are guesses) or the piece is a
   "person" that starts with a country ("Mali Left"); a known name the model cut ("Burkina"
   of "Burkina Faso") is taken whole. Weak names ("Chad", "Jordan") yield to the model's
   person or organisation.
3. One document, one reading (Krishnan & Manning 2006: labels are consistent within a
   document): a name typed differently in different places takes its cued type where the
   text gave one ("the town of Tarnbridge" outweighs the model's "Tarnbridge" person
   elsewhere), else its commonest type; a lone surname of a person named in full is that
   person ("Checker" after "Nick Checker"), and is found again where the model missed it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from newsdesk.core.gazetteer import Entry, EntryKind, Gazetteer
from newsdesk.core.lexicon import (
    DWELLERS,
    HONORIFICS,
    JOURNEY_WORDS,
    LIST_WORDS,
    LOCAL_BODIES,
    ORGANISATION_HEADS,
    ORGANISATION_WORDS,
    PERSON_ROLES,
    PLACE_HEADS,
    PLACE_NOUNS,
    PLACE_WORDS,
    STREET_WORDS,
)

LABELS = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "LAW": "MISC",
    "WORK_OF_ART": "MISC",
    "PRODUCT": "MISC",
    "LANGUAGE": "MISC",
}
LABEL_OF_KIND = {EntryKind.PLACE: "LOC", EntryKind.ORGANISATION: "ORG", EntryKind.DEMONYM: "MISC"}
_BREAKS = {"(", ")", "[", "]", ",", ";", ":", "|", '"', "“", "”"}
_DASHES = {"-", "–", "—", "--"}
_OPENERS = {".", "!", "?", '"', "“", ":", "-"}
_NUMBER = re.compile(r"[\d.,:/+-]*\d[\d.,:/+-]*")

Span = tuple[int, int, str, Entry | None]  # token start, token end, label, gazetteer entry

# How many of the model's guesses one cued reading of a name outweighs, when a document's or a
# story's mentions of the name disagree (see _cued).
CUE_WEIGHT = 100


def reconcile(doc, text: str, gazetteer: Gazetteer, use_model: bool) -> list[tuple]:
    """``(start_char, end_char, label, entry, cued)`` spans of ``doc``, offsets into ``text``;
    ``cued``: the label comes from the name's own words or context, not the model's guess."""
    words = [t.text for t in doc]
    recased = [text[t.idx : t.idx + len(t.text)] != t.text for t in doc]
    known = gazetteer.matches(words)
    pieces = [p for ent in (doc.ents if use_model else ()) for p in _pieces(doc, ent)]
    cued = {(start, end) for start, end, _, is_cued in pieces if is_cued}
    spans = _with_gazetteer([p[:3] for p in pieces], known, words, recased)
    if use_model:
        spans = _consistent(doc, spans, cued)
    out = []
    for start, end, label, entry in sorted(spans, key=lambda span: span[0]):
        first, last = doc[start], doc[end - 1]
        begin, finish = first.idx, last.idx + len(last.text)
        if entry is None and not any(c.isupper() for c in text[begin:finish]):
            continue  # "the group": no name without a capital
        out.append((begin, finish, label, entry, (start, end) in cued))
    return out


def _pieces(doc, ent) -> list[tuple[int, int, str, bool]]:
    label = LABELS.get(ent.label_)
    if label is None:
        return []
    pieces, start = [], ent.start
    for i in range(ent.start, ent.end + 1):
        if i < ent.end and not _breaks(doc, i, ent.start, ent.end):
            continue
        piece = _trim(doc, start, i)
        if piece and not _common_noun_opening_sentence(doc, *piece) and not _numbered(doc, *piece):
            cued = _cued(doc, *piece, label)
            pieces.append((*piece, cued or _after_in(doc, *piece, label), cued is not None))
        start = i + 1
    return pieces


def _breaks(doc, i: int, start: int, end: int) -> bool:
    token = doc[i]
    if token.text in _BREAKS or _NUMBER.fullmatch(token.text):
        return True
    if token.text in ("v", "v.", "vs", "vs."):
        return True  # "Bolton v Derby": two sides, not one name
    if token.text in ("on", "at") and i > start and doc[end - 1].text in STREET_WORDS:
        return True  # "Brookfield Pharmacy on Station Road": the pharmacy, and its street
    # A dash with spaces round it separates ("Romania - Contra"); "Guinea-Bissau" does not.
    return (
        token.text in _DASHES
        and i > start
        and bool(doc[i - 1].whitespace_)
        and bool(token.whitespace_)
    )


def _trim(doc, start: int, end: int) -> tuple[int, int] | None:
    while start < end and (
        doc[start].lower_ == "the"
        or doc[start].is_punct
        or (_honorific(doc[start]) and end - start > 1)
    ):
        start += 1  # "the African Union", "Ms Awa Traore": the name starts after
    while end > start and (
        doc[end - 1].text in ("'s", "’s", "'", "’", "on", "at", "in", "of", "and")
        or doc[end - 1].is_punct
    ):
        end -= 1  # "Ostby's", and no name ends with a lower-case "on" or "of"
    return (start, end) if end > start else None


def _numbered(doc, start: int, end: int) -> bool:
    """A capitalised plural before a series of numbers ("Berths 7, 8 and 9", "Gates 4 to 6")
    names numbered things, not one named thing. (A score, "Rovers 2 Athletic 1", has a name
    after its number, not another number.)"""
    word = doc[start].text
    if end - start != 1 or not word.endswith("s") or word in ORGANISATION_WORDS:
        return False
    following = [t.text.lower() for t in doc[end : end + 3]]
    return (
        len(following) == 3
        and bool(_NUMBER.fullmatch(following[0]))
        and following[1] in {",", "and", "to", "-", "–", "or", "&"}
        and bool(_NUMBER.fullmatch(following[2]))
    )


# Lower-case letters then an acronym ("NorID", "iOS"): how brands and services are written,
# never people.
_BRAND_CASE = re.compile(r"[A-Z]?[a-z]+[A-Z]{2,}[a-z]*")


def _cued(doc, start: int, end: int, label: str) -> str | None:
    """The type a name's own words or context give it, over the model's guess (None when they
    say nothing): "River Vell" and "Skerry Point" are places, "Port Meridian Terminal Company"
    and "Calder Rovers" organisations, "the town of Tarnbridge", "residents of Tarnbridge",
    "Brennvik town hall" and "the ferry to Brennvik" places, "Ms Traore" and "board chair
    Torstein Dahl" people, "NorID" an organisation."""
    if label not in ("PER", "ORG", "LOC"):
        return None
    words = [t.text for t in doc[start:end]]
    before = [t.lower_ for t in doc[max(0, start - 2) : start]]
    after = doc[end].lower_ if end < len(doc) else ""
    if before and _honorific(doc[start - 1]):
        return "PER"  # "Ms Traore"
    if len(words) == 1 and _BRAND_CASE.fullmatch(words[0]):
        return "ORG"  # "NorID": a service's name, not a person's
    if len(words) == 1 and (after in PLACE_NOUNS - {"capital"} or _journey_to(doc, start)):
        return "LOC"  # "Brennvik town hall", "the ferry to Brennvik"
    after_of = len(before) == 2 and before[1] == "of" and before[0] in PLACE_NOUNS | DWELLERS
    if before and (before[-1] in PLACE_NOUNS or after_of):
        return "LOC"  # "the capital Bamako", "the town of Anderamboukane"
    if len(words) > 1 and (words[-1] in ORGANISATION_WORDS or words[0] in ORGANISATION_HEADS):
        return "ORG"
    if any(w in ORGANISATION_WORDS for w in words):
        return None
    if before and before[-1] in PERSON_ROLES and all(w[:1].isupper() for w in words):
        return "PER"  # "board chair Torstein Dahl"
    if len(words) > 1 and (words[-1] in PLACE_WORDS or words[0] in PLACE_HEADS):
        return "LOC"
    if len(words) == 1 and after in DWELLERS and label != "PER":
        return "LOC"  # "a Tarnbridge resident"; not "the Smith residents"
    if len(words) == 1 and label != "PER" and _owns_local_body(doc, end):
        return "LOC"  # "Calder's planning committee", "Calder pharmacists"
    return None


def _journey_to(doc, start: int) -> bool:
    """Whether a journey goes to or from the name: "the ferry to X", "crossed to X", "flights
    from X" (``JOURNEY_WORDS``)."""
    return (
        start >= 2
        and doc[start - 1].lower_ in ("to", "from")
        and doc[start - 2].lower_ in JOURNEY_WORDS
    )


def _owns_local_body(doc, end: int) -> bool:
    """Whether the words after a one-word name are a local body or its people, directly or
    after a possessive: "Calder's mayor", "Calder councillors" (``LOCAL_BODIES``)."""
    if end < len(doc) and doc[end].text in ("'s", "’s"):
        end += 1
    return end < len(doc) and doc[end].lower_ in LOCAL_BODIES


def _after_in(doc, start: int, end: int, label: str) -> str:
    """A one-word "organisation" right after "in" ("clinics in Aldmoor") is a place: a weaker
    hint than a cue ("invest in Veltstra"), so it is not one and does not outweigh guesses."""
    if start > 0 and doc[start - 1].text == "in" and label == "ORG" and end - start == 1:
        return "LOC"
    return label


def _honorific(token) -> bool:
    return token.lower_.rstrip(".") in HONORIFICS and token.text[:1].isupper()


def _common_noun_opening_sentence(doc, start: int, end: int) -> bool:
    """A capital that only opens a sentence ("Farmers said ..."), on a word the tagger calls
    a common noun, is no name."""
    token = doc[start]
    opening = start == 0 or doc[start - 1].text in _OPENERS or "\n" in doc[start - 1].text
    return end - start == 1 and opening and token.tag_ in ("NN", "NNS") and not token.is_upper


def _with_gazetteer(pieces, known, words, recased) -> list[Span]:
    spans: list[Span] = []
    used: set[int] = set()
    for start, end, label in pieces:
        inside = [k for k, (s, e, _) in enumerate(known) if start <= s and e <= end]
        crossing = [
            k for k, (s, e, _) in enumerate(known) if s < end and e > start and k not in inside
        ]
        if any(not known[k].entry.weak for k in crossing):
            continue  # the gazetteer's whole name replaces the model's cut ("Burkina")
        used.update(crossing)  # a weak name cut by a model span: the model's reading stands
        strong = [k for k in inside if not known[k].entry.weak]
        if not inside:
            spans.append((start, end, label, None))
        elif len(inside) == 1 and (known[inside[0]].start, known[inside[0]].end) == (start, end):
            entry = known[inside[0]].entry
            if entry.weak and _conflicts(label, entry):
                used.add(inside[0])
                spans.append((start, end, label, None))
            # otherwise the gazetteer's name is emitted below
        elif _only_names(words, start, end, [known[k] for k in inside]):
            continue  # "Niger, Burkina Faso": the gazetteer's names are emitted below
        elif strong and (
            any(recased[start:end])
            or (
                label == "PER"
                and known[strong[0]].start == start
                and known[strong[0]].entry.country
            )
        ):
            used.update(k for k in inside if k not in strong)
        else:
            used.update(inside)  # "Bank of Mali": a longer name that contains a known one
            spans.append((start, end, label, None))
    taken = {i for s, e, _, _ in spans for i in range(s, e)}
    for k, (s, e, entry) in enumerate(known):
        if k not in used and not taken.intersection(range(s, e)):
            spans.append((s, e, LABEL_OF_KIND[entry.kind], entry))
    return spans


def _only_names(words, start: int, end: int, names) -> bool:
    covered = {i for s, e, _ in names for i in range(s, e)}
    rest = [words[i].lower() for i in range(start, end) if i not in covered]
    return len(names) > 1 and all(w in LIST_WORDS for w in rest)


def _conflicts(label: str, entry: Entry) -> bool:
    """Whether the model read a weak gazetteer name as a person or as another kind of name."""
    return label == "PER" or label not in ("MISC", LABEL_OF_KIND[entry.kind])


def _consistent(doc, spans: list[Span], cued: set[tuple[int, int]] = frozenset()) -> list[Span]:
    """One name, one type per document (a cued reading outweighs ``CUE_WEIGHT`` guesses);
    surnames of people named in full found again. A surname is the full name's last word as
    written ("Day-Lewis" of "Daniel Day-Lewis"), however many tokens the model cut it into."""

    def key(start: int, end: int) -> str:
        return " ".join(t.text for t in doc[start:end]).casefold()

    surnames: set[str] = set()
    labels: dict[str, Counter] = defaultdict(Counter)
    for start, end, label, entry in spans:
        if entry is None:
            labels[key(start, end)][label] += CUE_WEIGHT if (start, end) in cued else 1
            words = doc[start:end].text.split()
            if label == "PER" and len(words) > 1 and words[-1][:1].isupper():
                surnames.add(words[-1].casefold())
    out: list[Span] = []
    for start, end, label, entry in spans:
        if entry is None and label in ("PER", "ORG", "LOC"):
            name = key(start, end)
            if doc[start:end].text.casefold() in surnames:
                label = "PER"
            else:
                (best, count), *rest = labels[name].most_common()
                if best != label and (not rest or count > rest[0][1]):
                    label = best
        out.append((start, end, label, entry))
    taken = {i for s, e, _, _ in out for i in range(s, e)}
    for surname in surnames:
        if len(surname) <= 2:
            continue
        for found in re.finditer(rf"(?<![\w-]){re.escape(surname)}(?![\w-])", doc.text, re.I):
            span = doc.char_span(found.start(), found.end())
            if (
                span is not None
                and found.group()[:1].isupper()
                and not taken.intersection(range(span.start, span.end))
            ):
                out.append((span.start, span.end, "PER", None))
                taken.update(range(span.start, span.end))
    return out
