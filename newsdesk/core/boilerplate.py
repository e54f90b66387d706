"""Feed boilerplate: text a feed repeats across its items, recognised and stripped.

Video channels and some outlets end every item's description with the same blurb (what the
channel is, subscribe lines, links to playlists and social accounts, "Full episodes on ...").
Left in, it outweighs the item's own sentence or two: grouping puts every item of the feed in
one story, tagging names the channel and its URLs, and a brief may quote it.

What repeats is found in the feed itself, not from a list of phrases: a run of words is
boilerplate when the same ``SHINGLE_WORDS`` consecutive words appear in at least
``MIN_ITEMS`` items and ``MIN_SHARE`` of the items of one feed document (a poll returns the
feed's recent items together, which is enough to see what they all share). Words covered by
such shingles are removed with the whitespace between them, and so are bare links (a feed
item's own link is stored apart; one in its description is a playlist, a subscribe page or a
social account); the rest of the text is kept as it was. Items whose whole text is
boilerplate become empty: their headline is all they say.

>>> blurb = "Subscribe to the Example channel for full episodes: http://example.test/sub"
>>> texts = [f"{n} {blurb}" for n in ("Dock strike ends.", "Cup won.", "Rain.", "Fire.")]
>>> strip_repeated_text(texts)[0]
'Dock strike ends.'
"""

from __future__ import annotations

import re
from collections import Counter

# Consecutive words that make a repeated phrase: long enough that two independent reports
# rarely share it by chance ("the Prime Minister said on"), short enough to catch a blurb that
# varies between items (show names, dates, a word or two spelled differently).
SHINGLE_WORDS = 6

# A phrase is boilerplate when at least this many items of the feed carry it (two items of
# one feed may quote the same sentence of one event) ...
MIN_ITEMS = 3
# ... and at least this share of them: a channel mixes shows, each with its own blurb, so a
# blurb need not be on every item (a 15-item video feed of four shows: 3 items a show). The
# cost of a false hit is small: six words of one event's summary gone from a few items.
MIN_SHARE = 0.15

_TOKEN = re.compile(r"\S+")
_LINK = re.compile(r"^[(<\[]?(?:https?://|www\.)", re.IGNORECASE)


def strip_repeated_text(texts: list[str]) -> list[str]:
    """``texts`` (the items of one feed document, in any order) without what they repeat."""
    tokenised = [_tokens(text) for text in texts]
    carriers: Counter[tuple[str, ...]] = Counter()
    for tokens in tokenised:
        carriers.update({shingle for shingle, _ in _shingles(tokens)})
    needed = max(MIN_ITEMS, MIN_SHARE * len(texts))
    repeated = {shingle for shingle, count in carriers.items() if count >= needed}
    return [_strip(text, tokens, repeated) for text, tokens in zip(texts, tokenised, strict=True)]


def _tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of each word of ``text``; a link's word is "" (always removed)."""
    return [
        (m.start(), m.end(), "" if _LINK.match(m.group(0)) else m.group(0).casefold())
        for m in _TOKEN.finditer(text)
    ]


def _shingles(tokens: list[tuple[int, int, str]]) -> list[tuple[tuple[str, ...], list[int]]]:
    """Each run of ``SHINGLE_WORDS`` words (links skipped) and the token positions it covers."""
    words = [(i, word) for i, (_, _, word) in enumerate(tokens) if word]
    return [
        (
            tuple(w for _, w in words[i : i + SHINGLE_WORDS]),
            [p for p, _ in words[i : i + SHINGLE_WORDS]],
        )
        for i in range(len(words) - SHINGLE_WORDS + 1)
    ]


def _strip(text: str, tokens: list[tuple[int, int, str]], repeated: set) -> str:
    covered = [not word for _, _, word in tokens]
    for shingle, positions in _shingles(tokens):
        if shingle in repeated:
            for position in positions:
                covered[position] = True
    if not any(covered):
        return text
    kept: list[str] = []
    position = 0
    for (start, end, _), gone in zip(tokens, covered, strict=True):
        if gone:
            kept.append(text[position:start])
            position = end
    kept.append(text[position:])
    return _tidy("".join(kept))


def _tidy(text: str) -> str:
    # Removing runs leaves doubled spaces, blank lines and stray separators ("| ", "- ").
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"\n\s*\n\s*\n+", "\n\n", text)
    text = re.sub(r"(?:^|\s)[|\-–—•:]+(?=\s|$)", "", text)
    return text.strip()
