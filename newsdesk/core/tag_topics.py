"""Topic tags from a story's own words: YAKE keyphrases that are noun phrases the story repeats.

YAKE (Campos et al., 2020) ranks a text's phrases by statistics of the text alone, with no
model and no corpus. Its candidates include verb phrases and fragments ("visit Mali
capital"), so a keyphrase becomes a topic only when it is also a noun phrase in the model's
part-of-speech tags, ends in a common noun (a phrase of names is an entity, not a topic), and
is shared: by two sentences or two outlets (a single word, being vaguer, needs more). YAKE
never proposes words under three letters, so a keyphrase stands for the longest shared noun
phrase that ends in it ("policy" for "US policy"). One topic per idea: a phrase sharing a
word with a chosen one is skipped.

Topic names are in sentence case with proper nouns kept as the text writes them:
"US policy", "Islamist insurgents", never "Us Policy".
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from newsdesk.core.documents import ArticleText
from newsdesk.core.entities import Analysis, Token
from newsdesk.core.lexicon import DEGREE_WORDS, GENERIC_NOUNS
from newsdesk.core.text import STOPWORDS, content_words, split_sentences

# YAKE reads at most this much of a story (about 3,000 words): topics show in the first pages
# of its articles, and YAKE's cost grows with the text.
MAX_KEYPHRASE_CHARS = 20_000
MAX_KEYPHRASE_CHARS_PER_ARTICLE = 5_000
# Tags that make a noun phrase: adjectives, nouns and the hyphen inside "night-shift".
_PHRASE_TAGS = {"JJ", "JJR", "JJS", "NN", "NNS", "NNP", "NNPS", "HYPH", "VBN"}
_HEAD_TAGS = {"NN", "NNS"}
_MAX_WORDS = 3
# Words that grade or count what follows ("highest level", "further cuts", "fourth quarter"):
# a phrase opening with one says how much, not what about; the phrase without it may still be
# a topic.
_DEGREE_TAGS = {"JJR", "JJS"}


@dataclass
class Phrase:
    """A noun phrase and where the story uses it."""

    words: list[str]  # as the text writes them, from its first mid-sentence use
    sentences: int = 0  # sentences using it, over all the story's articles
    publishers: set[str] = field(default_factory=set)
    # Per word: mid-sentence uses with a capital minus those without ("Islamist" keeps it).
    capitalised: list[int] = field(default_factory=list)

    @property
    def name(self) -> str:
        """Sentence case, proper nouns and acronyms kept: "US policy"."""
        words = [
            word if keep > 0 or (word.isupper() and len(word) > 1) else word.lower()
            for word, keep in zip(self.words, self.capitalised, strict=True)
        ]
        text = " ".join(words).replace(" - ", "-")
        return text[:1].upper() + text[1:]


@dataclass
class PhraseTotal:
    """A phrase's uses summed over a story's articles, each article's part added once
    (``add_phrases``): ``order`` keys say which article came first, so the sum does not
    depend on the order the articles are added in."""

    words: list[str]  # as first written, by the earliest article
    first: tuple  # (article order..., position in that article): ties go to the earliest
    sentences: int = 0
    publishers: set[str] = field(default_factory=set)
    capitalised: list[int] = field(default_factory=list)
    # Per word: the latest capitalised mid-sentence form and its article's order, or None.
    cased: list = field(default_factory=list)
    # The stored form of this total while unchanged (``tag_evidence.StoryEvidence.to_json``).
    encoded: dict | None = field(default=None, repr=False, compare=False)

    def phrase(self) -> Phrase:
        words = [c[1] if c else w for w, c in zip(self.words, self.cased, strict=True)]
        return Phrase(words, self.sentences, set(self.publishers), list(self.capitalised))


def article_phrases(article: ArticleText, analysis: Analysis) -> list[dict]:
    """The noun phrases of one article, JSON-able, in the order the article first uses them:
    ``{"key", "words", "sentences", "capitalised", "cased"}`` (``cased``: per word, the last
    capitalised mid-sentence form, or None)."""
    if not analysis.english or analysis.all_caps or not analysis.tokens:
        return []
    phrases: dict[str, dict] = {}
    starts = [s.start for s in split_sentences(article.text)]
    run: list[Token] = []
    for token in (*analysis.tokens, None):
        if token is not None and token.tag in _PHRASE_TAGS:
            run.append(token)
            continue
        _add_run(phrases, run, starts)
        run = []
    for phrase in phrases.values():
        phrase["sentences"] = len(phrase["sentences"])
    return [{"key": key, **phrase} for key, phrase in phrases.items()]


def add_phrases(
    totals: dict[str, PhraseTotal], phrases: list[dict], order: tuple, publisher: str
) -> None:
    """Add one article's ``article_phrases`` to a story's ``totals``, in place."""
    for position, part in enumerate(phrases):
        first = (*order, position)
        total = totals.get(part["key"])
        if total is None:
            total = totals[part["key"]] = PhraseTotal(
                list(part["words"]),
                first,
                capitalised=[0] * len(part["words"]),
                cased=[None] * len(part["words"]),
            )
        elif first < total.first:
            total.words, total.first = list(part["words"]), first
        total.encoded = None
        total.sentences += part["sentences"]
        total.publishers.add(publisher)
        for index, (count, cased) in enumerate(
            zip(part["capitalised"], part["cased"], strict=True)
        ):
            total.capitalised[index] += count
            if cased is not None and (
                total.cased[index] is None or tuple(total.cased[index][0]) <= tuple(order)
            ):
                total.cased[index] = (tuple(order), cased)


def keyphrase_text(article: ArticleText, analysis: Analysis) -> str | None:
    """What of one article YAKE reads (None: nothing, the text not being English or in capitals
    only); a story's text is the earliest of these (``add_keyphrase_text``)."""
    if not analysis.english or analysis.all_caps:
        return None  # all-caps text cannot tell a proper noun from a common one
    return article.text[:MAX_KEYPHRASE_CHARS_PER_ARTICLE]


def add_keyphrase_text(pieces: list, piece: str | None, order: tuple) -> list:
    """The story's earliest ``(order, piece)`` pieces with ``piece`` added, as many as YAKE reads
    (up to ``MAX_KEYPHRASE_CHARS``): a bounded list, whatever the size of the story."""
    if piece is None:
        return pieces
    pieces = sorted([*pieces, (tuple(order), piece)], key=lambda p: p[0])
    kept, total = [], 0
    for item in pieces:
        kept.append(item)
        total += len(item[1])
        if total >= MAX_KEYPHRASE_CHARS:
            break
    return kept


def phrases_in_order(totals: dict[str, PhraseTotal]) -> dict[str, Phrase]:
    """The story's phrases in the order it first uses them (ties between phrases go to the
    first)."""
    ordered = sorted(totals.items(), key=lambda item: item[1].first)
    return {key: total.phrase() for key, total in ordered}


def story_keyphrase_text(pieces: list) -> str:
    return "\n\n".join(piece for _, piece in pieces)[:MAX_KEYPHRASE_CHARS]


def keyphrase_topics(
    articles: Sequence[ArticleText],
    analyses: Sequence[Analysis],
    entity_names: set[str],
    limit: int = 3,
    *,
    single_words: bool = False,
) -> list[tuple[str, Phrase, int]]:
    """Up to ``limit`` topics as ``(name, phrase, yake_rank)``, best first. ``single_words``:
    also a single word that three sentences use ("grain"), for a long story that has no
    topic otherwise."""
    totals: dict[str, PhraseTotal] = {}
    pieces: list = []
    for number, (article, analysis) in enumerate(zip(articles, analyses, strict=True)):
        add_phrases(totals, article_phrases(article, analysis), (number,), article.publisher)
        pieces = add_keyphrase_text(pieces, keyphrase_text(article, analysis), (number,))
    phrases = phrases_in_order(totals)
    return topics_of_phrases(
        phrases, story_keyphrase_text(pieces), entity_names, limit, single_words=single_words
    )


def topics_of_phrases(
    phrases: dict[str, Phrase],
    text: str,
    entity_names: set[str],
    limit: int = 3,
    *,
    single_words: bool = False,
) -> list[tuple[str, Phrase, int]]:
    """:func:`keyphrase_topics` from a story's summed ``phrases`` (in the order the story first
    uses them) and the ``text`` YAKE reads."""
    shared = _shared_or_repeated if single_words else _shared
    if not any(shared(p) for p in phrases.values()):
        return []  # nothing repeated: no topic, and no need to run YAKE
    if not text:
        return []
    blocked = {name.casefold() for name in entity_names}
    # Words of names: "Bank" alone is no topic in a story about the National Bank of Norvia.
    name_words = {w for name in blocked for w in content_words(name)}
    by_head: dict[str, list[Phrase]] = {}
    for phrase in phrases.values():
        by_head.setdefault(phrase.words[-1].lower(), []).append(phrase)
    chosen: list[tuple[str, Phrase, int]] = []
    used: set[str] = set()  # words of topics already chosen: one topic per idea
    for rank, keyphrase in enumerate(_keyphrases(text)):
        phrase = phrases.get(_key(keyphrase))
        if phrase is None:
            continue
        phrase = _widest(phrase, by_head)
        if not shared(phrase):
            continue
        name = phrase.name
        words = set(content_words(" ".join(phrase.words)))
        if phrase.capitalised[-1] > 0:
            continue  # "ECOWAS", "Sahel States": a name, which is an entity's tag or none
        if (
            name.casefold() in blocked
            or phrase.words[-1].lower() in GENERIC_NOUNS
            or words & used
            or (len(phrase.words) == 1 and words & name_words)
        ):
            continue
        used |= words
        chosen.append((name, phrase, rank))
        if len(chosen) == limit:
            break
    return chosen


def _widest(phrase: Phrase, by_head: dict[str, list[Phrase]]) -> Phrase:
    """The most used, then longest, shared noun phrase ending in ``phrase`` and used at least
    half as often ("policy" -> "US policy")."""
    tail = [w.lower() for w in phrase.words]
    wider = [
        other
        for other in by_head.get(tail[-1], ())
        if len(other.words) > len(tail)
        and [w.lower() for w in other.words[-len(tail) :]] == tail
        and _shared(other)
        and 2 * other.sentences >= phrase.sentences
    ]
    return max(wider, key=lambda o: (o.sentences, len(o.words)), default=phrase)


def _shared_or_repeated(phrase: Phrase) -> bool:
    return _shared(phrase) or (len(phrase.words) == 1 and phrase.sentences >= 3)


def _shared(phrase: Phrase) -> bool:
    """Two sentences or two outlets use a phrase. A single word is never a keyphrase topic:
    on the demo they came out as "Club", "Trail", "Homes" — too vague to follow; broad
    subjects come from the outlets' categories instead."""
    sentences, outlets = phrase.sentences, len(phrase.publishers)
    if len(phrase.words) == 1:
        return False
    return sentences >= 2 or outlets >= 2


@functools.cache
def _yake():
    import yake

    # n=3: topics are short. No deduplication (dedup_lim=1): its pairwise string similarity
    # was most of YAKE's cost, and one topic per head noun (below) does the same job. All
    # candidates are returned: YAKE ranks names first, and names are not topics.
    return yake.KeywordExtractor(lan="en", n=_MAX_WORDS, top=100_000, dedup_lim=1.0)


@functools.lru_cache(maxsize=64)
def _keyphrases(text: str) -> tuple[str, ...]:
    """YAKE's keyphrases of ``text``, best first. Kept for the last few texts: a story's text
    for YAKE is its earliest articles' (``add_keyphrase_text``), the same at each refresh once
    the story has a few articles, and YAKE is most of the cost of tagging it."""
    return tuple(keyphrase for keyphrase, _ in _yake().extract_keywords(text))


def _key(phrase: str) -> str:
    return re.sub(r"\s*-\s*", "-", " ".join(phrase.lower().split()))


def _add_run(phrases: dict[str, dict], run: list[Token], starts: list[int]) -> None:
    # Hyphenated words are one word ("night-shift"): group tokens into words first.
    words: list[list[Token]] = []
    for token in run:
        if token.tag == "HYPH" and words:
            words[-1].append(token)
        elif words and words[-1][-1].tag == "HYPH":
            words[-1].append(token)
        else:
            words.append([token])
    for end in range(len(words)):
        if words[end][-1].tag not in _HEAD_TAGS:
            continue
        for start in range(max(0, end - _MAX_WORDS + 1), end + 1):
            span = words[start : end + 1]
            texts = ["".join(t.text for t in word) for word in span]
            if texts[0].lower() in STOPWORDS or not all(w[:1].isalpha() for w in texts):
                continue
            if span[0][0].tag in _DEGREE_TAGS or texts[0].lower() in DEGREE_WORDS:
                continue
            key = _key(" ".join(texts))
            first = span[0][0]
            sentence = max(0, bisect.bisect_right(starts, first.start) - 1)
            sentence_start = bool(starts) and first.start == starts[sentence]
            phrase = phrases.get(key)
            if phrase is None:
                phrase = phrases[key] = {
                    "words": texts,
                    "sentences": set(),
                    "capitalised": [0] * len(texts),
                    "cased": [None] * len(texts),
                }
            phrase["sentences"].add(sentence)
            for index, text in enumerate(texts):
                if index == 0 and sentence_start:
                    continue
                if text[:1].isupper():
                    phrase["capitalised"][index] += 1
                    phrase["cased"][index] = text
                else:
                    phrase["capitalised"][index] -= 1


def topic_key(name: str) -> str:
    """What a topic means, for telling two names of one topic apart from two topics: its
    content words, stemmed and in order of the alphabet. "Interest rates", "interest rate" and
    "Rates of interest" share a key; "Interest-free loans" does not.

    >>> topic_key("Interest rates") == topic_key("rates of interest") == topic_key("Interest rate")
    True
    """
    return " ".join(sorted(set(content_words(name.replace("-", " ")))))
