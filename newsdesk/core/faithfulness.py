"""The faithfulness gate: is each sentence of a generated text supported by a source sentence?

A sentence passes when a supporting set of at most ``MAX_SUPPORT`` source sentences
(found by content-word overlap) contains

- every number it states ("three" and "3", "2,100" and "2100" meet), every name (a word the
  claim or the sources capitalise mid-sentence), every weekday and month;
- enough of its content words (``MIN_COVERAGE``) and of its word pairs (``MIN_BIGRAM``):
  the similarity check, measured as a classifier in ``bench/faithfulness.py``;
- the same polarity: a "not" the sources do not have (or drop) fails;

and when every quotation in it appears verbatim in a source: paraphrase is never shown as a
direct quote (kite-public#97). The result says why a sentence failed, so the brief can log it.

>>> text = "Floods closed the coast road on Monday. Three villages were cut off."
>>> gate = SourceIndex([("a", text)])
>>> gate.check("Three villages were cut off by floods.").supported
True
>>> gate.check("Four villages were cut off.").reasons[0]
'number 4 not in the supporting source sentence'
>>> gate.check('The mayor said "the army is coming".').supported
False
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from newsdesk import limits
from newsdesk.core.text import STOPWORDS, _stem, split_sentences, words

# Thresholds chosen on the calibration half of FRANK (news summaries, as ours; bench/faithfulness.py
# prints the split and the figures on the other half). Coverage: share of the claim's content
# words found in its supporting sentences; bigram: share of its word pairs found in the sources.
MIN_COVERAGE = 0.80
MIN_BIGRAM = 0.50

# A claim sentence may merge facts from this many source sentences.
MAX_SUPPORT = 3

NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17",
    "eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40",
    "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
    "hundred": "100", "thousand": "1000", "million": "million", "billion": "billion",
    "dozen": "12", "half": "half", "twice": "2",
}  # fmt: skip
CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december""".split()
)
NEGATIONS = frozenset("not no never nobody nothing none neither nor cannot n't without".split())
_NUMBER = re.compile(r"\d{1,3}(?:,\s?\d{3})+(?!\d)|\d+(?:\.\d+)?")
_CAPITALISED = re.compile(r"(?<![.!?:]\s)(?<!^)\b[A-Z][\w'’-]*")
# Quotations: “…”, "…", ‘…’ and '…' (an apostrophe inside a word is not a quote), `` … ''.
_QUOTES = re.compile(
    r"“([^”]{3,})”"
    r"|\"([^\"]{3,})\""
    r"|(?:^|(?<=[\s(]))‘(\S[^‘’]*?\S)’(?!\w)"
    r"|(?:^|(?<=[\s(]))'([A-Za-z][^']*?[^\s'])'(?!\w)"
    r"|``?\s*([^`']{3,}?)\s*''?"
)


@dataclass
class Verdict:
    """The gate's answer for one sentence."""

    text: str
    supported: bool
    reasons: list[str] = field(default_factory=list)
    # (article id, sentence index) of the supporting source sentences, best first.
    sources: list[tuple[str, int]] = field(default_factory=list)
    coverage: float = 0.0
    bigram: float = 0.0


@dataclass
class _Source:
    article_id: str
    index: int
    text: str
    stems: frozenset[str]
    numbers: frozenset[str]


class SourceIndex:
    """The sources of one story, indexed once; ``check`` a claim sentence against them."""

    def __init__(self, documents: Iterable[tuple[str, str]]):
        self.sentences: list[_Source] = []
        self.proper: set[str] = set()
        lower_seen: set[str] = set()
        bigrams: set[tuple[str, str]] = set()
        normalised: list[str] = []
        for article_id, text in documents:
            text = text[: limits.MAX_ARTICLE_CHARS]
            normalised.append(f" {' '.join(words(text))} ")
            for index, sentence in enumerate(split_sentences(text)):
                tokens = _tokens(sentence.text)
                bigrams.update(zip(tokens, tokens[1:], strict=False))
                numbers = frozenset(_numbers(sentence.text))
                self.sentences.append(
                    _Source(
                        article_id,
                        index,
                        sentence.text,
                        frozenset(_stems(tokens)) | numbers,
                        numbers,
                    )
                )
                for match in _CAPITALISED.finditer(sentence.text):
                    self.proper.add(_fold(match.group(0)))
                lower_seen.update(t for t in re.findall(r"\b[a-z][\w'’-]*", sentence.text))
        # A word the sources only ever capitalise is a name, even in a lower-cased claim.
        self.proper -= {_fold(w) for w in lower_seen}
        self.proper -= STOPWORDS
        self.bigrams = bigrams
        # Word streams of each source: a quotation must be a run of one of them (verbatim up
        # to case, spacing and the quote marks used).
        self.quote_text = "\n".join(normalised)
        self._document_frequency: dict[str, int] = {}
        for source in self.sentences:
            for stem in source.stems:
                self._document_frequency[stem] = self._document_frequency.get(stem, 0) + 1

    def check(self, sentence: str) -> Verdict:
        tokens = _tokens(sentence)
        stems = _stems(tokens)
        verdict = Verdict(sentence, supported=False)
        if not tokens:
            verdict.reasons.append("empty sentence")
            return verdict
        names = self._names(sentence, tokens)
        claim_numbers = _numbers(sentence)
        support = self._support(set(stems) | claim_numbers, names | claim_numbers)
        verdict.sources = [(s.article_id, s.index) for s in support]
        covered = set().union(*(s.stems for s in support)) if support else set()
        content = set(stems)
        verdict.coverage = len(content & covered) / len(content) if content else 1.0
        pairs = list(zip(tokens, tokens[1:], strict=False))
        support_pairs = {
            pair
            for s in support
            for t in (_tokens(s.text),)
            for pair in zip(t, t[1:], strict=False)
        }
        verdict.bigram = sum(p in support_pairs for p in pairs) / len(pairs) if pairs else 1.0

        numbers = set().union(*(s.numbers for s in support)) if support else set()
        for number in sorted(claim_numbers - numbers):
            verdict.reasons.append(f"number {number} not in the supporting source sentence")
        for name in sorted(names - covered):
            verdict.reasons.append(f"name or date {name!r} not in the supporting source sentence")
        support_tokens = {t for s in support for t in _tokens(s.text)}
        if _negated(tokens) and not _negated(support_tokens):
            verdict.reasons.append("negation the supporting source sentence does not have")
        for quote in quotations(sentence):
            if f" {' '.join(words(quote))} " not in self.quote_text:
                verdict.reasons.append(f"quotation not verbatim in any source: {quote!r}")
        if verdict.coverage < MIN_COVERAGE:
            verdict.reasons.append(f"content-word support {verdict.coverage:.2f} < {MIN_COVERAGE}")
        if verdict.bigram < MIN_BIGRAM:
            verdict.reasons.append(f"word-pair support {verdict.bigram:.2f} < {MIN_BIGRAM}")
        verdict.supported = not verdict.reasons
        return verdict

    def check_text(self, text: str) -> list[Verdict]:
        return [self.check(s.text) for s in split_sentences(text)]

    def _support(self, stems: set[str], required: set[str]) -> list[_Source]:
        """Greedy set cover of the claim's content words by source sentences, rarest first.

        Numbers and names (``required``) weigh most: a claim that adds the age of a person
        named in the lead may take the age from a later sentence, as a reader would.
        """
        total = len(self.sentences) or 1
        weight = {s: math.log(1 + total / self._document_frequency.get(s, 0.5)) for s in stems}
        for s in required & stems:
            weight[s] += 10.0
        chosen: list[_Source] = []
        remaining = set(stems)
        while remaining and len(chosen) < MAX_SUPPORT:
            best, gain = None, 0.0
            for source in self.sentences:
                value = sum(weight[s] for s in remaining & source.stems)
                if value > gain:
                    best, gain = source, value
            if best is None:
                break
            new = remaining & best.stems
            # A further sentence must bring a number, a name or two content words.
            if chosen and len(new) < 2 and not new & required:
                break
            chosen.append(best)
            remaining -= best.stems
        return chosen

    def _names(self, sentence: str, tokens: Sequence[str]) -> set[str]:
        names = {_stem(t) for t in tokens if t in self.proper or t in CALENDAR}
        if sentence != sentence.lower():
            names |= {
                _stem(_fold(m.group(0)))
                for m in _CAPITALISED.finditer(sentence)
                if _fold(m.group(0)) not in STOPWORDS and "'" not in m.group(0)
            }
        return {n for n in names if n and not n.isdigit()}


def quotations(sentence: str) -> list[str]:
    """The quoted passages of ``sentence`` (at least two words each)."""
    found = []
    for match in _QUOTES.finditer(sentence):
        quote = next(g for g in match.groups() if g)
        if len(quote.split()) >= 2:
            found.append(quote.strip())
    return found


def _negated(tokens: Iterable[str]) -> bool:
    return any(t in NEGATIONS or t.endswith("n't") for t in tokens)


def _fold(word: str) -> str:
    folded = unicodedata.normalize("NFKD", word)
    return "".join(c for c in folded if not unicodedata.combining(c)).lower().replace("’", "'")


def _tokens(text: str) -> list[str]:
    return [NUMBER_WORDS.get(w, w) for w in words(text)]


def _stems(tokens: Sequence[str]) -> list[str]:
    return [_stem(t) for t in tokens if t not in STOPWORDS and len(t) > 1 or t.isdigit()]


def _numbers(text: str) -> set[str]:
    found = {re.sub(r"[,\s]", "", m.group(0)) for m in _NUMBER.finditer(text)}
    found |= {NUMBER_WORDS[w] for w in words(text) if w in NUMBER_WORDS}
    return {n for n in found if n and n not in ("million", "billion", "half")}
