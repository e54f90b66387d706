"""When to poll a feed next: the feed's own wishes, bounded by our politeness limits.

Pure functions of the response and the clock, so the rules are tested without a server.
"""

from __future__ import annotations

import random

from newsdesk import limits


def clamp_interval(seconds: float) -> float:
    return max(limits.MIN_POLL_INTERVAL_SECONDS, min(seconds, limits.MAX_POLL_INTERVAL_SECONDS))


def interval_after_success(max_age: float | None, ttl_minutes: float | None) -> float:
    """The longest of what the feed asked for (Cache-Control max-age, RSS <ttl>), clamped.

    Taking the longest honours whichever signal asks us to come back later; with neither,
    the default interval.
    """
    asked = [s for s in (max_age, ttl_minutes * 60 if ttl_minutes else None) if s]
    return clamp_interval(max(asked) if asked else limits.POLL_INTERVAL_SECONDS)


def backoff_seconds(error_count: int, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter: base * 2**(n-1), capped, then +-JITTER."""
    rng = rng or random
    exponent = max(0, error_count - 1)
    # min() before the power: 2**1000 would overflow a float.
    base = min(limits.BACKOFF_BASE_SECONDS * 2 ** min(exponent, 32), limits.BACKOFF_MAX_SECONDS)
    jitter = 1 + rng.uniform(-limits.BACKOFF_JITTER, limits.BACKOFF_JITTER)
    return base * jitter
