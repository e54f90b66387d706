"""Sentence splitting and word normalisation shared by grouping, briefing and tagging.

No model and no downloaded data (NLTK's punkt needs a download, so we do not use it): a rule
splitter that knows the abbreviations news text uses. Every sentence keeps its character
offsets in the source text, which is what brief provenance points at.

Extracted text often glues sentences without a space ("...of 375 sq km.By the late 1990s...",
"he said.\"We..."). Such a glued boundary is split when the full stop (or ! or ?) follows a
lower-case word, a digit, a per cent sign or a closing quote/bracket and is followed (after any
closing and opening quotes/brackets) by a capitalised word, "I"/"A" or an acronym of 3+ capitals.
Not split, because they look alike but are not sentence ends: abbreviations and initials
("U.S.", "J.R.R.", "a.m.", "e.g.", "Mr.Benn"), decimals and "No.1" (a digit follows), ellipses
("so...We"), version strings ("v2.1.Beta", "1.2.3.Final"), file names with an upper-case
extension ("report.PDF") and domains with a capitalised tail ("Yahoo.Com", "Halo.Bungie.Org"),
and names with a short capital suffix ("Bagle.AT", "Zafi.D"). A glued boundary after an
all-capitals word ("NATO.The") is split only before a capitalised word. Known misses: "said.US
officials" (a two-capital acronym) stays whole, and "One.Tel" is split. A glued boundary, being
mostly a paragraph break lost in extraction, ends a sentence even inside a quotation.

Spaced chains of capital initials ("J.R.R. Tolkien", "C.S. Lewis") do not end a sentence either,
except "D.C.", "A.D." and "B.C.", which often do.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from newsdesk.core.lexicon import ABBREVIATIONS, DOMAIN_TAILS, PLACE_INITIALS, STOPWORDS

# A sentence ends at . ! or ? (plus closing quotes/brackets) followed by space and a capital,
# digit or opening quote; paragraph breaks always end one (and glued stops, see ``_GLUED``).
_BOUNDARY = re.compile(r"""([.!?]["'”’)\]]*)(\s+)(?=["'“‘(\[]?[A-Z0-9À-Ý])""")
# A glued boundary: . ! or ? straight after a non-space, then quotes/brackets, then a capital.
_GLUED = re.compile(r"""(?<=\S)([!?]+|\.)(["'“”‘’()\[\]]*)()(?=[A-ZÀ-Ý])""")
_OPENERS = "“‘(["
_CLOSERS = "”’)]"
_INITIALS = re.compile(r"(?:[A-Z]\.)+[A-Z]?\.?")
_DOTTED_INITIALS = re.compile(r"(?:[A-ZÀ-Ý]\.)+[A-ZÀ-Ý]")
# "v2.1", "2.0.1", "1.2.3": a version number before the dot (a plain decimal, "3.5", is not).
_VERSION = re.compile(r"(?:^[vV]\d+(?:\.\d+)*$|\d+\.\d+\.\d+)")
_PARAGRAPH = re.compile(r"\n\s*\n|\r\n\s*\r\n")
_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.UNICODE)


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with their offsets; whitespace-only pieces are dropped."""
    sentences: list[Sentence] = []
    for opening, closing in _paragraph_spans(text):
        start = opening
        chunk = text[opening:closing]
        for dot, glued, end, following in _boundaries(chunk):
            if _is_abbreviation(chunk, dot):
                continue
            if glued:
                # A glued boundary is usually a paragraph break lost in extraction, so like a
                # paragraph break it ends a sentence even inside a quotation (BBC style opens
                # each paragraph of a long quote afresh and closes only the last, so the marks
                # do not pair up). Which marks between the stop and the capital close this
                # sentence and which open the next is decided on this sentence alone.
                end = _glued_end(chunk, start - opening, end, following)
                if end is None:
                    continue
                following = end
            elif _inside_quote(text[start : opening + end]):
                # A quotation of several sentences stays one unit: split inside it, a brief
                # would show half a quote, or a quote mark with no end.
                continue
            _append(sentences, text, start, opening + end)
            start = opening + following
        _append(sentences, text, start, closing)
    return sentences


def _boundaries(chunk: str) -> list[tuple[int, bool, int, int]]:
    """Candidate sentence ends in ``chunk``, in order, as (index of the . ! or ?, glued, end of
    the sentence, start of the next); for a glued one the last two are the end of the
    punctuation and the capital, the quote marks between them not yet attributed."""
    found = [(m.start(1), False, m.end(1), m.end(2)) for m in _BOUNDARY.finditer(chunk)]
    for match in _GLUED.finditer(chunk):
        if _glued_is_sentence_end(chunk, match.start(1), match.start(3)):
            found.append((match.start(1), True, match.end(1), match.start(3)))
    found.sort()
    return found


def _glued_end(chunk: str, sentence_start: int, punct_end: int, letter: int) -> int | None:
    """Where the sentence glued at ``punct_end`` ends: after the punctuation and the closing
    quotes/brackets that belong to it; the rest (opening marks) starts the next sentence."""
    end = punct_end
    for position in range(punct_end, letter):
        char = chunk[position]
        sentence = chunk[sentence_start:end]
        if char in _OPENERS:
            break
        if char == '"':
            if sentence.count('"') % 2 == 0:
                break  # an even count so far: this mark opens the next sentence's quotation
        elif char == "'":
            if not _single_quote_open(sentence):
                break
        elif char not in _CLOSERS:
            return None
        end = position + 1
    # Whatever is left between ``end`` and the letter must be opening marks only.
    if any(c not in _OPENERS and c not in "\"'" for c in chunk[end:letter]):
        return None
    return end


def _single_quote_open(before: str) -> bool:
    """Whether a straight single quotation is open at the end of ``before`` (apostrophes inside
    words, "don't", are neither opening nor closing)."""
    opened = len(re.findall(r"(?:^|(?<=[\s(\[“\"]))'(?=\S)", before))
    closed = len(re.findall(r"(?<=[^\s(\[])'(?=[\s,.;:!?)\]\"”]|$)", before))
    return opened > closed


def _glued_is_sentence_end(chunk: str, punct: int, letter: int) -> bool:
    """Whether the glued ``.``/``!``/``?`` at ``punct`` (a capital at ``letter`` follows) ends
    a sentence; see the module docstring for what is and is not split."""
    word_start = punct
    while word_start > 0 and not chunk[word_start - 1].isspace():
        word_start -= 1
    before = chunk[word_start:punct].lstrip("\"'“‘([")
    word_end = letter
    while word_end < len(chunk) and not chunk[word_end].isspace():
        word_end += 1
    after = chunk[letter:word_end].rstrip("\"'”’)],;:!?")
    after_word = re.match(r"[^\W\d_]+", after)
    head = after_word.group(0) if after_word else after[:1]
    if not before:
        return False
    last = before[-1]
    if chunk[punct] == ".":
        if punct > 0 and chunk[punct - 1] == ".":
            return False  # the end of an ellipsis
        if _VERSION.search(before):
            return False
        if re.search(r"\.[^\W\d_]", after) and not _INITIALS.fullmatch(after):
            return False  # "Halo.Bungie.Org", "Example.Co.Uk": a domain or a dotted name
        if last.isalpha() and head.lower() in DOMAIN_TAILS and head == after.rstrip("."):
            return False  # "Yahoo.Com", "report.PDF"
    if last.isalpha() and len(before) > 1 and not before[-2].isalnum():
        return False  # "a.m.", "e.g.", "U.S.", "J.R.R.": initials and dotted abbreviations
    if last.isalpha() and last.isupper():
        # After an all-capitals word ("NATO.The") only a capitalised word starts a sentence;
        # "U.S.The" is initials and "README.TXT" a file name.
        if not re.fullmatch(r"[A-Z]{2,}", before):
            return False
        return len(head) > 1 and head[1:].islower()
    if not (last.islower() or last.isdigit() or last in "%" or last in _CLOSERS or last in "\"'"):
        return False
    if len(head) == 1:
        # A lone capital: "I" or "A" as a word ("said.I think"), or initials ("said.U.S. troops");
        # "Zafi.D" is a name.
        if _INITIALS.fullmatch(after):
            return True
        return head in "IA" and not after[1:2] == "."
    if head.isupper():
        return len(head) >= 3  # "said.BBC News ..." but not "Bagle.AT"
    return any(c.islower() for c in head)


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
    # Straight marks: one after a space (or at the start) opens, one before a space or
    # punctuation closes, so a sentence that only closes a quotation opened in an earlier one
    # ('The fans stayed." Then ...') is not taken for an open one; a mark that looks both ways
    # (or neither) toggles, which is plain parity.
    is_open = False
    for match in re.finditer('"', piece):
        before = piece[match.start() - 1] if match.start() else " "
        after = piece[match.end()] if match.end() < len(piece) else " "
        opens = before.isspace() or before in "([{—–-/:"
        closes = after.isspace() or after in ",.;:!?)]}'’—–-"
        if opens != closes:
            is_open = opens
        else:
            is_open = not is_open
    return is_open


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
    original = chunk[word_start:dot_index].lstrip("\"'“‘(")
    word = original.lower()
    # Single capital initials ("J. Smith") are abbreviations too, and so are dotted chains of
    # capital initials ("J.R.R. Tolkien", "C.S. Lewis"), except the few that usually end a
    # sentence when they end one ("Washington, D.C. The ..."); "a.m."/"p.m." are not listed
    # either: "at 10 p.m. The" is far more often a sentence end than not.
    return (
        word in ABBREVIATIONS
        or (len(word) == 1 and word.isalpha())
        or (_DOTTED_INITIALS.fullmatch(original) is not None and word not in PLACE_INITIALS)
    )


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
