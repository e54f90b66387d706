"""Self-contained brief sentences: an opening that points back must find what it points to.

A sentence opening with a pronoun ("She said ..."), a compared phrase ("The other three
members ...") or a definite description that names nobody ("The company says ...", "The
19-year-old ...") was written to follow the sentence that named its referent. In a brief it
reads only where that still holds: right after its own article's sentence before it, or, for a
definite description, after a brief sentence that has named its head noun ("The river stood at
5.3 metres" after "... the River Vell ..."). Otherwise the name is put in its place, taken from
the same article's sentence that gives it (the subject of one of the two sentences before it),
and the substitution is recorded so the words stay traceable; failing that, the sentence is
left out.

>>> opening_reference("The company says the project would create 280 jobs.")
Reference(kind='definite', text='The company', head='company')
>>> opening_reference("The National Bank of Norvia cut its main rate.") is None
True
>>> substitute("The company says it will hire 280 people.",
...            ["Veltstra Data, a Dutch operator, wants to build four halls."])
('Veltstra Data says it will hire 280 people.', 'Veltstra Data', 0)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsdesk.core.brief_compress import VERB_WORD, outside_quotes
from newsdesk.core.text import content_words

_PRONOUN = re.compile(
    r"^(?:It|He|She|They|This|That|These|Those|His|Her|Its|Their|Instead|Such)\b(?!-)"
)
_COMPARED = re.compile(
    r"^(?:The|Both|Only)\s+(?:other|others|remaining|same|rest|latter|former)\b"
    r"|^(?:Both|Only|Neither|Either)\b"
)
_DEFINITE = re.compile(
    r"^(?:The|Other|Another|Some|Many|Most|All|Each|Several)\s+(?![A-Z])[\w’'-]+"
)
_CAPITALISED = re.compile(r"\s[“\"‘'(]?[A-Z]")
# A quotation given to a pronoun: '"...," she said.' Who said it?
_PRONOUN_SPEAKER = re.compile(
    r"\b(?:(?:he|she|they)\s+(?:said|says|added|told|explained|insisted)"
    r"|(?:said|says|added)\s+(?:he|she|they))\b"
)
# A subject's head noun is its last word before a modifier begins.
_MODIFIER = re.compile(r",|\s(?:of|in|at|on|for|from|with|who|which|that|to)\s")
# A definite description with a modifier of its own names what it is about ("The body of a
# 71-year-old man was found"): only its bare form points back.
_SUBJECT_WORDS = 8


@dataclass(frozen=True)
class Reference:
    kind: str  # "pronoun", "compared", "speaker" (a quote given to he/she) or "definite"
    text: str  # the words that point back, as they open the sentence
    head: str = ""  # a definite description's head noun, lower-cased


def _subject(text: str) -> str:
    verb = VERB_WORD.search(text)
    return text[: verb.start()] if verb else " ".join(text.split()[:_SUBJECT_WORDS])


def opening_reference(text: str) -> Reference | None:
    """What the sentence's opening points back to without naming it, or None."""
    pronoun = _PRONOUN.match(text)
    if pronoun:
        return Reference("pronoun", pronoun.group(0))
    compared = _COMPARED.match(text)
    if compared:
        return Reference("compared", compared.group(0), _head(_subject(text)))
    if _PRONOUN_SPEAKER.search(outside_quotes(text)):
        return Reference("speaker", "")
    if not _DEFINITE.match(text):
        return None
    subject = _subject(text)
    if _CAPITALISED.search(outside_quotes(subject)) or _MODIFIER.search(subject):
        return None
    subject = subject.strip().rstrip(",")
    return Reference("definite", subject, _head(subject) if len(subject.split()) > 1 else "")


def _head(subject: str) -> str:
    """The subject's last word before any modifier, lower-cased."""
    words = _MODIFIER.split(subject, maxsplit=1)[0].split()
    return words[-1].lower().strip("’'\"“”,") if words else ""


def resolved(
    reference: Reference,
    told: Sequence[str],
    follows_its_own: bool,
    opens_its_article: bool = False,
) -> bool:
    """Whether a brief reader knows what ``reference`` points to: the sentence follows the one
    its article put before it (``follows_its_own``), or the brief has named a definite
    description's head noun in ``told`` (the brief's sentences before it), or the definite
    description opens its article (``opens_its_article``: "The strike over night-shift pay has
    halted the port" is written to be read first). A compared phrase ("The other three
    members", "Only five") needs its head named whatever comes before it: other than whom?"""
    if reference.kind == "definite" and opens_its_article:
        return True
    if follows_its_own and reference.kind != "compared":
        return True
    if reference.kind not in ("definite", "compared") or not reference.head:
        return False
    heads = {_root(w) for w in content_words(reference.head)}
    return bool(heads) and any(
        heads <= {_root(w) for w in content_words(sentence)} for sentence in told
    )


def _root(word: str) -> str:
    # The light stemmer leaves "vote" but makes "voting" "vot": a final e never tells apart.
    return word.removesuffix("e")


# A proper name opening a sentence as its subject: "Veltstra Data, ...", "Ms de Vries said",
# "The National Bank of Norvia cut". Connecting words inside a name are allowed.
_NAME = re.compile(
    r"^(?:The\s+)?(?:(?:Mr|Ms|Mrs|Dr|Prof)\.?\s+)?[A-Z][\w’'.-]*"
    r"(?:\s+(?:(?:of|de|van|von|da|du|la|le|al|bin|and)\s+)?[A-Z][\w’'.-]*)*(?=,|\s+[a-z]|$)"
)
# Words that open a sentence capitalised without being a name.
_NOT_NAMES = frozenset(
    "A An The In On At After Before As When While For From But And Yet So If Under Over "
    "It He She They We I You This That These Those His Her Its Their Our Some Many Most All "
    "Both Each Only Other Another Several Such There Here Meanwhile However".split()
)
# What a person is not: "He" never stands for a bank.
_ORGANISATION = re.compile(
    r"\b(?:Bank|Union|Agency|Council|Ministry|Committee|Company|Group|Data|Lines|Association"
    r"|Institute|University|Court|Government|Party|Club|Authority|Service|Board|Commission"
    r"|Office|Police|Trust|FC|United|Rovers|Athletic|Queens|Inc|Ltd)\b"
)
# Definite descriptions a name can stand for: a person's role, or an organisation. "The
# announcement came as ..." is about no one the sentence before names ("Welsh Health Minister
# Jane Hutt said ...", BBC News Summary).
_PERSON_HEADS = frozenset(
    "man woman boy girl teenager child father mother son daughter husband wife minister"
    " president chairman chairwoman chief director manager coach player striker midfielder"
    " defender goalkeeper captain star actor actress singer officer spokesman spokeswoman"
    " spokesperson mayor governor leader victim suspect driver pilot founder owner author"
    " secretary prince princess king queen senator politician judge doctor nurse".split()
)
_ORGANISATION_HEADS = frozenset(
    "company firm group operator bank agency union council ministry committee club team"
    " government party authority board commission organisation organization charity"
    " business carrier airline insurer lender retailer manufacturer maker broadcaster".split()
)


def _stands_for(head: str, person: bool) -> bool:
    if head in _PERSON_HEADS or head.endswith("-year-old"):
        return person
    return head in _ORGANISATION_HEADS


# How far back, in the same article, the naming sentence may be.
NAME_LOOKBACK = 2


def _named_subject(sentence: str) -> str:
    match = _NAME.match(sentence.strip())
    if not match:
        return ""
    name = match.group(0).strip()
    first = name.split()[0]
    if first in _NOT_NAMES and not (first == "The" and len(name.split()) > 1):
        return ""
    if "'s" in name or "’s" in name or first.isupper() and len(first) > 5:
        return ""  # a possessive ("Norvia's NorID") or a wire dateline
    capitalised = [w for w in name.split() if w[:1].isupper() and w != "The"]
    return name if len(capitalised) >= 2 else ""


_OPEN_SINGLE = re.compile(r"(?:^|[\s:(])[‘'](?=\w)")
_CLOSE_SINGLE = re.compile(r"(?<=[\w.,!?])[’'](?!\w)")


def _opens_a_quote(sentence: str) -> bool:
    """Whether a quotation opened in ``sentence`` is still open at its end ('He said: "What
    can I say about Simeone?' goes on in the next sentence)."""
    if sentence.count('"') % 2 or sentence.count("“") > sentence.count("”"):
        return True
    return len(_OPEN_SINGLE.findall(sentence)) > len(_CLOSE_SINGLE.findall(sentence))


def substitute(text: str, before: Sequence[str]) -> tuple[str, str, int] | None:
    """``text`` with its opening reference replaced by the name it stands for, the name, and
    the index in ``before`` (the article's sentences before it, in order) of the sentence that
    gives it; None when no safe substitution exists. Only a subject is replaced: "He" or "She"
    (by a person's name), or a definite description; never "It" (as often a thing the sentence
    before mentions in passing as its subject), a compared phrase or a possessive. A name is
    two capitalised words or more ("Veltstra Data", "Ms de Vries"): one capitalised word opening
    a sentence may be any word ("Water levels rose")."""
    reference = opening_reference(text)
    if reference is None or reference.kind not in ("pronoun", "definite"):
        return None
    if reference.kind == "pronoun" and reference.text not in ("He", "She"):
        return None
    for back in range(1, min(NAME_LOOKBACK, len(before)) + 1):
        if _opens_a_quote(before[-back]):
            return None  # the sentence may go on a quotation: "He" is then the speaker's "he"
        name = _named_subject(before[-back])
        if not name:
            continue
        person = len(name.split()) >= 2 and not _ORGANISATION.search(name)
        if reference.text in ("He", "She") and not person:
            return None
        if reference.kind == "definite" and not _stands_for(reference.head, person):
            return None
        rest = text[len(reference.text) :]
        if not rest.startswith(" "):
            return None
        return name + rest, name, len(before) - back
    return None
