"""Sentence splitting and word normalisation shared by grouping, briefing and tagging.

No model and no downloaded data (NLTK's punkt needs a download, so we do not use it): a rule
splitter that knows the abbreviations news text uses. Every sentence keeps its character
offsets in the source text, which is what brief provenance points at.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Abbreviations after which a full stop does not end a sentence (lower-case, without the dot).
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st gen col lt sgt capt cmdr adm gov sen rep rev hon pres
    no nos vol fig inc ltd co corp plc bros dept est approx vs etc al e.g i.e u.s u.k u.n
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    mt ft pp""".split()
)

# A sentence ends at . ! or ? (plus closing quotes/brackets) followed by space and a capital,
# digit or opening quote; paragraph breaks always end one.
_BOUNDARY = re.compile(r"""([.!?]["'”’)\]]*)(\s+)(?=["'“‘(\[]?[A-Z0-9À-Ý])""")
_PARAGRAPH = re.compile(r"\n\s*\n|\r\n\s*\r\n")
_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.UNICODE)

STOPWORDS = frozenset(
    """a an and are as at be been but by for from had has have he her his i in into is it its
    of on or our she that the their them they this to was we were will with would said says
    after over about than then there these those who whom which what when where while not no
    new more most up out s just also could can may might being do does did so if how all any
    year years week day days one two""".split()
)


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with their offsets; whitespace-only pieces are dropped."""
    sentences: list[Sentence] = []
    for paragraph in _paragraph_spans(text):
        start = paragraph[0]
        chunk = text[paragraph[0] : paragraph[1]]
        for match in _BOUNDARY.finditer(chunk):
            end = match.end(1)
            if _is_abbreviation(chunk, match.start(1)):
                continue
            if _inside_quote(text[start : paragraph[0] + end]):
                # A quotation of several sentences stays one unit: split inside it, a brief
                # would show half a quote, or a quote mark with no end.
                continue
            _append(sentences, text, start, paragraph[0] + end)
            start = paragraph[0] + match.end(2)
        _append(sentences, text, start, paragraph[1])
    return sentences


# Longest stretch kept whole for an unclosed quotation; past it, a stray quote mark (a typo, an
# inch sign) must not glue the rest of the paragraph into one sentence.
MAX_QUOTED_CHARS = 600


def _inside_quote(piece: str) -> bool:
    """Whether ``piece`` (a sentence so far) leaves a double quotation open."""
    if len(piece) > MAX_QUOTED_CHARS:
        return False
    curly_open, curly_close = piece.count("“"), piece.count("”")
    if curly_open or curly_close:
        return curly_open > curly_close
    return piece.count('"') % 2 == 1


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans, position = [], 0
    for match in _PARAGRAPH.finditer(text):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(text)))
    return spans


def _is_abbreviation(chunk: str, dot_index: int) -> bool:
    if chunk[dot_index] != ".":
        return False
    word_start = dot_index
    while word_start > 0 and not chunk[word_start - 1].isspace():
        word_start -= 1
    word = chunk[word_start:dot_index].lstrip("\"'“‘(").lower()
    # Single capital initials ("J. Smith") are abbreviations too.
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    leading = len(piece) - len(piece.lstrip())
    start += leading
    sentences.append(Sentence(stripped, start, start + len(stripped)))


def words(text: str) -> list[str]:
    """Lower-cased word tokens, accents folded ("Zoë" -> "zoe")."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return [w.lower().replace("’", "'") for w in _WORD.findall(folded)]


def content_words(text: str) -> list[str]:
    """Words without stopwords, lightly stemmed so "strikes" matches "strike"."""
    return [_stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1]


def _stem(word: str) -> str:
    # A deliberately tiny stemmer (plurals, -ing, -ed, final e), applied alike to every word so
    # "strikes", "striking" and "strike" meet at "strik"; enough to match headline variants.
    if len(word) <= 3 or word[-1].isdigit():
        return word
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)] + keep
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def jaccard(left: set[str] | frozenset[str], right: set[str] | frozenset[str]) -> float:
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def overlap(left: set[str] | frozenset[str], right: set[str] | frozenset[str]) -> float:
    """Share of the smaller set found in the larger: a short sentence restating part of a long
    one scores high, where Jaccard would call them different."""
    if not left or not right:
        return 0.0
    return len(left & right) / min(len(left), len(right))
