"""The live window as grouping sees it, kept in the worker's process between decisions.

Each decision needs every live story's members (their stored grouping features) and the
window's term counts. Rebuilt from the database for every decision, that costs as much as the
window is big: a story of 2,000 articles made each new article's decision parse 2,000 feature
rows. So the process keeps what it built, and each decision asks the database only which
articles each live story holds now (ids and dates, a small query) and brings its copy up to
date: members added since are added, a story whose members changed otherwise (a split, a merge,
an editor's move, another worker's rollback) is rebuilt, stories no longer live are dropped.
The database stays the truth: several workers each keep their own copy, checked the same way.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

from newsdesk import limits
from newsdesk.core import StoryCandidate
from newsdesk.core.group_events import WindowTerms
from newsdesk.core.group_features import (
    ArticleFeatures,
    article_features,
    features_from_dict,
    features_to_dict,
)
from newsdesk.ingest.models import Article
from newsdesk.stories.documents import core_article
from newsdesk.stories.models import Membership, Story

# A member as the copy knows it: the article's id and when it was first stored (an id alone
# could name another article in a database restored or rolled back since).
Key = tuple[int, datetime]


class LiveWindow:
    """Live stories' candidates and the window's term counts, kept up to date (see above)."""

    def __init__(self) -> None:
        self.stories: dict[int, tuple[list[Key], StoryCandidate]] = {}
        self.terms = WindowTerms()
        # Parsed features of recent members, the most recently used last: a story rebuilt
        # after a split or a merge does not parse its members again.
        self.features: OrderedDict[Key, ArticleFeatures] = OrderedDict()

    def clear(self) -> None:
        self.__init__()

    def load(self, published: datetime) -> list[StoryCandidate]:
        """The stories live at ``published``, as candidates, in the order of their earliest
        live member; ``self.terms`` counts their members."""
        window = timedelta(hours=limits.STORY_WINDOW_HOURS)
        stories = Story.objects.filter(
            merged_into__isnull=True,
            last_published__gte=published - window,
            first_published__lte=published + window,
        )
        rows = (
            Membership.objects.filter(story__in=stories, article__published__gte=published - window)
            .order_by("article__published", "article_id")
            .values_list("story_id", "article_id", "article__fetched_at")
        )
        wanted: dict[int, list[Key]] = {}
        for story_id, article_id, fetched_at in rows:
            wanted.setdefault(story_id, []).append((article_id, fetched_at))
        for story_id in [s for s in self.stories if s not in wanted]:
            self.drop(story_id)
        todo: dict[int, list[Key]] = {}
        for story_id, keys in wanted.items():
            held = self.stories.get(story_id)
            if held is not None and keys[: len(held[0])] == held[0]:
                todo[story_id] = keys[len(held[0]) :]
            else:
                self.drop(story_id)
                todo[story_id] = keys
        known = {
            key: self.features[key]
            for keys in todo.values()
            for key in keys
            if key in self.features
        }
        known.update(self._fetch([k for keys in todo.values() for k in keys if k not in known]))
        for story_id, keys in todo.items():
            for key in keys:
                if key in known:  # else deleted since the query
                    self.add(story_id, key, known[key])
        return [self.stories[story_id][1] for story_id in wanted if story_id in self.stories]

    def add(self, story_id: int, key: Key, features: ArticleFeatures) -> StoryCandidate:
        """``features`` (of the article ``key``) joined story ``story_id``: the copy of it
        takes them in, and the window counts them."""
        keys, candidate = self.stories.setdefault(story_id, ([], StoryCandidate(key=str(story_id))))
        candidate.add_features(features)
        keys.append(key)
        self.terms.add(features.terms, features.outlet, features.places)
        self._remember(key, features)
        return candidate

    def drop(self, story_id: int) -> None:
        """Forget story ``story_id`` (it left the window, or is rebuilt next time)."""
        held = self.stories.pop(story_id, None)
        if held is not None:
            for member in held[1].members:
                self.terms.remove(member.terms, member.outlet, member.places)

    def _fetch(self, keys: list[Key]) -> dict[Key, ArticleFeatures]:
        """The stored features of the articles ``keys``, parsed; features of another version
        (or none) are computed from the text once and stored back."""
        found: dict[Key, ArticleFeatures] = {}
        for start in range(0, len(keys), FETCH_BATCH):
            batch = dict(keys[start : start + FETCH_BATCH])
            rows = Article.objects.filter(pk__in=batch).values_list("pk", "grouping_features")
            for pk, stored in rows:
                features = features_from_dict(stored or {})
                if features is None:
                    features = article_features(core_article(Article.objects.get(pk=pk)))
                    Article.objects.filter(pk=pk).update(
                        grouping_features=features_to_dict(features)
                    )
                found[(pk, batch[pk])] = features
        return found

    def _remember(self, key: Key, features: ArticleFeatures) -> None:
        self.features[key] = features
        self.features.move_to_end(key)
        while len(self.features) > limits.LIVE_FEATURES_KEPT:
            self.features.popitem(last=False)


# Feature rows read in one query: an IN list well under every database's limit.
FETCH_BATCH = 500
