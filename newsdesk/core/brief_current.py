"""Current first: which source sentences a later report has updated.

A developing story is told over hours by several outlets: "the committee will decide on
Tuesday whether to approve ..." and, that night, "a decision ... has been put off until
February". Both are true of their moment; a brief tells the latest. A later sentence *updates*
an earlier one of another article when both are about the same matter and the later one
reports a change the earlier one does not (a decision taken, postponed or reversed, a strike
that ended, a count that rose). The brief leaves the earlier sentence out and leads with the
later one; the story page keeps the earlier one on its timeline with its time.

>>> from datetime import datetime, UTC
>>> from newsdesk.core.documents import ArticleText
>>> from newsdesk.core.brief_select import candidates
>>> old = ArticleText("a", "Vote", "The council will vote on Tuesday on the harbour bridge plan.",
...                   published=datetime(2026, 3, 2, 8, tzinfo=UTC))
>>> new = ArticleText("b", "Put off", "The council postponed its vote on the harbour bridge plan.",
...                   published=datetime(2026, 3, 2, 22, tzinfo=UTC))
>>> updates(candidates(new)[0], candidates(old)[0])
True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from newsdesk import limits
from newsdesk.core.brief_select import PARTICULARS_THRESHOLD, Candidate, same_fact
from newsdesk.core.text import overlap

# Two sentences are about one matter when this share of the shorter one's content words is in
# the other and they share a name or a number (the demo's announcement and postponement of one
# vote share 0.35-0.5, two different facts of one story 0.1-0.3), or at least the second share
# whatever their particulars (a sentence's first word is never read as a name, so "Calder's
# committee will decide" and "A decision in Calder was put off" share none).
SAME_MATTER_THRESHOLD = 0.3
SURE_MATTER_THRESHOLD = 0.4

# A later report changes an earlier one in one of four ways. A decision taken on what was
# pending ("will decide whether" -> "approved"; a decision verb alone is no change: a later
# outlet restating "agreed" as "signed" tells the same news). A decision or plan undone
# ("postponed", "called off"). Something that was happening ended ("strike" -> "return to
# work", "without power" -> "restored"). A count that rose ("12 dead" -> "the toll rose to 19").
PENDING = re.compile(
    r"\b(?:(?:will|would|is to|are to|set to|expected to|plans? to|due to|could|may)\s+"
    r"(?:\w+\s+)?(?:decide|vote|rule|approve|reject|consider|sign|meet|strike|walk out)"
    r"|to (?:decide|vote|rule)|whether|threaten(?:s|ed)? to)\b",
    re.IGNORECASE,
)
DECIDED = re.compile(
    r"\b(?:approved|rejected|voted|ruled|decided|agreed|signed|confirmed|passed|chose|elected)\b",
    re.IGNORECASE,
)
UNDONE = re.compile(
    r"\b(?:postpone[ds]?|postponing|delay(?:ed|s)?|put off|deferred|adjourned|shelved"
    r"|revers(?:ed|es)|overturn(?:ed|s)|scrapped|withdr(?:ew|awn)|cancell?ed(?! out)|called off"
    r"|abandoned)\b",
    re.IGNORECASE,
)
ENDED = re.compile(
    r"\b(?<!-)(?:ended|lifted|return(?:ed|s|ing)? to work|back (?:at|to) work|resumed|reopened"
    r"|restored|called off)\b",
    re.IGNORECASE,
)
HAPPENING = re.compile(
    r"\b(?:strikes?|striking|walk(?:ed)? out|walkout|closed|shut|outage|suspended|cut off"
    r"|without power|in force|remains?|began|blocked|halted|standstill|picket\w*)\b",
    re.IGNORECASE,
)
ROSE = re.compile(r"\b(?:rose|risen|climbed|jumped|increased|has reached|now)\b", re.IGNORECASE)

# A count that is news when it changes: the dead, the missing, the evacuated.
TOLL = re.compile(
    r"\b(?:dead|died|deaths?|killed|toll|injured|wounded|missing|evacuated|rescued|homeless"
    r"|cases|infected|arrested|detained)\b",
    re.IGNORECASE,
)

# Something that ended shares fewer words with its start than a decision with its
# announcement ("1,900 dockworkers began a 72-hour strike" / "Dockworkers will return to work
# ... after the union and the operator agreed"): this much, and a name in common, is enough.
ENDED_MATTER_THRESHOLD = 0.15

# No update shares less than this overlap with what it updates (``updates``).
NEAR_THRESHOLD = min(
    ENDED_MATTER_THRESHOLD, SAME_MATTER_THRESHOLD, SURE_MATTER_THRESHOLD, PARTICULARS_THRESHOLD
)

# A sentence with one of these words may report a change; only those are compared.
_MAY_CHANGE = re.compile(
    "|".join(p.pattern for p in (DECIDED, UNDONE, ENDED, ROSE, TOLL)), re.IGNORECASE
)


def updates(newer: Candidate, older: Candidate) -> bool:
    """Whether ``newer``, from a later article, reports a change to what ``older`` said."""
    late, early = newer.article.published, older.article.published
    if late is None or early is None or late <= early or newer.article is older.article:
        return False
    shared = overlap(newer.words, older.words)
    same_names = not newer.names.isdisjoint(older.names)
    same_matter = shared >= SURE_MATTER_THRESHOLD or (
        (shared >= SAME_MATTER_THRESHOLD or same_fact(newer, older))
        and (same_names or not newer.numbers.isdisjoint(older.numbers))
    )
    new, old = _marks(newer.text), _marks(older.text)
    if new.ended and not old.ended and old.happening:
        if same_matter or (same_names and shared >= ENDED_MATTER_THRESHOLD) or shared >= 0.3:
            return True
    if not same_matter:
        return False
    if new.undone and not old.undone:
        return old.pending or old.decided
    if old.pending and new.decided:
        return not old.decided
    return _toll_rose(newer, older, new, old)


class _Marks(NamedTuple):
    """Which of the patterns of change a sentence matches."""

    ended: bool
    happening: bool
    undone: bool
    pending: bool
    decided: bool
    toll: bool
    rose: bool


# Each sentence is compared with many others: its patterns are read once.
@functools.lru_cache(maxsize=limits.BRIEF_TEXT_CACHE * 8)
def _marks(text: str) -> _Marks:
    return _Marks(
        *(
            bool(pattern.search(text))
            for pattern in (ENDED, HAPPENING, UNDONE, PENDING, DECIDED, TOLL, ROSE)
        )
    )


def _toll_rose(newer: Candidate, older: Candidate, new: _Marks, old: _Marks) -> bool:
    """One count, told again later with a higher number: "12 killed" then "the toll rose to
    19". A toll word in both, a name in both or a word of rising in the later one ("rose",
    "now"), and the later number higher than any earlier one."""
    if not (new.toll and old.toll):
        return False
    if newer.names.isdisjoint(older.names) and not new.rose:
        return False
    if not newer.numbers or not older.numbers or not newer.numbers.isdisjoint(older.numbers):
        return False
    try:
        return max(map(float, newer.numbers)) > max(map(float, older.numbers))
    except ValueError:
        return False


def superseded(
    every: Sequence[Candidate], window: int, close: dict[int, set[int]] | None = None
) -> tuple[dict[int, Candidate], datetime | None]:
    """For each candidate a later report updated (by ``id()``), the latest candidate that did;
    and when the first update was published (a headline from before it may be stale).

    Only each article's first ``window`` candidates are compared: news is lead-heavy, and a
    big story must stay cheap. A sentence that only repeats the news others updated is also
    updated (the same matter, no change of its own). ``close``: ``brief_select.near`` of the
    candidates at ``NEAR_THRESHOLD`` or lower, when known (only those pairs are compared)."""
    leads = [c for c in every if c.rank < window and c.article.published is not None]
    changing = [c for c in leads if _MAY_CHANGE.search(c.text)]
    found: dict[int, Candidate] = {}
    first: datetime | None = None
    for older in leads:
        nearby = close[id(older)] if close is not None else None
        for newer in changing:
            if (nearby is None or id(newer) in nearby) and updates(newer, older):
                if first is None or newer.article.published < first:
                    first = newer.article.published
                best = found.get(id(older))
                if best is None or newer.article.published > best.article.published:
                    found[id(older)] = newer
    # An update that was itself updated is not the latest state.
    for key, newer in list(found.items()):
        seen = {key}
        while id(newer) in found and id(newer) not in seen:
            seen.add(id(newer))
            newer = found[id(newer)]
        found[key] = newer
    return found, first
