"""What grouping reads from one article: a weighted term vector and a text fingerprint.

Both are computed once per article, from the headline and a capped lead, and never change
afterwards (the term weights are static, not learnt from the window), so the Django side can
store them on the article (``features_to_dict`` / ``features_from_dict``, a small JSON object)
and rebuild the live window without re-reading article bodies.

- ``terms``: headline words (counted ``TITLE_WEIGHT`` times) plus the first ``LEAD_WORDS`` words
  of the body, lightly stemmed, each weighted by how rare the word is in English at large
  (``9 - zipf`` from the ``wordfreq`` package's shipped frequency lists, capped at 7),
  L2-normalised. Static weights, not IDF learnt over the stream: a stream's first hundreds of
  articles have no usable IDF, and a stored vector must not depend on what came before it
  (docs/grouping.md has the measurement).
- ``signature``: MinHash of the body's 5-word shingles (``SIGNATURE_SIZE`` hashes), for
  near-duplicate text: the same article under another URL, wire copy, a retitled re-publication.
- ``title_key``: the headline's content words in order, which catches copies in
  headline-only streams, where there is no body to fingerprint.
- ``vector``: a sentence embedding (all-MiniLM-L6-v2 int8, ``newsdesk.core.embed``) of the
  headline and the first ``EMBED_LEAD_WORDS`` words of the body, stored as 384 int8 codes
  (``b""`` when the model is not installed, or ``NEWSDESK_GROUP_EMBEDDINGS=0``: grouping then
  falls back to the term vectors alone, see ``group.py``). ``articles_features`` embeds a
  batch at once (what a feed poll delivers); each article's features depend on it alone.
- ``episode``: whether the item is a programme episode (``is_episode``), which joins no story.
- ``places``: the countries the headline and lead name, as ISO codes, through their names,
  cities, states and demonyms (``named_countries``): an event happens somewhere, and two
  reports placed in different countries are two events.

>>> a = article_features(ArticleText("a", "Port strike ends", "Dock workers went back on Monday."))
>>> sorted(a.terms)[:3]
['back', 'dock', 'end']
>>> features_from_dict(features_to_dict(a)) == a
True
"""

from __future__ import annotations

import base64
import math
import os
import re
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib import resources

import numpy as np

from newsdesk import limits
from newsdesk.core.brief import clean_headline
from newsdesk.core.documents import ArticleText
from newsdesk.core.gazetteer import EntryKind, Gazetteer, data_rows, split_aliases
from newsdesk.core.text import _WORD, STOPWORDS, _stem, words

# Bump when what is computed changes: stored features of another version are recomputed.
# 2: the sentence embedding (``vector``). 3: MinHash permutations over the whole field.
# 4: other languages' function words left out of the terms (``foreign_function_words``).
# 5: the countries named (``places``) and the words of each name (``names``); "3,000" one term.
# 6: possessives fold ("Afghanistan's" is "afghanistan"); the words saying where (``where``);
# the outlet and the headline's shape (``outlet``, ``shape``).
# 7: seats of government say where ("the Kremlin", "the White House": ``data/seats.tsv``).
FEATURES_VERSION = 7

# The headline's words count this many times: it is the densest statement of the story.
TITLE_WEIGHT = 2

# Words of the body read after the headline: news puts the who/what/where in the lead, and
# reading only a lead caps the work on a 1 MB page. Compared with ``bench/cluster.py``.
LEAD_WORDS = 60

# Characters of body looked at at all (the lead and the fingerprint read from this prefix).
LEAD_CHARS = 20_000

# Terms kept per article, the heaviest: bounds storage (a few hundred bytes of JSON) and the
# matching cost of a long lead.
MAX_TERMS = 48

# Body words fingerprinted for near-duplicate detection; copies are copies from the top.
FINGERPRINT_WORDS = 1_500

# MinHash size: 64 hashes estimate a Jaccard of 0.5 within about +-0.06 (1 standard deviation),
# ample to tell copies (> 0.7) from independent reports of one event (< 0.1).
SIGNATURE_SIZE = 64
SHINGLE_WORDS = 5

# A body shorter than this many shingles is not fingerprinted: two short blurbs can share
# most of their few shingles by chance ("The company said on Monday ...").
MIN_SHINGLES = 8

# Headlines need this many content words before two equal ones are called the same article
# ("Stocks fall" twice is two stories of one kind, not one article).
MIN_TITLE_KEY_WORDS = 4

# wordfreq's Zipf scale tops out near 8 ("the"); words it has never seen score 0. Rarity is
# 9 - zipf, so an unseen name weighs 9 and "the" about 1.
_ZIPF_CEILING = 9.0

# Words wordfreq has never seen (names, typos, other languages) all score 9 - 0; capping keeps
# one invented or foreign name from outweighing everything else an article says (7: a word
# of Zipf 2, once per hundred million words). Compared with ``bench/cluster.py``.
RARITY_CAP = 7.0

# Body words embedded after the headline: MiniLM's cost grows with its input, and grouping
# must keep up with 100 articles/s per core, so the body gets a short lead; the rest counts
# through the term vector. The longest lead within that speed on ``bench/cluster.py``.
EMBED_LEAD_WORDS = 16

# The embedding is stored as int8 codes scaled by the largest component (cosines move by less
# than 0.005), 384 bytes, base64 in JSON.
EMBED_DIMENSIONS = 384

_MERSENNE = (1 << 61) - 1
_rng = np.random.default_rng(20140310)  # fixed: stored signatures must stay comparable
# Multipliers and offsets drawn over the whole field, as datasketch does (its products wrap
# around 2**64 as here). Drawn below 2**32 instead, a*x + b stays below p for most 32-bit x:
# then every permutation orders small hashes alike, most slots pick the same shingle, and two
# texts sharing one shingle look like copies.
_PERM_A = _rng.integers(1, _MERSENNE, SIGNATURE_SIZE, dtype=np.uint64)
_PERM_B = _rng.integers(0, _MERSENNE, SIGNATURE_SIZE, dtype=np.uint64)


@dataclass(frozen=True)
class ArticleFeatures:
    """What the matcher compares; cheap to store and rebuild (see module docstring)."""

    id: str
    terms: dict[str, float]
    title_key: str = ""
    signature: tuple[int, ...] = ()
    published: datetime | None = None
    vector: bytes = b""  # int8 codes of the embedding, b"" without one
    # A programme episode (``is_episode``): reports no one event, so it joins no story.
    episode: bool = False
    # ISO codes of the countries the headline and lead name (``named_countries``).
    places: tuple[str, ...] = ()
    # The terms of each name of two words or more in the headline and lead (``name_terms``).
    names: tuple[tuple[str, ...], ...] = ()
    # The terms of the headline and lead that say where: words of a country's, region's or
    # capital's name, or a demonym. An event happens somewhere, but two reports naming one
    # country are not thereby of one event (the places test, not the shared terms, reads them).
    where: tuple[str, ...] = ()
    # The outlet, and the headline's words in order with digits as "#" (``headline_shape``):
    # how an outlet's recurring titles ("The latest illustrations from artist ...") are told.
    outlet: str = ""
    shape: tuple[str, ...] = ()

    @property
    def has_body(self) -> bool:
        return bool(self.signature)

    def embedding(self) -> np.ndarray | None:
        """The unit-length float32 embedding, or None."""
        return dequantise(self.vector)

    def name_words(self) -> dict[str, int]:
        """Each term that is a word of a name (``names``) -> that name's number."""
        return {term: n for n, name in enumerate(self.names) for term in name}


def quantise(vector: np.ndarray) -> bytes:
    """int8 codes of a float vector, scaled so its largest component is 127."""
    peak = float(np.max(np.abs(vector))) if len(vector) else 0.0
    if not peak or not np.isfinite(peak):
        return b""
    return np.round(vector / peak * 127).astype(np.int8).tobytes()


def dequantise(codes: bytes) -> np.ndarray | None:
    if len(codes) != EMBED_DIMENSIONS:
        return None
    vector = np.frombuffer(codes, dtype=np.int8).astype(np.float32)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else None


def embeddings_enabled() -> bool:
    """Whether grouping embeds: the model is installed and not switched off by
    ``NEWSDESK_GROUP_EMBEDDINGS=0``."""
    if os.environ.get("NEWSDESK_GROUP_EMBEDDINGS", "1").strip().lower() in ("0", "false", "no"):
        return False
    from newsdesk.core import embed

    return embed.available()


def embedding_text(article: ArticleText) -> str:
    """What is embedded: the cleaned headline and the lead's first ``EMBED_LEAD_WORDS`` words."""
    headline = clean_headline(article.title[:1000], article.outlet).strip()
    lead = " ".join(article.text[:2000].split(maxsplit=EMBED_LEAD_WORDS)[:EMBED_LEAD_WORDS])
    if headline and lead:
        return f"{headline}. {lead}" if headline[-1] not in ".!?" else f"{headline} {lead}"
    return headline or lead


def embed_articles(articles: list[ArticleText]) -> list[bytes]:
    """int8 embedding codes per article (batched); b"" each when embeddings are off."""
    if not articles or not embeddings_enabled():
        return [b""] * len(articles)
    from newsdesk.core.embed import embed

    texts = [embedding_text(a) for a in articles]
    try:
        rows = embed([t or " " for t in texts])
    except Exception:  # noqa: BLE001 - a failing model must not stop grouping
        return [b""] * len(articles)
    return [quantise(row) if text.strip() else b"" for row, text in zip(rows, texts, strict=True)]


def articles_features(articles: list[ArticleText]) -> list[ArticleFeatures]:
    """``article_features`` of each, the embeddings computed in one batch."""
    vectors = embed_articles(articles)
    return [article_features(a, vector=v) for a, v in zip(articles, vectors, strict=True)]


@lru_cache(maxsize=200_000)
def rarity(word: str) -> float:
    """How much a shared word says: 9 minus its Zipf frequency in English (0.3 to 9)."""
    return min(_ZIPF_CEILING - _zipf(word), RARITY_CAP)


def _zipf(word: str) -> float:
    # Imported here so importing the core stays fast; wordfreq loads its list on first use.
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def article_features(article: ArticleText, vector: bytes | None = None) -> ArticleFeatures:
    """The features of ``article``; never raises on empty, huge or non-English text.

    ``vector``: its embedding codes when already computed (``articles_features``); by default
    the article is embedded alone."""
    if vector is None:
        vector = embed_articles([article])[0]
    body = article.text[: min(LEAD_CHARS, limits.MAX_ARTICLE_CHARS)]
    headline = clean_headline(article.title[:1000], article.outlet)
    lead_text = " ".join(body.split(maxsplit=LEAD_WORDS)[:LEAD_WORDS])
    lead = _words(lead_text)
    headline_words = _words(headline)
    foreign = foreign_function_words(headline_words + lead)
    title_words = [w for w in headline_words if _is_content(w) and w not in foreign]
    bag: Counter[str] = Counter()
    for word in title_words:
        bag[_stem(word)] += TITLE_WEIGHT * rarity(word)
    for word in lead:
        if _is_content(word) and word not in foreign:
            bag[_stem(word)] += rarity(word)
    heaviest = dict(bag.most_common(MAX_TERMS))
    norm = math.sqrt(sum(v * v for v in heaviest.values())) or 1.0
    terms = {w: round(v / norm, 4) for w, v in heaviest.items()}
    title_key = " ".join(_stem(w) for w in title_words)
    return ArticleFeatures(
        id=article.id,
        terms=terms,
        title_key=title_key if len(title_words) >= MIN_TITLE_KEY_WORDS else "",
        signature=text_signature(body),
        published=article.published,
        vector=vector,
        episode=is_episode(article.title, article.text),
        names=name_terms(headline, lead_text, terms),
        **_where(f"{headline}\n{lead_text}", terms),
        outlet=article.outlet,
        shape=headline_shape(headline),
    )


# Estimated share of common 5-word shingles from which two bodies are one text. Copies (a
# new headline on wire copy, a trimmed or extended re-publication) measure 0.7-1.0;
# independent reports of one event, even close paraphrases, stay under 0.15 (demo corpus,
# tests/core/test_group_duplicates.py). 0.5 leaves margin on both sides. The grouper's duplicate
# test (``group``) and its standing-blurb test (``group_events.standing_blurb``) read it.
DUPLICATE_JACCARD = 0.5

# Characters of a headline its shape reads (a headline is a line, but an outlet's may not be).
SHAPE_CHARS = 300
_DIGITS = re.compile(r"\d+")


def headline_shape(headline: str) -> tuple[str, ...]:
    """The headline's words, lower-cased, digits as "#": two days' titles of one recurring
    item ("Covid-19 update: 24 new cases") differ in their names and numbers, not in this
    shape's opening or closing words.

    >>> headline_shape("The latest illustrations from artist Ann Lee, 3 May")
    ('the', 'latest', 'illustrations', 'from', 'artist', 'ann', 'lee', '#', 'may')
    """
    return tuple(_DIGITS.sub("#", w) for w in _words(headline[:SHAPE_CHARS]))


# A headline is in title case ("Biden Unveils Plan to Ease Lockdown") when this share of its
# words are capitalised: its capitals then mark no names.
TITLE_CASE_SHARE = 0.6


def name_terms(headline: str, lead: str, kept: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    """The terms (of ``kept``) of each name of two capitalised words or more in the headline
    (unless in title case) and the lead: the words of one name ("Boris Johnson", "Saudi
    Arabia") say one thing, and two reports sharing that name alone are not thereby one event.

    >>> name_terms("Rates Rise", "Prime Minister Boris Johnson spoke in Leeds.", ["johnson",
    ...            "bori", "minister", "leed", "spok"])
    (('minister', 'bori', 'johnson'),)
    """
    kept = set(kept)
    texts = [lead]
    words = _NAME_TOKEN.findall(headline)
    capitals = [w for w in words if w[0].isupper()]
    if words and len(capitals) < TITLE_CASE_SHARE * len([w for w in words if w[0].isalpha()]):
        texts.append(headline)
    found: dict[tuple[str, ...], None] = {}
    for text in texts:
        run: list[str] = []
        for token in [*_NAME_TOKEN.findall(text), "."]:
            lower = token.lower()
            if token[0].isupper() and _is_content(lower):
                stem = _stem(lower)
                if stem in kept and stem not in run:
                    run.append(stem)
                continue
            if len(run) >= 2:
                found[tuple(run)] = None
            run = []
    return tuple(found)


# Tokens as the country names are matched: abbreviations with inner dots stay whole ("U.S."),
# a sentence's full stop does not stick to the name before it ("in Kabul."), nor a possessive
# ("Afghanistan's").
_NAME_TOKEN = re.compile(r"\w+(?:\.\w+)+\.?|\w+(?:['’-](?!s\b)\w+)*|[^\w\s]")


def _name_tokens(text: str) -> list[str]:
    return _NAME_TOKEN.findall(text)


@lru_cache(maxsize=1)
def _places() -> Gazetteer:
    return Gazetteer.build(_name_tokens)


@lru_cache(maxsize=1)
def _seats() -> dict[tuple[str, ...], str]:
    """Seats of government (``data/seats.tsv``), as their name's tokens, to their country."""
    return {
        tuple(_name_tokens(alias)): code
        for name, code, *aliases in data_rows("seats.tsv")
        for alias in (name, *split_aliases(aliases))
    }


def _seat_matches(tokens: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, country) of each seat of government named in ``tokens`` (as written)."""
    seats, found = _seats(), []
    for size in {len(name) for name in seats}:
        for start in range(len(tokens) - size + 1):
            code = seats.get(tuple(tokens[start : start + size]))
            if code:
                found.append((start, start + size, code))
    return found


def _where(text: str, kept: Iterable[str]) -> dict:
    """``places`` and ``where`` of ``ArticleFeatures`` for ``text`` (terms of ``kept`` only)."""
    tokens = _name_tokens(text)
    matches = [m for m in _places().matches(tokens) if not m.entry.weak]
    spans = [
        (m.start, m.end)
        for m in matches
        if m.entry.country or m.entry.capital or m.entry.kind == EntryKind.DEMONYM
    ]
    seats = _seat_matches(tokens)
    spans += [(start, end) for start, end, _ in seats]
    kept = set(kept)
    where = {
        term
        for start, end in spans
        for token in tokens[start:end]
        if (term := _stem(token.lower())) in kept
    }
    codes = {m.entry.code for m in matches if m.entry.code} | {code for *_, code in seats}
    return {"places": tuple(sorted(codes)), "where": tuple(sorted(where))}


def named_countries(text: str) -> tuple[str, ...]:
    """ISO codes of the countries ``text`` names, sorted: by name, or through a city, state,
    capital or demonym of one ("Kabul" and "Afghan" are AF). Written as names are (case
    matters: "turkey" is a bird); names that are also common words or given names ("Chad",
    "Jordan") and places in no one country ("Africa", "Georgia") are not counted.

    >>> named_countries("Protest in Melbourne as Victorian police arrest dozens; U.S. reacts")
    ('AU', 'US')
    """
    return _where(text, ())["places"]


# A full date in a headline ("17 September 2021", "September 19, 2021", "09/10/2021"): news
# headlines name a day, not a dated title; a broadcaster's feed titles each episode so.
_MONTH = "(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
_AIR_DATE = re.compile(
    rf"\b(?:\d{{1,2}} {_MONTH},? \d{{4}}|{_MONTH} \d{{1,2}},? \d{{4}}"
    r"|\d{1,2}/\d{1,2}/\d{4})\b",
    re.IGNORECASE,
)

# Content words of its own text below which a dated item is an episode: a show's title and a
# line of blurb (a feed's repeated blurb is stripped at ingest), not a report.
EPISODE_MAX_WORDS = 20


def is_episode(title: str, text: str) -> bool:
    """Whether an item is a programme episode: a dated show title with next to no text
    ("Kabayan | TeleRadyo (17 September 2021)", "Daily Devotional | My Life Today
    09/10/2021"). Each day's episodes of a channel share the show's and channel's names and
    nothing else; grouped, they make one story per channel.

    >>> is_episode("Rundown | ANC (17 September 2021)", "For more ANC full episodes")
    True
    >>> is_episode("Dock strike ends on 17 September 2021", "Dock workers " * 20)
    False
    >>> is_episode("Port strike ends after nine days", "")
    False
    """
    if not _AIR_DATE.search(title[:300]):
        return False
    content = [w for w in _words(text[:2000]) if _is_content(w)]
    return len(content) < EPISODE_MAX_WORDS


# An article is written in another language when at least this share of its words, and
# ``FOREIGN_MIN_WORDS`` distinct ones, are that language's function words. An English
# report naming "Los Angeles", "de Blasio" and "La Palma" stays English.
FOREIGN_MIN_SHARE = 0.12
FOREIGN_MIN_WORDS = 3


@lru_cache(maxsize=1)
def _function_words() -> dict[str, frozenset[str]]:
    """Language code -> its function words (``data/function_words.tsv``)."""
    table = resources.files("newsdesk.core").joinpath("data", "function_words.tsv")
    rows = (line.split("\t") for line in table.read_text(encoding="utf-8").splitlines())
    return {row[0]: frozenset(row[1].split()) for row in rows if len(row) == 2}


def foreign_function_words(tokens: list[str]) -> frozenset[str]:
    """The function words ("ng", "sa", "mga"; "de", "los", "que") of the language ``tokens``
    (lower-case words) are written in, when it is not English; else none. English rarity
    takes a Tagalog "ng" for a rare word, and two unrelated Tagalog reports then share their
    grammar the way two reports of one event share its names.

    >>> {"ng", "mga"} <= foreign_function_words("nagprotesta ang mga tao sa harap ng UN".split())
    True
    >>> foreign_function_words("fire near los angeles, says de blasio".split())
    frozenset()
    """
    if not tokens:
        return frozenset()
    best, hits = frozenset(), set()
    for language_words in _function_words().values():
        found = {t for t in tokens if t in language_words}
        if len(found) > len(hits):
            best, hits = language_words, found
    share = sum(t in hits for t in tokens) / len(tokens)
    if len(hits) >= FOREIGN_MIN_WORDS and share >= FOREIGN_MIN_SHARE:
        return best
    return frozenset()


# A thousands separator ("3,000"): the number is one term, not "3" and a "000" that every
# report of thousands of anything shares.
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def _words(text: str) -> list[str]:
    """``text.words``, with a fast path for ASCII text (the same tokens: NFKD folding and the
    curly apostrophe do not apply), which most English news is; folding character by character
    was a seventh of the features' time on full texts. Numbers keep their thousands whole."""
    text = _THOUSANDS.sub("", text)
    if text.isascii():
        return [_fold_possessive(w.lower()) for w in _WORD.findall(text)]
    return [_fold_possessive(w) for w in words(text)]


def _fold_possessive(word: str) -> str:
    """ "afghanistan's" -> "afghanistan": one name, whoever it belongs to."""
    return word[:-2] if word.endswith("'s") and len(word) > 3 else word


def _is_content(word: str) -> bool:
    return len(word) > 1 and word not in STOPWORDS


def text_signature(text: str) -> tuple[int, ...]:
    """MinHash of the text's word 5-shingles; () when the text is too short to fingerprint."""
    tokens = _words(" ".join(text.split(maxsplit=FINGERPRINT_WORDS)[:FINGERPRINT_WORDS]))
    shingles = {
        " ".join(tokens[i : i + SHINGLE_WORDS]) for i in range(len(tokens) - SHINGLE_WORDS + 1)
    }
    if len(shingles) < MIN_SHINGLES:
        return ()
    # A stable 32-bit hash per shingle (Python's hash() is salted per process), then the
    # universal-hash permutations (a*x + b) mod p of Broder's MinHash, as datasketch does.
    # CRC-32 (zlib, in C) rather than blake2b: cheaper, and MinHash needs a stable,
    # well-spread hash, not a secure one.
    hashes = np.fromiter(
        (zlib.crc32(s.encode()) for s in shingles), dtype=np.uint64, count=len(shingles)
    )
    permuted = (np.outer(hashes, _PERM_A) + _PERM_B) % np.uint64(_MERSENNE)
    return tuple(int(v) for v in permuted.min(axis=0))


def estimated_jaccard(left: tuple[int, ...], right: tuple[int, ...]) -> float:
    """Share of equal MinHash slots: an unbiased estimate of the texts' shingle Jaccard."""
    if not left or not right or len(left) != len(right):
        return 0.0
    return sum(a == b for a, b in zip(left, right, strict=True)) / len(left)


def similarity(left: ArticleFeatures, right: ArticleFeatures) -> float:
    """Cosine of the two term vectors (both are unit length)."""
    small, large = sorted((left.terms, right.terms), key=len)
    return sum(v * large.get(w, 0.0) for w, v in small.items())


def features_to_dict(features: ArticleFeatures) -> dict:
    """A JSON-able form to store on the article (about 1-2 kB)."""
    return {
        "v": FEATURES_VERSION,
        "id": features.id,
        "terms": features.terms,
        "title_key": features.title_key,
        "signature": list(features.signature),
        "published": features.published.isoformat() if features.published else None,
        "vector": base64.b64encode(features.vector).decode("ascii"),
        "episode": features.episode,
        "places": list(features.places),
        "names": [list(name) for name in features.names],
        "where": list(features.where),
        "outlet": features.outlet,
        "shape": list(features.shape),
    }


def features_from_dict(data: dict) -> ArticleFeatures | None:
    """Stored features back; None when they were made by another version (recompute them)."""
    if not isinstance(data, dict) or data.get("v") != FEATURES_VERSION:
        return None
    published = data.get("published")
    return ArticleFeatures(
        id=str(data["id"]),
        terms={str(w): float(v) for w, v in data.get("terms", {}).items()},
        title_key=str(data.get("title_key", "")),
        signature=tuple(int(v) for v in data.get("signature", ())),
        published=datetime.fromisoformat(published) if published else None,
        vector=_decode_vector(data.get("vector")),
        episode=bool(data.get("episode", False)),
        places=tuple(str(c) for c in data.get("places", ())),
        names=tuple(tuple(str(t) for t in name) for name in data.get("names", ())),
        where=tuple(str(t) for t in data.get("where", ())),
        outlet=str(data.get("outlet", "")),
        shape=tuple(str(t) for t in data.get("shape", ())),
    )


def _decode_vector(value) -> bytes:
    if not isinstance(value, str) or not value:
        return b""
    try:
        codes = base64.b64decode(value, validate=True)
    except ValueError:
        return b""
    return codes if len(codes) == EMBED_DIMENSIONS else b""
