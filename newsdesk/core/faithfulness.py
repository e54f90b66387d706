"""The faithfulness gate: is each sentence of a generated text supported by a source sentence?

A sentence passes when a supporting set of at most ``MAX_SUPPORT`` source sentences
(found by content-word overlap) contains

- every number it states ("three" and "3", "five-year-old" and "5", "2,100" and "2100" meet),
  every name (a word the claim or the sources capitalise mid-sentence), every weekday and
  month;
- the same polarity: a "not" the sources do not have (or drop) fails;

when every quotation in it appears verbatim in a source (paraphrase is never shown as a direct
quote), and when its support score reaches ``MIN_SCORE``. The score is a
logistic regression (``SCORE_WEIGHTS``) on five measures of how the sentence was put together
from the sources:

- ``coverage``: share of its content words found in its supporting sentences;
- ``bigram``: share of its word pairs found in its supporting sentences;
- ``order``: longest common subsequence with one source sentence, as a share of its words
  (a sentence that keeps one source sentence's words in their order is a compression of it);
- ``pieces``: how many pieces it is stitched from (greedy longest runs copied from a source,
  a word found nowhere counting as a piece of its own): abstractive and spliced sentences are
  where summarisers invent (Maynez et al. 2020; FRANK, Pagnoni et al. 2021);
- ``name_pairs``: word pairs with a name or a number in them that no source has ("Klopp has
  tipped compatriot Jurgen Klopp": each name is in the source, the pairing is not).

One more measure is reported with every verdict and not scored: ``novel_trigrams``, the share
of its word triples no source sentence has (``bench/faithfulness.py`` tries it, with sentence
embeddings, as an alternative gate; docs/briefs.md has the measurements). The result says why a
sentence failed, so the brief can log it.

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
from newsdesk.core.lexicon import CALENDAR, NEGATIONS
from newsdesk.core.text import STOPWORDS, _stem, split_sentences, words

# The support score, a logistic regression: SCORE_BIAS plus SCORE_WEIGHTS[name] * feature; a
# sentence passes at MIN_SCORE and above. Fitted on the calibration half of FRANK's labels by
# `bench/faithfulness.py --fit` (docs/briefs.md says how).
SCORE_WEIGHTS = {
    "coverage": 1.3073,
    "bigram": 1.6105,
    "order": 2.1474,
    "pieces": -0.0431,
    "name_pairs": -0.1514,
}
SCORE_BIAS = -2.8500
MIN_SCORE = 0.0
FEATURES = tuple(SCORE_WEIGHTS)


# A claim sentence may merge facts from this many source sentences.
MAX_SUPPORT = 3

# The source sentences sharing most words with a claim that ``order`` compares it with.
ORDER_CANDIDATES = 3

# Occurrences of a word tried as the start of a copied piece (bounds the cost on big stories;
# a word this frequent is a stopword and its longest run is found among the first ones).
MAX_PIECE_STARTS = 2000

NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17",
    "eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40",
    "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
    "hundred": "100", "thousand": "1000", "million": "million", "billion": "billion",
    "dozen": "12", "half": "half", "twice": "2",
}  # fmt: skip
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
    # The support score and the measures it is computed from (see the module docstring).
    score: float = 0.0
    features: dict[str, float] = field(default_factory=dict)


@dataclass
class _Source:
    article_id: str
    index: int
    text: str
    stems: frozenset[str]
    numbers: frozenset[str]
    tokens: list[str] = field(default_factory=list)


class SourceIndex:
    """The sources of one story, indexed once; ``check`` a claim sentence against them."""

    def __init__(self, documents: Iterable[tuple[str, str]]):
        self.sentences: list[_Source] = []
        self.proper: set[str] = set()
        lower_seen: set[str] = set()
        bigrams: set[tuple[str, str]] = set()
        trigrams: set[tuple[str, str, str]] = set()
        normalised: list[str] = []
        # Every article as one token stream, and where each token occurs in them: the pieces a
        # claim is copied from are found there.
        self._streams: list[list[str]] = []
        self._positions: dict[str, list[tuple[int, int]]] = {}
        for article_id, text in documents:
            text = text[: limits.MAX_ARTICLE_CHARS]
            normalised.append(f" {' '.join(words(text))} ")
            stream: list[str] = []
            for index, sentence in enumerate(split_sentences(text)):
                tokens = _tokens(sentence.text)
                bigrams.update(zip(tokens, tokens[1:], strict=False))
                trigrams.update(zip(tokens, tokens[1:], tokens[2:], strict=False))
                numbers = frozenset(_numbers(sentence.text))
                self.sentences.append(
                    _Source(
                        article_id,
                        index,
                        sentence.text,
                        frozenset(_stems(tokens)) | numbers,
                        numbers,
                        tokens,
                    )
                )
                stream.extend(tokens)
                for match in _CAPITALISED.finditer(sentence.text):
                    self.proper.add(_fold(match.group(0)))
                lower_seen.update(t for t in re.findall(r"\b[a-z][\w'’-]*", sentence.text))
            for position, token in enumerate(stream):
                self._positions.setdefault(token, []).append((len(self._streams), position))
            self._streams.append(stream)
        # A word the sources only ever capitalise is a name, even in a lower-cased claim.
        self.proper -= {_fold(w) for w in lower_seen}
        self.proper -= STOPWORDS
        self.bigrams = bigrams
        self.trigrams = trigrams
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
            pair for s in support for pair in zip(s.tokens, s.tokens[1:], strict=False)
        }
        verdict.bigram = sum(p in support_pairs for p in pairs) / len(pairs) if pairs else 1.0
        verdict.features = self._features(tokens, pairs, verdict.coverage, verdict.bigram)
        verdict.score = support_score(verdict.features)

        numbers = set().union(*(s.numbers for s in support)) if support else set()
        for number in sorted(claim_numbers - numbers):
            verdict.reasons.append(f"number {number} not in the supporting source sentence")
        support_tokens = {t for s in support for t in s.tokens}
        # Names are looked up among every word of the support, stopwords and initials included
        # ("last May", "J P McManus").
        named = covered | {_stem(t) for t in support_tokens}
        for name in sorted(names - named):
            verdict.reasons.append(f"name or date {name!r} not in the supporting source sentence")
        if _negated(tokens) and not _negated(support_tokens):
            verdict.reasons.append("negation the supporting source sentence does not have")
        for quote in quotations(sentence):
            if f" {' '.join(words(quote))} " not in self.quote_text:
                verdict.reasons.append(f"quotation not verbatim in any source: {quote!r}")
        if verdict.score < MIN_SCORE:
            verdict.reasons.append(
                f"support score {verdict.score:.2f} < {MIN_SCORE}: "
                + ", ".join(f"{k} {v:.2f}" for k, v in verdict.features.items())
            )
        verdict.supported = not verdict.reasons
        return verdict

    def _features(
        self,
        tokens: Sequence[str],
        pairs: Sequence[tuple[str, str]],
        coverage: float,
        bigram: float,
    ) -> dict[str, float]:
        key = {t for t in tokens if t in self.proper or t.isdigit()}
        name_pairs = sum(1 for p in pairs if (p[0] in key or p[1] in key) and p not in self.bigrams)
        triples = list(zip(tokens, tokens[1:], tokens[2:], strict=False))
        novel = sum(t not in self.trigrams for t in triples) / len(triples) if triples else 0.0
        return {
            "coverage": coverage,
            "bigram": bigram,
            "order": self._order(tokens),
            "pieces": float(self._pieces(tokens)),
            "name_pairs": float(name_pairs),
            "novel_trigrams": novel,
        }

    def _order(self, tokens: Sequence[str]) -> float:
        """Longest common subsequence with one source sentence, as a share of the claim."""
        claim = set(tokens)
        best = sorted(self.sentences, key=lambda s: -len(claim.intersection(s.tokens)))
        longest = max((_lcs(tokens, s.tokens) for s in best[:ORDER_CANDIDATES]), default=0)
        return longest / len(tokens)

    def _pieces(self, tokens: Sequence[str]) -> int:
        """Greedy longest runs copied from a source stream (a word found nowhere: one piece)."""
        pieces, i = 0, 0
        while i < len(tokens):
            best = 0
            for stream_index, start in self._positions.get(tokens[i], ())[:MAX_PIECE_STARTS]:
                stream = self._streams[stream_index]
                length = 1
                while (
                    i + length < len(tokens)
                    and start + length < len(stream)
                    and stream[start + length] == tokens[i + length]
                ):
                    length += 1
                best = max(best, length)
            pieces += 1
            i += max(best, 1)
        return pieces

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


def support_score(features: dict[str, float]) -> float:
    """The logistic-regression score (log-odds) of the measures in ``features``."""
    return SCORE_BIAS + sum(SCORE_WEIGHTS[k] * features[k] for k in SCORE_WEIGHTS)


def _lcs(left: Sequence[str], right: Sequence[str]) -> int:
    """Length of the longest common subsequence of two token lists."""
    previous = [0] * (len(right) + 1)
    for token in left:
        current = [0]
        for j, other in enumerate(right):
            current.append(previous[j] + 1 if token == other else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


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


def _number_word(word: str) -> str:
    """A number word as digits, hyphenated ones too: "five-year-old" -> "5-year-old",
    "twenty-one" -> "21", so a source's "five-year-old" supports a claim's "boy, 5"."""
    if word in NUMBER_WORDS or "-" not in word:
        return NUMBER_WORDS.get(word, word)
    parts = word.split("-")
    tens, units = NUMBER_WORDS.get(parts[0], ""), NUMBER_WORDS.get(parts[1], "")
    if tens in _TENS and len(units) == 1 and units != "0":
        parts[:2] = [str(int(tens) + int(units))]
    elif parts[0] in NUMBER_WORDS and tens.isdigit():
        parts[0] = tens
    return "-".join(parts)


_TENS = frozenset({"20", "30", "40", "50", "60", "70", "80", "90"})
# A spelt number once turned into digits: "5", "21", "5-year-old".
_SPELT_NUMBER = re.compile(r"(\d+)(?:-|$)")


def _tokens(text: str) -> list[str]:
    return [_number_word(w) for w in words(text)]


def _stems(tokens: Sequence[str]) -> list[str]:
    return [_stem(t) for t in tokens if t not in STOPWORDS and len(t) > 1 or t.isdigit()]


def _numbers(text: str) -> set[str]:
    found = {re.sub(r"[,\s]", "", m.group(0)) for m in _NUMBER.finditer(text)}
    for word in words(text):
        if match := _SPELT_NUMBER.match(_number_word(word) if word[:1].isalpha() else ""):
            found.add(match.group(1))
    return {n for n in found if n and n not in ("million", "billion", "half")}
