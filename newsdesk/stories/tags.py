"""A story's tags in the database: the tagger's names made into Tag rows, editors' aliases,
merges and hides applied, each story's tags stored in rank order with its reading of each.

One name per thing across the site: when a story shows that a name is a shorter form of
another ("Veltstra" of "Veltstra Data"), an existing tag of that shorter name is folded into
the longer one (its stories move, its page redirects) unless an editor has touched it. A tag's
kind is the weighted verdict of every story's reading of it (``core.tag_names.kind_verdict``),
recomputed when a story is tagged; a kind an editor chose stays.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.text import slugify

from newsdesk.core.tag_names import Cue, kind_verdict
from newsdesk.core.tag_topics import topic_key
from newsdesk.stories.models import Story, StoryTag, Tag, TagAlias, TagReading


def tag_corrections() -> tuple[dict[str, str], set[str]]:
    """Editors' renames, merges and hides, in the form the tagger takes them. The tagger's
    own folds are not among them: they apply to the names of tags, never to words of a text."""
    aliases = {
        alias.name: final_tag(alias.tag).name
        for alias in TagAlias.objects.filter(by_tagger=False).select_related("tag")
    }
    folded = set(TagAlias.objects.filter(by_tagger=True).values_list("name", flat=True))
    for tag in Tag.objects.filter(merged_into__isnull=False).select_related("merged_into"):
        if tag.name.casefold() not in folded:
            aliases.setdefault(tag.name.casefold(), final_tag(tag).name)
    hidden = set(Tag.objects.filter(hidden=True).values_list("name", flat=True))
    return aliases, hidden


def final_tag(tag: Tag) -> Tag:
    """The tag that ``tag`` was merged or folded into, at the end of the chain (itself if none)."""
    seen = set()
    while tag.merged_into_id and tag.pk not in seen:
        seen.add(tag.pk)
        tag = tag.merged_into
    return tag


def store_tags(story: Story, tags) -> None:
    """Replace ``story``'s tags by the tagger's ``tags`` (ranked as given), less hidden ones,
    with the story's reading of each; then the kinds of those tags follow their readings."""
    StoryTag.objects.filter(story=story).delete()
    TagReading.objects.filter(story=story).delete()
    used: set[int] = set()
    for rank, core_tag in enumerate(tags):
        tag = _tag_for(core_tag.name, core_tag.kind)
        if tag.hidden or tag.pk in used:
            continue
        used.add(tag.pk)
        StoryTag.objects.create(story=story, tag=tag, rank=rank)
        cue = getattr(core_tag, "cue", "") or Cue.MODEL
        TagReading.objects.create(story=story, tag=tag, kind=core_tag.kind, cue=cue)
        for form in getattr(core_tag, "forms", ()):
            _fold(form, tag)
    for tag in Tag.objects.filter(pk__in=used, kind_by_editor=False):
        update_kind(tag)


def update_kind(tag: Tag) -> None:
    """Set ``tag``'s kind to its stories' verdict, unless an editor chose it."""
    if tag.kind_by_editor:
        return
    # Counted in the database: a tag like "United States" has thousands of readings.
    readings = (
        TagReading.objects.filter(tag=tag)
        .values_list("kind", "cue")
        .annotate(count=Count("pk"), first=Min("pk"))
        .order_by("first")
        .values_list("kind", "cue", "count")
    )
    verdict = kind_verdict(readings)
    if verdict and verdict != tag.kind:
        tag.kind = verdict
        tag.save(update_fields=["kind"])


def _fold(form: str, into: Tag) -> None:
    """An existing tag named ``form``, a shorter name of ``into`` in a story, becomes ``into``:
    its stories and readings move, its page redirects, and a story that later names the thing
    only by ``form`` gets ``into``. Tags an editor touched (hidden, merged, renamed or given
    a kind) and tags of another kind ("Calder" the town against "Calder Rovers") stay."""
    other = (
        Tag.objects.filter(name__iexact=form, merged_into__isnull=True, hidden=False)
        .exclude(pk=into.pk)
        .first()
    )
    if (
        other is None
        or other.kind != into.kind
        or other.kind_by_editor
        or TagAlias.objects.filter(tag=other, by_tagger=False).exists()
    ):
        return
    with transaction.atomic():
        # Cached story pages are keyed by the story's update time: touching them shows the change.
        Story.objects.filter(story_tags__tag=other).update(updated_at=timezone.now())
        move_tag_rows(other, into)
        TagAlias.objects.get_or_create(
            name=other.name.casefold(), defaults={"tag": into, "by_tagger": True}
        )
        other.merged_into = into
        other.save(update_fields=["merged_into"])


def _tag_for(name: str, kind: str) -> Tag:
    """The tag readers know by this name (renamed tags keep their old slug), or a new one.

    Two workers briefing two stories that name a new place at once both find no tag and both
    create it: the second insert breaks the slug's unique key, and that worker looks again
    (in a savepoint, so the story's transaction goes on), finding the first one's tag."""
    for _ in range(3):
        try:
            with transaction.atomic():
                return _find_or_create_tag(name, kind)
        except IntegrityError:
            continue
    return _find_or_create_tag(name, kind)


def _same_topic(name: str) -> Tag | None:
    """A topic tag that means what ``name`` means (``core.tag_topics.topic_key``): looked for
    among the topics sharing its longest word's first letters, the key compared in Python."""
    key = topic_key(name)
    longest = max(key.split(), key=len, default="")
    if not longest:
        return None
    nearby = Tag.objects.filter(kind=Tag.Kind.TOPIC, name__icontains=longest[:4]).order_by(
        "merged_into", "pk"
    )
    return next((final_tag(t) for t in nearby if topic_key(t.name) == key), None)


def _find_or_create_tag(name: str, kind: str) -> Tag:
    existing = Tag.objects.filter(name__iexact=name).order_by("merged_into", "pk").first()
    if existing:
        return final_tag(existing)
    folded = TagAlias.objects.filter(name=name.casefold(), by_tagger=True).first()
    if folded:
        return final_tag(folded.tag)  # "Veltstra", once folded into "Veltstra Data"
    if kind == Tag.Kind.TOPIC and (same := _same_topic(name)):
        return same  # "Interest rate" for a story when "Interest rates" exists
    base = slugify(name)[:180] or "tag"
    slug, n = base, 1
    while Tag.objects.filter(slug=slug).exists():
        existing = Tag.objects.get(slug=slug)
        if existing.name.casefold() == name.casefold():
            return final_tag(existing)
        n += 1
        slug = f"{base}-{n}"
    return Tag.objects.create(name=name, slug=slug, kind=kind)


def move_tag_rows(other: Tag, into: Tag) -> None:
    """Move ``other``'s story links and the stories' readings of it to ``into`` (a fold or an
    editor's merge); a story linked to both keeps ``into``'s row alone."""
    for model in (StoryTag, TagReading):
        for row in model.objects.filter(tag=other):
            if model.objects.filter(story=row.story_id, tag=into).exists():
                row.delete()
            else:
                model.objects.filter(pk=row.pk).update(tag=into)
