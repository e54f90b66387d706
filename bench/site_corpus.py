"""A generated corpus for bench/site.py: outlets, articles, stories, briefs, tags, search documents.

Everything is invented from a seeded random vocabulary (syllables glued into words), so the same
parameters always give the same corpus and no real text is involved. Written with bulk_create
in batches, with explicit primary keys so briefs can cite article ids before they are stored.

Shape (for --articles 100000 --stories 20000): ~50 outlets in ~40 publisher families (one feed
each), 300 tags (20 topics; places, organisations, people), stories over the last 30 days whose
sizes follow a capped heavy tail (most have 1-4 articles, a few 50+), articles of 8-20
sentences published within hours of their story's first article, a 3-5 sentence brief citing
real (article, sentence) pairs, "only <outlet> reported" facts on larger stories, 2-5 tags a
story, and one SearchDocument per story with the fields ``newsdesk.search.index.index_story``
writes (the FTS5 table is filled by the migration's triggers).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import time
from datetime import timedelta
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

VERSION = 1  # bump when generate() changes what it makes: the cached files are keyed by it
SHIFTED = {  # columns moved forward when a cached corpus is reused
    "ingest_article": ["published", "processed_at", "fetched_at"],
    "stories_story": ["created_at", "updated_at", "first_published", "last_published"],
    "stories_membership": ["joined_at"],
    "search_searchdocument": ["last_published"],
}
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ai", "or", "en")]
BATCH = 2000
ORGANISATIONS = ["Authority", "Bank", "Union", "Council"]


class Vocabulary:
    def __init__(self, rng: random.Random, size: int = 6000):
        words: set[str] = set()
        while len(words) < size:
            words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))))
        self.words = sorted(words)
        rng.shuffle(self.words)  # rank = position: word 0 is the most common (Zipf)
        self.cum = []
        total = 0.0
        for rank in range(size):
            total += 1.0 / (rank + 1)
            self.cum.append(total)
        self.rng = rng

    def sentence(self, low: int = 8, high: int = 22, extra: str = "") -> str:
        words = self.rng.choices(self.words, cum_weights=self.cum, k=self.rng.randint(low, high))
        if extra:
            words.insert(self.rng.randrange(len(words)), extra)
        return (" ".join(words) + ".").capitalize()

    def content_word(self) -> str:
        """A word people would search for: not among the commonest 30, not vanishingly rare."""
        return self.words[self.rng.randint(30, 3000)]


def vocabulary(seed: int = 7) -> Vocabulary:
    return Vocabulary(random.Random(seed))


def _name(rng: random.Random, vocab: Vocabulary) -> str:
    return rng.choice(vocab.words[100:2000]).capitalize()


def generate(articles: int, stories: int, seed: int = 7, days: int = 30, log=print) -> dict:
    """Fill the (migrated, empty) default database; returns facts the benchmark needs."""
    from newsdesk import limits
    from newsdesk.ingest.models import Article, Feed, Outlet
    from newsdesk.search.models import SearchDocument
    from newsdesk.stories.models import Membership, Story, StoryTag, Tag

    rng = random.Random(seed)
    vocab = Vocabulary(rng)  # first use of rng: vocabulary(seed) gives the same words
    now = timezone.now().replace(microsecond=0)

    families = [
        f"{_name(rng, vocab)} {rng.choice(['Media', 'Press', 'Group', 'News'])}" for _ in range(40)
    ]
    outlets, feeds, used = [], [], set()
    for i in range(50):
        family = families[i] if i < 40 else rng.choice(families)
        first = _name(rng, vocab)
        name = f"The {first} {rng.choice(['Courier', 'Herald', 'Post', 'Ledger', 'Wire', 'Times'])}"
        slug = slugify(name) + ("" if slugify(name) not in used else f"-{i}")
        used.add(slug)
        outlets.append(
            Outlet(
                id=i + 1,
                name=name,
                slug=slug,
                family=slugify(family),
                homepage=f"https://{slug}.example/",
            )
        )
        feeds.append(
            Feed(id=i + 1, url=f"https://{slug}.example/feed.xml", outlet_id=i + 1, title=name)
        )
    outlet_weights = [1.0 / (i + 3) for i in range(50)]

    tags, used = [], set()
    kinds = ["topic"] * 20 + ["place"] * 100 + ["organisation"] * 80 + ["person"] * 100
    for i, kind in enumerate(kinds):
        while True:
            name = {
                "topic": _name(rng, vocab),
                "place": f"{rng.choice(['Port ', 'North ', '', ''])}{_name(rng, vocab)}",
                "organisation": f"{_name(rng, vocab)} {rng.choice(ORGANISATIONS)}",
                "person": f"{_name(rng, vocab)} {_name(rng, vocab)}",
            }[kind]
            if slugify(name) not in used:
                break
        used.add(slugify(name))
        tags.append(Tag(id=i + 1, name=name, slug=slugify(name), kind=kind))
    topic_weights = [1.0 / (i + 1) for i in range(20)]
    other_weights = [1.0 / (i + 1) ** 0.8 for i in range(280)]

    # Story sizes: one article each, the rest spread by capped heavy-tailed weights.
    weights = [min(rng.paretovariate(1.3), 40.0) for _ in range(stories)]
    sizes = [1] * stories
    for index in rng.choices(range(stories), weights=weights, k=articles - stories):
        sizes[index] += 1

    with transaction.atomic():
        Outlet.objects.bulk_create(outlets)
        Feed.objects.bulk_create(feeds)
        Tag.objects.bulk_create(tags)
    rows = {"article": [], "story": [], "membership": [], "storytag": [], "document": []}
    article_id, slugs = 0, set()
    for s in range(stories):
        story_id = s + 1
        first = now - timedelta(seconds=rng.uniform(600, days * 86400))
        span = min(rng.expovariate(1 / 10), 72) * 3600
        times = sorted(
            min(
                first + timedelta(seconds=rng.uniform(0, span) if k else 0),
                now - timedelta(minutes=1),
            )
            for k in range(sizes[s])
        )
        topic = rng.choices(tags[:20], weights=topic_weights)[0]
        story_tags = [topic] + list(
            {
                t.pk: t for t in rng.choices(tags[20:], weights=other_weights, k=rng.randint(1, 4))
            }.values()
        )
        entity = story_tags[-1].name
        theme = [vocab.content_word() for _ in range(4)]  # words the story's articles share
        members, texts = [], []
        for published in times:
            article_id += 1
            outlet = rng.choices(outlets, weights=outlet_weights)[0]
            sentences = [
                vocab.sentence(extra=rng.choice(theme + [entity]))
                for _ in range(rng.randint(8, 20))
            ]
            title = vocab.sentence(6, 11, extra=" ".join(rng.sample(theme, 2))).rstrip(".")
            slug = slugify(title)[:60]
            url = f"https://{outlet.slug}.example/{published:%Y/%m/%d}/{slug}-{article_id}"
            rows["article"].append(
                Article(
                    id=article_id,
                    feed_id=outlet.pk,
                    outlet_id=outlet.pk,
                    key=url,
                    url=url,
                    guid=url,
                    title=title,
                    author=f"{_name(rng, vocab)} {_name(rng, vocab)}",
                    categories=[topic.name],
                    feed_text=sentences[0],
                    text=" ".join(sentences),
                    published=published,
                    extraction="done",
                    processed_at=published,
                )
            )
            rows["membership"].append(
                Membership(
                    id=article_id, article_id=article_id, story_id=story_id, joined_at=published
                )
            )
            members.append((article_id, outlet))
            texts.append(sentences)
        brief = []
        for _ in range(min(rng.randint(3, 5), sum(len(t) for t in texts))):
            k = rng.randrange(len(members))
            index = rng.randrange(min(4, len(texts[k])))
            brief.append(
                {
                    "text": texts[k][index],
                    "sources": [{"id": members[k][0], "sentence_index": index}],
                }
            )
        only_in = {}
        if len(members) >= 3:
            k = rng.randrange(len(members))
            only_in = {members[k][1].name: [texts[k][-1]]}
        outlet_names = {o.name for _, o in members}
        headline = rows["article"][-len(members)].title
        while (slug := f"{rng.getrandbits(40):010x}") in slugs:
            pass
        slugs.add(slug)
        rows["story"].append(
            Story(
                id=story_id,
                slug=slug,
                headline=headline,
                brief={"sentences": brief},
                only_in=only_in,
                brief_method="bench",
                updated_at=times[-1],
                first_published=times[0],
                last_published=times[-1],
                article_count=len(members),
                outlet_count=len({o.family for _, o in members}),
            )
        )
        for rank, tag in enumerate(story_tags):
            rows["storytag"].append(StoryTag(story_id=story_id, tag_id=tag.pk, rank=rank))
        # The same fields as newsdesk.search.index.index_story writes.
        rows["document"].append(
            SearchDocument(
                id=story_id,
                story_id=story_id,
                headline=headline,
                brief=" ".join(b["text"] for b in brief),
                body="\n".join(
                    f"{a.title}\n{a.text[: limits.SEARCH_CHARS_PER_ARTICLE]}"
                    for a in rows["article"][-len(members) :]
                ),
                tags=" ".join(t.name for t in story_tags),
                outlets=" ".join(sorted(outlet_names)),
                last_published=times[-1],
            )
        )
        if len(rows["article"]) >= BATCH * 5 or s == stories - 1:
            _flush(rows, Article, Story, Membership, StoryTag, SearchDocument)
            log(f"  … {story_id:,} stories, {article_id:,} articles")
    return {"articles": article_id, "stories": stories}


def _flush(rows, Article, Story, Membership, StoryTag, SearchDocument) -> None:
    with transaction.atomic():
        for model, key in (
            (Article, "article"),
            (Story, "story"),
            (Membership, "membership"),
            (StoryTag, "storytag"),
            (SearchDocument, "document"),
        ):
            model.objects.bulk_create(rows[key], batch_size=BATCH)
            rows[key].clear()


def prepare(articles: int, stories: int, data_dir: Path, refill: bool = False) -> str:
    """A migrated, filled newsdesk.sqlite3 in ``data_dir``: generated, or copied from the cache
    (/tmp, keyed by the parameters) with every date shifted by the time since the fill, so "the
    last 48 hours" means the same on every run. Returns a line saying which."""
    from django.core.management import call_command

    cached = Path(f"/tmp/newsdesk-bench-site-{articles}-{stories}-v{VERSION}.sqlite3")
    meta, target = cached.with_suffix(".json"), data_dir / "newsdesk.sqlite3"
    if refill or not (cached.exists() and meta.exists()):
        call_command("migrate", interactive=False, verbosity=0)
        started = time.perf_counter()
        generate(articles, stories, log=lambda line: print(line, flush=True))
        took = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        shutil.copyfile(target, f"{cached}.part")
        os.replace(f"{cached}.part", cached)
        meta.write_text(json.dumps({"filled_at": time.time(), "fill_seconds": took}))
        return f"generated and filled in {took:.1f} s (cached as {cached}; --refill redoes it)"
    facts = json.loads(meta.read_text())
    shutil.copyfile(cached, target)
    call_command("migrate", interactive=False, verbosity=0)  # the app may have moved on
    shift = int(time.time() - facts["filled_at"])
    with connection.cursor() as cursor:
        # The FTS update trigger would re-index every document for a column it does not index.
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'search_searchdocument_au'")
        trigger = cursor.fetchone()
    with transaction.atomic(), connection.cursor() as cursor:
        if trigger:
            cursor.execute("DROP TRIGGER search_searchdocument_au")
        for table, columns in SHIFTED.items():
            sets = ", ".join(
                f"{c} = strftime('%Y-%m-%d %H:%M:%f', {c}, '+{shift} seconds')" for c in columns
            )
            cursor.execute(f"UPDATE {table} SET {sets}")
        if trigger:
            cursor.execute(trigger[0])
    connection.close()
    return (
        f"copied from {cached} (generated in {facts['fill_seconds']:.1f} s; "
        f"dates shifted by {shift} s)"
    )
