"""A story's tags in the database: the tagger's names made into Tag rows, editors' aliases,
merges and hides applied, each story's tags stored in rank order."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from newsdesk.stories.models import Story, StoryTag, Tag, TagAlias


def tag_corrections() -> tuple[dict[str, str], set[str]]:
    """Editors' renames, merges and hides, in the form the tagger takes them."""
    aliases = {
        alias.name: _final(alias.tag).name for alias in TagAlias.objects.select_related("tag")
    }
    for merged in Tag.objects.filter(merged_into__isnull=False).select_related("merged_into"):
        aliases.setdefault(merged.name.casefold(), _final(merged).name)
    hidden = set(Tag.objects.filter(hidden=True).values_list("name", flat=True))
    return aliases, hidden


def _final(tag: Tag) -> Tag:
    seen = set()
    while tag.merged_into_id and tag.pk not in seen:
        seen.add(tag.pk)
        tag = tag.merged_into
    return tag


def store_tags(story: Story, tags) -> None:
    """Replace ``story``'s tags by the tagger's ``tags`` (ranked as given), less hidden ones."""
    StoryTag.objects.filter(story=story).delete()
    used: set[int] = set()
    for rank, core_tag in enumerate(tags):
        tag = _tag_for(core_tag.name, core_tag.kind)
        if tag.hidden or tag.pk in used:
            continue
        used.add(tag.pk)
        StoryTag.objects.create(story=story, tag=tag, rank=rank)


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


def _find_or_create_tag(name: str, kind: str) -> Tag:
    existing = Tag.objects.filter(name__iexact=name).order_by("merged_into", "pk").first()
    if existing:
        return _final(existing)
    base = slugify(name)[:180] or "tag"
    slug, n = base, 1
    while Tag.objects.filter(slug=slug).exists():
        existing = Tag.objects.get(slug=slug)
        if existing.name.casefold() == name.casefold():
            return _final(existing)
        n += 1
        slug = f"{base}-{n}"
    return Tag.objects.create(name=name, slug=slug, kind=kind)
