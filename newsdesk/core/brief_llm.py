"""The optional LLM brief: a model writes, the faithfulness gate decides what is published.

The model gets the story's lead sentences and returns JSON ``{"headline", "sentences"}``.
Every sentence goes through ``faithfulness.SourceIndex.check``: a sentence the sources do not
support is dropped, and so is one the default brief would not print either: one whose best
support is a report a later one updated (current first, ``brief_current``), or one opening
with a reference no sentence before it names (self-contained, ``brief_refer``); the prompt
asks for both. When most of the answer fails (the model is inventing) or nothing is left,
the default brief is published instead. An endpoint that is down, slow, answers garbage
or nothing gives the default brief too. Each decision is a line in ``Brief.log``; nothing here
raises.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from newsdesk import limits
from newsdesk.core.brief import (
    Brief,
    BriefMethod,
    BriefSentence,
    SourceRef,
    representative_headline,
)
from newsdesk.core.brief_current import superseded
from newsdesk.core.brief_refer import opening_reference, resolved
from newsdesk.core.brief_select import LEAD_WINDOW, candidates
from newsdesk.core.documents import ArticleText
from newsdesk.core.faithfulness import SourceIndex
from newsdesk.core.llm import LLMConfig, LLMError, chat
from newsdesk.core.text import split_sentences

# Source text sent to the model: the lead of each article, at most this many characters in all
# (a small local model's context is a few thousand tokens; news is lead-heavy).
PROMPT_MAX_CHARS = 12_000
PROMPT_SENTENCES_PER_ARTICLE = 15

# Fall back to the default brief when more than this share of the model's sentences fail.
MAX_FAILED_SHARE = 0.5

SYSTEM_PROMPT = (
    "You write short, neutral news briefs. Use only facts stated in the articles given. "
    "Do not add names, numbers, dates or quotations that are not in them; quote only words "
    "that appear verbatim in an article. "
    "The articles are in the order they were published, each with its time. Lead with the "
    "story's latest state: where a later article updates an earlier one (a decision taken, "
    "postponed or reversed; a strike that ended; a toll that rose), state only the newer fact, "
    "and write a headline the newest facts bear out. "
    "Every sentence must name who or what it is about: do not open a sentence with he, she, "
    "it, they, 'the company', 'the 19-year-old' or 'the other ...' unless the sentence just "
    "before names them. Answer with JSON only: "
    '{"headline": "...", "sentences": ["...", "..."]}'
)


def llm_brief(
    articles: Sequence[ArticleText],
    config: LLMConfig,
    fallback: Brief,
    max_sentences: int = limits.BRIEF_SENTENCES,
    max_words: int | None = None,
) -> Brief:
    """A gated LLM brief, or ``fallback`` (the default brief) with the reason logged."""
    try:
        reply = chat(config, _messages(articles, max_sentences, max_words))
    except LLMError as error:
        return _fall_back(fallback, f"LLM unavailable: {error}")
    headline, sentences = parse_reply(reply)
    if not sentences:
        return _fall_back(fallback, "LLM answer had no usable sentence")
    index = SourceIndex((a.id, a.text) for a in articles)
    stale = updated_sentences(articles)
    log: list[str] = []
    kept: list[BriefSentence] = []
    failed = 0
    for sentence in sentences:
        verdict = index.check(sentence)
        if not verdict.supported:
            failed += 1
            log.append(f"dropped {sentence!r}: {'; '.join(verdict.reasons)}")
            continue
        # Supported, but by a report a later one updated: true then, not now.
        if verdict.sources and verdict.sources[0] in stale:
            article_id, number = verdict.sources[0]
            log.append(
                f"dropped {sentence!r}: states what article {article_id} sentence {number} "
                "reported before a later report updated it"
            )
            continue
        reference = opening_reference(sentence)
        if reference is not None and not resolved(
            reference, [k.text for k in kept], follows_its_own=False, opens_its_article=not kept
        ):
            log.append(
                f"dropped {sentence!r}: its opening {reference.text or 'speaker'!r} points back "
                "to something no sentence before it names"
            )
            continue
        kept.append(BriefSentence(sentence, [SourceRef(i, n) for i, n in verdict.sources]))
    if not kept or failed / len(sentences) > MAX_FAILED_SHARE:
        return _fall_back(
            fallback,
            f"{failed} of {len(sentences)} LLM sentences unsupported by the sources",
            log,
        )
    kept = _fit(kept, max_sentences, max_words, log)
    brief = Brief(
        headline=fallback.headline,
        sentences=kept,
        only_in=fallback.only_in,
        earlier=fallback.earlier,
    )
    brief.method = BriefMethod.LLM_GATED
    if headline:
        verdict = index.check(headline)
        if verdict.supported and verdict.sources and verdict.sources[0] in stale:
            log.append(
                f"kept the source headline; LLM headline {headline!r} tells what a later "
                "report updated"
            )
        elif verdict.supported:
            brief.headline = headline
        else:
            log.append(
                f"kept the source headline; LLM headline {headline!r} unsupported: "
                + "; ".join(verdict.reasons)
            )
    if not brief.headline:
        brief.headline = representative_headline(articles)
    log.append(f"published {len(kept)} LLM sentences, each supported by a source sentence")
    brief.log = log
    return brief


def updated_sentences(articles: Sequence[ArticleText]) -> frozenset[tuple[str, int]]:
    """(article id, sentence index) of every source sentence a later report updated
    (``brief_current``): a model sentence or headline they support is stale."""
    every = [c for a in articles for c in candidates(a)]
    replaced, _ = superseded(every, LEAD_WINDOW)
    return frozenset((c.article.id, c.index) for c in every if id(c) in replaced)


def parse_reply(reply: str) -> tuple[str, list[str]]:
    """(headline, sentences) from the model's answer; JSON preferred, plain text accepted."""
    text = reply.strip()
    text = re.sub(r"^```(?:json)?\s*|\s*```$", "", text)
    start, end = text.find("{"), text.rfind("}")
    if start != -1 and end > start:
        try:
            data = json.loads(text[start : end + 1])
        except ValueError:
            data = None
        if isinstance(data, dict):
            headline = data.get("headline")
            raw = data.get("sentences") or data.get("brief") or []
            if isinstance(raw, str):
                raw = [raw]
            found = [
                s.text
                for item in raw
                if isinstance(item, str)
                for s in split_sentences(item)
                if re.search(r"\w", s.text)
            ]
            return (headline.strip() if isinstance(headline, str) else "", found)
    # Plain prose: every sentence is a claim to check (garbage simply fails the gate).
    return "", [s.text for s in split_sentences(text) if re.search(r"\w", s.text)]


def _messages(
    articles: Sequence[ArticleText], max_sentences: int, max_words: int | None
) -> list[dict[str, str]]:
    parts, used = [], 0
    ordered = sorted(articles, key=lambda a: (a.published is None, a.published or 0, a.id))
    for number, article in enumerate(ordered, 1):
        lead = " ".join(
            s.text
            for s in split_sentences(article.text[: limits.MAX_ARTICLE_CHARS])[
                :PROMPT_SENTENCES_PER_ARTICLE
            ]
        )
        when = f", {article.published:%Y-%m-%d %H:%M %Z}" if article.published else ""
        outlet = article.outlet or "unknown outlet"
        block = f"Article {number} ({outlet}{when}): {article.title}\n{lead}"
        block = block[: max(0, PROMPT_MAX_CHARS - used)]
        if not block:
            break
        parts.append(block)
        used += len(block)
    length = f"at most {max_sentences} sentences"
    if max_words:
        length += f" and {max_words} words"
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {
            "role": "user",
            "content": f"Write a headline and a brief of {length} from these articles.\n\n"
            + "\n\n".join(parts),
        },
    ]


def _fit(
    kept: list[BriefSentence], max_sentences: int, max_words: int | None, log: list[str]
) -> list[BriefSentence]:
    fitted: list[BriefSentence] = []
    used = 0
    for sentence in kept:
        length = len(sentence.text.split())
        if len(fitted) >= max_sentences or (
            max_words is not None and fitted and used + length > max_words
        ):
            log.append(f"cut {sentence.text!r}: over the reader's length")
            continue
        fitted.append(sentence)
        used += length
    return fitted


def _fall_back(fallback: Brief, reason: str, log: Sequence[str] = ()) -> Brief:
    fallback.log = [*log, f"fell back to the default brief: {reason}"]
    return fallback
