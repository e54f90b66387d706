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
    sentences: set[tuple[int, int]] = field(default_factory=set)  # (article, sentence)
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
    phrases = _noun_phrases(articles, analyses)
    shared = _shared_or_repeated if single_words else _shared
    if not any(shared(p) for p in phrases.values()):
        return []  # nothing repeated: no topic, and no need to run YAKE
    text = _story_text(articles, analyses)
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
    for rank, (keyphrase, _) in enumerate(_yake().extract_keywords(text)):
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
        and 2 * len(other.sentences) >= len(phrase.sentences)
    ]
    return max(wider, key=lambda o: (len(o.sentences), len(o.words)), default=phrase)


def _shared_or_repeated(phrase: Phrase) -> bool:
    return _shared(phrase) or (len(phrase.words) == 1 and len(phrase.sentences) >= 3)


def _shared(phrase: Phrase) -> bool:
    """Two sentences or two outlets use a phrase. A single word is never a keyphrase topic:
    on the demo they came out as "Club", "Trail", "Homes" — too vague to follow; broad
    subjects come from the outlets' categories instead."""
    sentences, outlets = len(phrase.sentences), len(phrase.publishers)
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


def _key(phrase: str) -> str:
    return re.sub(r"\s*-\s*", "-", " ".join(phrase.lower().split()))


def _story_text(articles: Sequence[ArticleText], analyses: Sequence[Analysis]) -> str:
    parts, total = [], 0
    for article, analysis in zip(articles, analyses, strict=True):
        if not analysis.english or analysis.all_caps:
            continue  # all-caps text cannot tell a proper noun from a common one
        piece = article.text[:MAX_KEYPHRASE_CHARS_PER_ARTICLE]
        parts.append(piece)
        total += len(piece)
        if total >= MAX_KEYPHRASE_CHARS:
            break
    return "\n\n".join(parts)[:MAX_KEYPHRASE_CHARS]


def _noun_phrases(
    articles: Sequence[ArticleText], analyses: Sequence[Analysis]
) -> dict[str, Phrase]:
    phrases: dict[str, Phrase] = {}
    for number, (article, analysis) in enumerate(zip(articles, analyses, strict=True)):
        if not analysis.english or analysis.all_caps or not analysis.tokens:
            continue
        starts = [s.start for s in split_sentences(article.text)]
        run: list[Token] = []
        for token in (*analysis.tokens, None):
            if token is not None and token.tag in _PHRASE_TAGS:
                run.append(token)
                continue
            _add_run(phrases, run, starts, number, article.publisher)
            run = []
    return phrases


def _add_run(phrases, run: list[Token], starts: list[int], number: int, publisher: str) -> None:
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
                phrase = phrases[key] = Phrase(texts, capitalised=[0] * len(texts))
            phrase.sentences.add((number, sentence))
            phrase.publishers.add(publisher)
            for index, text in enumerate(texts):
                if index == 0 and sentence_start:
                    continue
                if text[:1].isupper():
                    phrase.capitalised[index] += 1
                    phrase.words[index] = text
                else:
                    phrase.capitalised[index] -= 1


def topic_key(name: str) -> str:
    """What a topic means, for telling two names of one topic apart from two topics: its
    content words, stemmed and in order of the alphabet. "Interest rates", "interest rate" and
    "Rates of interest" share a key; "Interest-free loans" does not.

    >>> topic_key("Interest rates") == topic_key("rates of interest") == topic_key("Interest rate")
    True
    """
    return " ".join(sorted(set(content_words(name.replace("-", " ")))))
