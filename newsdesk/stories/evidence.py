"""Each article read once for tags; each story's tag evidence kept as running sums.

An article's part of its story's tag evidence (``core.tag.article_evidence``) is computed the
first time a story holding it is refreshed and stored (``ArticleTagEvidence``); a story's sums
(``StoryTagTotals``) are updated by adding the parts of the articles that joined since. When an
article has left the story (a split, an editor's correction), the sums are made again from the
stored parts of the articles it holds, never from their text.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Sequence

from newsdesk import limits
from newsdesk.core.entities import analyse
from newsdesk.core.tag import article_evidence
from newsdesk.core.tag_evidence import EVIDENCE_VERSION, StoryEvidence
from newsdesk.ingest.models import Article
from newsdesk.stories.documents import core_article
from newsdesk.stories.models import ArticleTagEvidence, Story, StoryTagTotals

# Articles whose stored parts are read (or whose texts are analysed) at once.
_RUN = 64

# The sums this process last stored, by story pk: (their revision, the sums). A refresh takes
# a story's out (so that two threads never add to one copy) and ``save_totals`` puts them back.
_kept: OrderedDict[int, tuple[str, StoryEvidence]] = OrderedDict()
_kept_lock = threading.Lock()


def order_key(article) -> tuple:
    """An article's place in its story, as the sums record it: by date, then by id (of
    anything with a ``published`` date and a ``pk``)."""
    return (article.published.timestamp(), article.pk)


def article_parts(articles: Sequence) -> dict[int, dict]:
    """The stored evidence of each of ``articles`` by pk; any missing (or of another version)
    is computed, the missing texts read by the model in one batch, and stored."""
    ids = [a.pk for a in articles]
    parts = dict(
        ArticleTagEvidence.objects.filter(article_id__in=ids, version=EVIDENCE_VERSION)
        .values_list("article_id", "evidence")
        .iterator(chunk_size=200)
    )
    missing = [pk for pk in ids if pk not in parts]
    if not missing:
        return parts
    documents = [
        core_article(a) for a in Article.objects.filter(pk__in=missing).select_related("outlet")
    ]
    analyses = analyse([d.text if d.text.strip() else d.title for d in documents])
    computed = {
        int(d.id): article_evidence(d, analysis)
        for d, analysis in zip(documents, analyses, strict=True)
    }
    ArticleTagEvidence.objects.bulk_create(
        [
            ArticleTagEvidence(article_id=pk, version=EVIDENCE_VERSION, evidence=part)
            for pk, part in computed.items()
        ],
        update_conflicts=True,
        unique_fields=["article"],
        update_fields=["version", "evidence"],
    )
    parts.update(computed)
    return parts


def story_totals(story: Story, articles: Sequence) -> StoryEvidence:
    """The sums of the evidence of ``articles``, the story's articles: its stored sums with the
    parts of articles that joined since added, or (when one has left, or the sums are of
    another version) all the stored parts summed again. ``save_totals`` stores them.

    The stored sums are read only when this process does not hold them already: the copy it
    kept when it last stored them, if no one has stored others since (the row's revision)."""
    row = StoryTagTotals.objects.filter(story=story).values_list("revision", "counted").first()
    with _kept_lock:
        kept = _kept.pop(story.pk, None)
    totals = None
    if row is not None and kept is not None and row[0] and kept[0] == row[0]:
        totals = kept[1]
    elif row is not None:
        stored = StoryTagTotals.objects.filter(story=story).values_list("totals", flat=True)
        totals = StoryEvidence.from_json(stored.first())
    counted = set(row[1]) if totals is not None else set()
    if totals is None or not counted <= {a.pk for a in articles}:
        totals, counted = StoryEvidence(), set()
    joined = sorted((a for a in articles if a.pk not in counted), key=order_key)
    # In runs, so that summing a whole big story again holds only a run's parts at a time.
    for start in range(0, len(joined), _RUN):
        run = joined[start : start + _RUN]
        parts = article_parts(run)
        for article in run:
            totals.add(parts[article.pk], order_key(article))
    return totals


def save_totals(story: Story, totals: StoryEvidence, articles: Sequence) -> None:
    """Store ``totals``, the sums of ``articles``, and keep them in this process."""
    revision = uuid.uuid4().hex
    StoryTagTotals.objects.update_or_create(
        story=story,
        defaults={
            "totals": totals.to_json(),
            "counted": sorted(a.pk for a in articles),
            "revision": revision,
        },
    )
    # Kept even if the transaction is rolled back: the row then keeps its old revision, and
    # the copy is not used.
    with _kept_lock:
        _kept[story.pk] = (revision, totals)
        _kept.move_to_end(story.pk)
        while len(_kept) > limits.KEPT_TAG_TOTALS:
            _kept.popitem(last=False)
