"""Deletion-only sentence compression for briefs: shorter sentences, never a word added.

A brief sentence may be its source sentence with parts deleted, and only those parts whose
removal leaves a sentence that still reads and still says the main thing (sentence compression
by deletion, as in Knight & Marcu 2002 and Clarke & Lapata 2008, with rules instead of a model):

- a wire dateline ("TARNBRIDGE (NPA) - "), a "Scroll down for video" prompt, and a photo
  caption glued in front of the sentence by page extraction ("... a colleague The cost of ...");
- a parenthetical ("(pictured)", "(£600m)"), a dash-bracketed aside (" - exactly eight weeks
  after ... - "), a trailing attribution (", police said", ", according to research");
- a trailing subordinate or participial clause (", leaving eleven ships in the bay").

The only other change allowed is upper-casing the first letter of what is left.
``is_deletion_of`` states that contract and the bench checks every brief sentence with it.

>>> compress("Floods closed the road (pictured) on Monday, police said.")
'Floods closed the road on Monday.'
>>> source = "Floods closed the road (pictured) on Monday, police said."
>>> is_deletion_of("Floods closed the road on Monday.", source)
True
>>> is_deletion_of("Floods shut the road.", "Floods closed the road.")
False
"""

from __future__ import annotations

import re

# A wire dateline opening a sentence: "TARNBRIDGE (NPA) - ".
DATELINE = re.compile(r"^[A-Z][A-Z .'’-]{2,40}(?:\s*\([A-Za-z .]{2,20}\))?\s*[-–—]\s+(?=[A-Z])")
_PROMPT = re.compile(r"^(?:Scroll down for (?:video|more)|Click here[^.]{0,60}?)\s+", re.I)

# Page extraction glues a photo caption (no full stop) to the next sentence: "... a colleague
# The cost of divorce ...". A capitalised determiner or pronoun right after a lower-case word,
# followed by a lower-case word, is such a seam; names ("said John Smith") are not.
_SEAM = re.compile(
    r"(?<=[a-z0-9%)])\s+(?="
    r"(?:The|An|His|Her|Its|Their|This|These|Our)\s+[a-z0-9‘'“\"]"
    r"|(?:He|She|It|They|We)\s+[a-z]"
    r"|(?:But|And|However|Meanwhile)\b,?\s+[a-z]"
    r"|[‘“\"'](?=[A-Z][a-z]))"
)
# A caption label ("Accused: ", "Pictured: ") opening a sentence.
CAPTION_LABEL = re.compile(r"^[A-Z][\w’'-]*(?: [\w’'-]+){0,3}:\s+")
_END = ".!?'\"’”)"

_SUBORDINATE_OPENING = re.compile(
    r"^(?:With|After|When|While|As|If|Although|Though|Because|Since|Before|Despite|Following|"
    r"Having|Once|Until|Unless|Whether)\b"
)
_TRAIL_WORDS = (
    r"(?:according to|who|which|where|leaving|with|as|after|including|despite|while|"
    r"following|but|and|before|when|meaning|saying|adding|amid|although|though|because|since)"
)
_SENTENCE_END = r"(?=[.!?][\"'”’]?$)"
# (name, pattern) in the order they are tried; each match is one deletable span.
DELETIONS = (
    ("parenthetical", re.compile(r"\s*\([^()]{1,80}\)")),
    ("dash aside", re.compile(r"\s+[-–—]\s+[^-–—.]{3,120}?\s+[-–—](?=\s)")),
    (
        "attribution",
        re.compile(
            r",\s+(?:according to [^,.;]{2,60}|(?:he|she|they|it|police|officials|"
            r"[A-Z][\w.'’ -]{1,40}?) (?:said|says|added|told [^,.;]{2,40}|reported|claimed|"
            r"revealed|confirmed|explained|admitted))" + _SENTENCE_END
        ),
    ),
    ("trailing clause", re.compile(r",\s+" + _TRAIL_WORDS + r"\b[^;:]{3,200}" + _SENTENCE_END)),
)

# Below this many words a compressed sentence has lost its point: keep the original.
MIN_COMPRESSED_WORDS = 6


def strip_prefixes(text: str) -> str:
    """Delete a dateline, a "Scroll down" prompt and a caption glued before the sentence."""
    text = DATELINE.sub("", text)
    text = _PROMPT.sub("", text)
    seams = [m.end() for m in _SEAM.finditer(text)]
    if seams:
        last = text[seams[-1] :]
        # Only when what is left is itself a whole sentence (a caption has no full stop).
        if len(last.split()) >= 8 and last.rstrip()[-1:] in ".!?'\"’”":
            text = last
    return text


def is_caption(text: str) -> bool:
    """A photo caption or a fragment: a "Label: " opening or no closing punctuation."""
    stripped = text.rstrip()
    return bool(CAPTION_LABEL.match(stripped)) or stripped[-1:] not in _END


def compress(text: str) -> str:
    """``text`` with its deletable parts removed (see the module docstring)."""
    kept = text
    for name, pattern in DELETIONS:
        if name == "trailing clause" and _SUBORDINATE_OPENING.match(kept):
            # "With two weekends to play, and one in the Conference" must keep its main clause.
            continue
        candidate = _tidy(pattern.sub("", kept))
        if len(candidate.split()) >= MIN_COMPRESSED_WORDS:
            kept = candidate
    return kept if is_deletion_of(kept, text) else text


def _tidy(text: str) -> str:
    text = " ".join(text.split())
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    return text[:1].upper() + text[1:]


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
