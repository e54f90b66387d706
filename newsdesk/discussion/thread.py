"""A story's comments as the threads one reader sees, in the order they chose."""

from __future__ import annotations

from dataclasses import dataclass, field

from newsdesk.discussion.models import Comment

SORTS = {"newest": "Newest", "oldest": "Oldest", "replies": "Most replies"}
DEFAULT_SORT = "newest"
# The story page's query parameter for the comments page (its own ?page= is free for others).
PAGE_PARAMETER = "comments"

PLACEHOLDERS = {
    Comment.Status.DELETED: "[deleted]",
    Comment.Status.REMOVED: "[removed by a moderator]",
    Comment.Status.HELD: "[waiting for a moderator]",
}


@dataclass
class Node:
    comment: Comment
    # False: the comment keeps its place (it has replies) but only a placeholder is shown.
    shown: bool
    children: list[Node] = field(default_factory=list)
    # Visible comments below this one, at any depth ("most replies" sorts by it).
    reply_count: int = 0

    @property
    def placeholder(self) -> str:
        return PLACEHOLDERS.get(self.comment.status, "")


def _visible_to(comment: Comment, viewer_id: int | None) -> bool:
    if comment.status == Comment.Status.PUBLISHED:
        return True
    # Authors see their own held comments (marked as waiting), nobody else does.
    return comment.status == Comment.Status.HELD and comment.author_id == viewer_id


def build_threads(
    comments: list[Comment], viewer_id: int | None, sort: str = DEFAULT_SORT
) -> tuple[list[Node], int]:
    """Top-level threads in ``sort`` order (replies oldest first), and how many comments show.

    A comment that is gone (deleted, removed, or held from this viewer) stays as a placeholder
    when something below it is visible, so replies never lose their context; otherwise it is
    left out altogether.
    """
    children: dict[int | None, list[Comment]] = {}
    for comment in sorted(comments, key=lambda c: (c.created_at, c.pk)):
        children.setdefault(comment.parent_id, []).append(comment)

    def build(comment: Comment) -> Node | None:
        kids = [node for c in children.get(comment.pk, []) if (node := build(c))]
        shown = _visible_to(comment, viewer_id)
        if not shown and not kids:
            return None
        count = sum(node.reply_count + (1 if node.shown else 0) for node in kids)
        return Node(comment=comment, shown=shown, children=kids, reply_count=count)

    roots = [node for c in children.get(None, []) if (node := build(c))]
    if sort == "oldest":
        pass
    elif sort == "replies":
        roots.sort(key=lambda n: (n.reply_count, n.comment.created_at, n.comment.pk), reverse=True)
    else:
        roots.reverse()
    total = sum(node.reply_count + (1 if node.shown else 0) for node in roots)
    return roots, total


def page_of(threads: list[Node], comment: Comment, per_page: int) -> int:
    """The comments page (1-based) whose threads hold ``comment``; 1 when it is not shown."""

    def holds(node: Node) -> bool:
        return node.comment.pk == comment.pk or any(holds(child) for child in node.children)

    for index, node in enumerate(threads):
        if holds(node):
            return index // per_page + 1
    return 1
