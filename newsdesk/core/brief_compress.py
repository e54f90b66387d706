"""Deletion-only sentence compression for briefs: shorter sentences, never a word added.

A brief sentence may be its source sentence with parts deleted, and only those parts whose
removal leaves a sentence that still reads and still says the main thing (sentence compression
by deletion, as in Knight & Marcu 2002 and Clarke & Lapata 2008, with rules instead of a model):

- a wire dateline ("TARNBRIDGE (NPA) - "), an agency tag ("(CNN)"), a "Scroll down for video"
  prompt, and a photo caption glued in front of the sentence by page extraction ("... a
  colleague The cost of ...");
- a leading "And" or "But", a parenthetical ("(pictured)", "(£600m)"), a dash-bracketed aside
  (" - exactly eight weeks after ... - "), a non-restrictive relative clause or appositive
  between commas (", who had seven seasons at Arsenal,"), an attribution, trailing (", police
  said on Tuesday", ", according to research") or between commas;
- a trailing subordinate or participial clause (", leaving eleven ships in the bay").

Nothing inside a quotation is ever deleted (a shortened quote would misquote), a deletion that
would leave a quote mark unmatched or the sentence ending on a dangling word ("... but at one
point.") is not made, a mid-sentence aside goes only when a verb resumes the sentence after it,
and an attribution between commas (", the bank said,") leaves one comma where the sentence goes
on, so two parts are never glued into one. What the sentence asserts stays: a part holding a
negation ("before being released without charge") is never deleted, nor a main clause that
follows a fronted phrase; a sentence that cannot be shortened safely stays whole. The only
other change allowed is upper-casing the first letter of what is left (and spacing). The
deletions are for reading, not for a score (docs/briefs.md).
``is_deletion_of`` states that contract and the bench checks every brief sentence with it.

>>> compress("Floods closed the road (pictured) on Monday, police said.")
'Floods closed the road on Monday.'
>>> compress("But the mayor, who was elected in May, said the road would reopen on Friday.")
'The mayor said the road would reopen on Friday.'
>>> compress("Prices were 12.4% higher, the bank said, pushed up by poor harvests.")
'Prices were 12.4% higher, pushed up by poor harvests.'
>>> compress('He said: "The road (the old one) will reopen on Friday," police said.')
'He said: "The road (the old one) will reopen on Friday," police said.'
>>> source = "Floods closed the road (pictured) on Monday, police said."
>>> is_deletion_of("Floods closed the road on Monday.", source)
True
>>> is_deletion_of("Floods shut the road.", "Floods closed the road.")
False
"""

from __future__ import annotations

import functools
import re

from newsdesk.core.lexicon import INLINE_QUOTE_OPENERS, NEGATIONS, SPEECH_VERBS

# A wire dateline opening a sentence: "TARNBRIDGE (NPA) - ".
DATELINE = re.compile(r"^[A-Z][A-Z .'’-]{2,40}(?:\s*\([A-Za-z .]{2,20}\))?\s*[-–—]\s+(?=[A-Z])")
_PROMPT = re.compile(r"^(?:Scroll down for (?:video|more)|Click here[^.]{0,60}?)\s+", re.I)
# The agency tag of a wire or syndicated story: "(CNN)", "(The Hollywood Reporter)".
_SOURCE_TAG = re.compile(r"^\([A-Z][\w.&'’-]*(?: [A-Z][\w.&'’-]*){0,3}\)\s*(?=[\"“‘'A-Z0-9])")
# A place before a known agency's tag, the two often glued to the text: "New Delhi, India
# (CNN)As the earth shook". Only named agencies: "Barack Obama (D) won" keeps its name.
_PLACE_TAG = re.compile(
    r"^[A-Z][\w.'’-]*(?:,? [A-Z][\w.'’-]*){0,4}\s*\((?:CNN|AP|AFP|Reuters|UPI|Bloomberg)\)\s*"
    r"(?=[\"“‘'A-Z0-9])"
)

# Page extraction glues a photo caption (no full stop) to the next sentence: "... a colleague
# The cost of divorce ...". A capitalised determiner or pronoun right after a lower-case word,
# followed by a lower-case word, is such a seam; names ("said John Smith") are not. "A" only
# after a lower-case word ("sexual assault A senior doctor ..."), never after a name or label
# ("Nurse A with her training", "Plan A is").
_SEAM = re.compile(
    r"(?<=[a-z0-9%)])\s+(?="
    r"(?:The|An?|His|Her|Its|Their|This|These|Our)\s+[a-z0-9‘'“\"]"
    r"|(?:He|She|It|They|We)\s+[a-z]"
    r"|(?:But|And|However|Meanwhile)\b,?\s+[a-z]"
    r"|[‘“\"'](?=[A-Z](?:[a-z]|[’']\w|\s)))"
)
_ATTRIBUTED_QUOTE = re.compile(
    r"[’'\"”],?\s+(?:said|says|added|told|insisted|explained|admitted|claimed|wrote|tweeted"
    r"|he|she|they)\b"
)
# A caption label ("Accused: ", "Pictured: ", "Tragic end: ") opening a sentence: three words
# at most. A longer opening before a colon is the sentence's own, introducing a title ("With
# the new Avengers: Age of Ultron movie released this week, ..."). Checked with bench/brief.py.
CAPTION_LABEL = re.compile(r"^[A-Z][\w’'-]*(?: [\w’'-]+){0,2}:\s+")
_END = ".!?'\"’”)"

_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_WHEN = (
    rf"(?:\s+(?:on\s+{_WEEKDAY}|{_WEEKDAY}|yesterday|today|last\s+(?:night|week|month|year)"
    r"|this\s+week|earlier|in\s+a\s+statement))?"
)
_SENTENCE_END = r"(?=[.!?][\"'”’]?$)"
# Not "but", "although", "though": a contrast or a concession is often the point of the
# sentence ("She may be a First Daughter, but Sasha is still a teenager ...", "... was arrested
# on Friday, but his lawyer said the arrest was a ruse ..."), and the sentence without it says
# something else. Checked with bench/brief.py (docs/briefs.md).
_TRAIL_WORDS = (
    r"(?:according to|who|which|where|leaving|with|as|after|including|despite|while|"
    r"following|and|before|when|meaning|saying|adding|amid|because|since"
    r"|prompting|sparking|forcing|making|causing|bringing)"
)
# Finite verbs: auxiliaries and common verbs whose form is not also a noun's or a participle's.
_FINITE = (
    r"(?:is|are|was|were|has|have|had|will|would|can|could|should|may|might|must|did"
    r"|does|do|said|told|took|made|went|came|won|lost|left|became|began|saw|found|gave|got"
    r"|kept|led|met|paid|ran|sent|spent|stood|thought|wrote|held|brought|built|bought|caught"
    r"|fell|felt|heard|knew|meant|put|set|shot|struck|sold|broke|chose|drove|flew|hit|rose"
    r"|spoke|stole|threw|wore|says|goes|makes|takes|gets|wants|needs|remains|faces|plays"
    r"|lives|works|looks|seems|appears|believes|insists|admits|claims|denies)"
)
_FINITE_WORD = re.compile(r"\b" + _FINITE + r"\b")
# A verb, finite or a past form that may be a participle ("pushed"): what a clause turns on.
# Also where a sentence's subject ends (``brief_select.leans_on_context``).
VERB_WORD = re.compile(r"\b(?:" + _FINITE + r"|[a-z]{2,}ed)\b")
# What resumes the main clause after a deleted mid-sentence aside: a verb ("The mayor, who was
# elected in May, said"): an auxiliary, a common verb or a past-tense ending. Anything else
# (", the record-breaking jockey", ", and", ", officials said") means the commas were not an
# aside's. Only a clause that has no verb yet is resumed (``_glue``): after "Food prices were
# higher, the bank said," the "pushed" that follows is a participle.
_RESUME = r",\s+(?=(?:" + _FINITE + r"|[a-z]{2,}ed)\b)"

# The inside of a comma-delimited aside: no other comma (but "2,500"), bracket or quote mark.
_ASIDE = r"(?:[^,;:()\"“”‘’]|(?<=\d),(?=\d))"
# An aside right after a short one ("Christie, 51, a managing director at ..., quit") is
# left alone: deleting it would leave "Christie, 51 quit".
_AFTER_SHORT_ASIDE = re.compile(r",\s+[^,]{1,20}$")
_ASIDE_RULES = frozenset({"relative clause", "appositive"})
# An aside that ends on a speech verb is an attribution ("the bank said"), not an appositive.
_ENDS_SPOKEN = re.compile(r"\b(?:" + "|".join(sorted(SPEECH_VERBS)) + r")\s*,\s+\S+$")
# What a sentence denies is part of what it asserts: a deleted part never holds a negation.
_NEGATION = re.compile(
    r"\b(?:" + "|".join(sorted(n for n in NEGATIONS if n.isalpha())) + r")\b|n[’']t\b", re.I
)

# (name, pattern, replacement) in the order they are tried; each match is one deletable span.
DELETIONS = (
    ("leading connective", re.compile(r"^(?:And|But)\s+(?=[a-zA-Z])"), ""),
    (
        "leading adverb",
        re.compile(r"^(?:However|Meanwhile|Instead|Indeed|Separately|Also|Still),\s+"),
        "",
    ),
    ("parenthetical", re.compile(r"\s*\([^()]{1,80}\)|\s*\[[^\[\]]{1,80}\]"), ""),
    ("dash aside", re.compile(r"\s+(?:--|[-–—])\s+[^-–—.!?]{3,120}?\s+(?:--|[-–—])(?=\s)"), ""),
    (
        "attribution",
        re.compile(
            r",\s+(?:according to [^,.;]{2,60}|(?:he|she|they|it|police|officials"
            r"|(?:a|an|the|his|her|their) [\w.'’ -]{1,40}?|[A-Z][\w.'’ -]{1,40}?)"
            r" (?:said|says|added|told [^,.;]{2,40}|reported|claimed|revealed|confirmed"
            r"|explained|admitted)" + _WHEN + ")" + _SENTENCE_END
        ),
        "",
    ),
    (
        # ", the bank said," inside a sentence: its own two commas go and one is put back where
        # the sentence goes on with a modifier (``_glue``).
        "attribution aside",
        re.compile(
            r",\s+(?:according to [^,.;]{2,60}|(?:he|she|they|it|police|officials"
            r"|(?:a|an|the|his|her|their) [\w.'’ -]{1,40}?|[A-Z][\w.'’ -]{1,40}?)"
            r" (?:said|says|added|reported|claimed|revealed|confirmed|explained|admitted)"
            + _WHEN
            + r"),\s+(?=[a-zA-Z0-9])"
        ),
        ", ",
    ),
    (
        "relative clause",
        re.compile(r",\s+(?:who|whom|whose|which|where)\s+" + _ASIDE + r"{3,120}" + _RESUME),
        " ",
    ),
    (
        # Not a list's tail: ", the radio and on records, has" is no appositive.
        "appositive",
        re.compile(
            r",\s+(?:a|an|the)\s+(?!" + _ASIDE + r"*\b(?:and|or)\b)" + _ASIDE + r"{3,80}" + _RESUME
        ),
        " ",
    ),
    (
        "trailing clause",
        re.compile(r",\s+" + _TRAIL_WORDS + r"\b(?:[^,;:]|(?<=\d),(?=\d)){3,200}" + _SENTENCE_END),
        "",
    ),
)

# Below this many words a compressed sentence has lost its point: keep the original.
MIN_COMPRESSED_WORDS = 6

# What a sentence must not end on after a deletion: the deletion cut a phrase in two.
_DANGLING = re.compile(
    r"\b(?:a|an|the|of|to|in|on|at|for|with|and|or|but|by|from|as|that|this|his|her|their|its"
    r"|is|are|was|were|be|been|has|have|had|not|than|into|about|who|which|after|before)"
    r"[.!?][\"'”’]?$",
    re.I,
)


def strip_prefixes(text: str) -> str:
    """Delete a dateline, a "Scroll down" prompt and a caption glued before the sentence."""
    text = " ".join(text.split())
    text = DATELINE.sub("", text)
    text = _PLACE_TAG.sub("", text)
    text = _SOURCE_TAG.sub("", text)
    text = _PROMPT.sub("", text)
    seams = [m.end() for m in _SEAM.finditer(text) if _is_seam(text, m.end())]
    if seams:
        last = text[seams[-1] :]
        # Only when what is left is itself a whole sentence (a caption has no full stop).
        if len(last.split()) >= 8 and last.rstrip()[-1:] in ".!?'\"’”":
            text = last
    return text


def _is_seam(text: str, at: int) -> bool:
    """Whether a caption ends at ``at``: for a quotation, only when what follows is a quote
    attributed after it closes ("‘I’d be over the moon,’ said Locke"), and never right after
    a speech verb ('Locke said "We will...') or inside a phrase ('the "Baghdad Blogger" has')."""
    if text[at : at + 2] == "A ":
        before = text[:at].rsplit(None, 1)
        return bool(before) and before[-1][:1].islower()
    if text[at : at + 1] not in "‘“\"'":
        return True
    before = text[:at].rsplit(None, 1)
    if (
        not before
        or before[-1].lower() in SPEECH_VERBS
        or before[-1].lower() in INLINE_QUOTE_OPENERS
    ):
        return False
    return bool(_ATTRIBUTED_QUOTE.search(text, at))


def is_caption(text: str) -> bool:
    """A photo caption or a fragment: a "Label: " opening or no closing punctuation. A speaker
    before a colon ("He said: ...", "The mayor told reporters: ...") is no label."""
    stripped = text.rstrip()
    label = CAPTION_LABEL.match(stripped)
    if label and not SPEECH_VERBS.intersection(label.group(0).rstrip(": ").lower().split()):
        return True
    return stripped[-1:] not in _END


def compress(text: str, rules: tuple[str, ...] | None = None) -> str:
    """``text`` with its deletable parts removed (see the module docstring).

    ``rules`` names the deletions to try (default: all of ``DELETIONS``).
    """
    kept = text
    for name, pattern, replacement in DELETIONS:
        if rules is not None and name not in rules:
            continue
        quoted = _quoted_spans(kept)
        pieces, position = [], 0
        for match in pattern.finditer(kept):
            # A quotation is deleted whole or not at all: never cut in two.
            if any(
                start < match.start() < end or start < match.end() < end for start, end in quoted
            ):
                continue
            if name in _ASIDE_RULES and _AFTER_SHORT_ASIDE.search(kept, 0, match.start()):
                continue
            glue = _glue(name, kept, match, replacement)
            if glue is None or _NEGATION.search(match.group(0)):
                continue
            pieces.append(kept[position : match.start()] + glue)
            position = match.end()
        if not pieces:
            continue
        candidate = _tidy("".join(pieces) + kept[position:])
        if (
            len(candidate.split()) >= MIN_COMPRESSED_WORDS
            and not _DANGLING.search(candidate)
            and _balanced(candidate) >= _balanced(kept)
            and _keeps_a_verb(candidate, kept)
        ):
            kept = candidate
    kept = " ".join(kept.split())
    return kept if is_deletion_of(kept, text) else text


_CLOSING = frozenset("\"”’'")
_OPENING = frozenset("\"“‘'")


def _glue(name: str, text: str, match: re.Match, replacement: str) -> str | None:
    """What takes the place of a deleted part, or None when it cannot go safely.

    A part between two commas leaves one comma where the sentence goes on after a complete
    clause ("Prices were higher, the bank said, pushed up by ..." -> "Prices were higher,
    pushed up by ...") and none between a subject and its verb ("Residents, officials said,
    were moved" -> "Residents were moved"). An appositive or relative clause is deleted only
    between a subject and its verb, never when it ends on a speech verb (an attribution).
    """
    before = _clause_before(text, match.start())
    if name == "attribution aside":
        if (
            text[match.start() - 1 : match.start()] in _CLOSING
            or text[match.end() :][:1] in _OPENING
        ):
            return None  # a quotation's speaker: '"We will," he said, "and soon."'
        subject_only = not VERB_WORD.search(before)
        return " " if subject_only and _FINITE_WORD.match(text, match.end()) else ", "
    if name in _ASIDE_RULES:
        if _ENDS_SPOKEN.search(match.group(0) + text[match.end() :].split(" ", 1)[0]):
            return None
        if _FINITE_WORD.search(before):
            return None  # "fell last year, a record, hit by": no subject waits for its verb
    return replacement


def _clause_before(text: str, end: int) -> str:
    """The words of the clause that ends at ``end``: back to the last ; : or comma."""
    head = text[:end]
    cut = max(head.rfind(";"), head.rfind(":"), head.rfind(","))
    return outside_quotes(head[cut + 1 :])


# A fronted phrase: what opens a sentence whose main clause comes later.
_FRONTED = re.compile(
    r"^(?:For|In|On|At|After|Before|Since|When|While|Despite|Amid|With|Without|During|Under"
    r"|As|Following|Like|Unlike|Until|Of|From|By|Through|Across|Among|Between)\b"
)


def _keeps_a_verb(candidate: str, kept: str) -> bool:
    """A deletion may not take the main clause with it: "For the first time since 1998, when
    the party last won the seat the Greens took Calder." is not "For the first time since
    1998." (a fronted phrase left with no verb, where the sentence had one)."""
    if not _FRONTED.match(candidate) or VERB_WORD.search(outside_quotes(candidate)):
        return True
    return not VERB_WORD.search(outside_quotes(kept))


def _tidy(text: str) -> str:
    text = " ".join(text.split())
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    return text[:1].upper() + text[1:]


# A quotation: “…”, "…", or ‘…’ / '…' opened after a space or at the start (an apostrophe
# inside a word, "Kilmarnock’s", opens nothing).
_QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?|(?:^|(?<=[\s(]))[‘'](?=\w)[^‘’']*(?:[’'](?!\w)|$)")


# A story's sentences are tested many times over (first person, quotations, context).
@functools.lru_cache(maxsize=8192)
def outside_quotes(text: str) -> str:
    """``text`` with its quotations blanked out (same length): what the writer says in their
    own voice."""
    chars = list(text)
    for start, end in _quoted_spans(text):
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTED.finditer(text)]


def _balanced(text: str) -> bool:
    """Whether every double quote mark has its partner."""
    curly = text.count("“") == text.count("”")
    return curly and text.count('"') % 2 == 0


_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def is_deletion_of(text: str, source: str) -> bool:
    """True when ``text`` is ``source`` with tokens deleted and nothing added or reworded.

    Tokens are words and single punctuation marks; the first letter of ``text`` may have been
    upper-cased (what remains after deleting "But " starts the sentence).
    """
    tokens = _TOKEN.findall(text)
    if not tokens:
        return False
    source_tokens = _TOKEN.findall(source)
    position = 0
    for number, token in enumerate(tokens):
        while position < len(source_tokens) and not _same(
            token, source_tokens[position], first=number == 0
        ):
            position += 1
        if position == len(source_tokens):
            return False
        position += 1
    return True


def _same(token: str, source_token: str, first: bool) -> bool:
    if token == source_token:
        return True
    return first and token[:1] == source_token[:1].upper() and token[1:] == source_token[1:]
