"""Every limit and default newsdesk uses, in one place, each with the reason it has that value.

Plain Python (no Django import) so the language core and the benchmarks can read it too.
An operator can override any of them from the environment as ``NEWSDESK_<NAME>``
(for example ``NEWSDESK_FETCH_TIMEOUT_SECONDS=30``); the Django settings read them from here.
"""

from __future__ import annotations

import os


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(f"NEWSDESK_{name}")
    if raw is None:
        return default
    try:
        return type(default)(raw)
    except ValueError as error:
        raise ValueError(
            f"NEWSDESK_{name}={raw!r} is not a number; unset it or give a value like {default!r}"
        ) from error


# --- Fetching (newsdesk/ingest/fetch.py) -------------------------------------------------

# Identify ourselves so an outlet can find out who polls them and how to reach the operator.
USER_AGENT = os.environ.get(
    "NEWSDESK_USER_AGENT",
    "newsdesk/0.1 (self-hosted news reader; +https://github.com/newsdesk/newsdesk)",
)

# A whole request, connect to last byte. 20 s is what Miniflux uses: long enough for a slow
# outlet, short enough that one dead host cannot stall a worker for minutes.
FETCH_TIMEOUT_SECONDS = _env_number("FETCH_TIMEOUT_SECONDS", 20.0)

# Bodies are counted while streaming and cut at this size. The largest real feeds we have seen
# are a few MiB; 15 MiB leaves room and stops a hostile or broken server filling memory.
MAX_BODY_BYTES = int(_env_number("MAX_BODY_BYTES", 15 * 1024 * 1024))

# More than five redirects is a loop or a misconfiguration in practice (browsers allow 20,
# feed readers 5-10); stopping early saves the host and us.
MAX_REDIRECTS = int(_env_number("MAX_REDIRECTS", 5))

# At most one connection per host at a time, across every worker process: a lease on the host
# row. The lease outlives a request by a margin so a killed worker cannot hold a host forever.
HOST_LEASE_SECONDS = _env_number("HOST_LEASE_SECONDS", FETCH_TIMEOUT_SECONDS + 10)

# How long a worker waits for another worker's lease on the same host before giving up on
# this attempt (the article or feed is retried on the next pass, nothing is lost).
HOST_LEASE_WAIT_SECONDS = _env_number("HOST_LEASE_WAIT_SECONDS", 60.0)

# robots.txt is re-read at most daily (Google's documented cache time is up to 24 hours).
ROBOTS_CACHE_SECONDS = _env_number("ROBOTS_CACHE_SECONDS", 24 * 3600)

# A robots.txt we could not read (5xx, network error) disallows the host for this long, then
# we ask again.
ROBOTS_RETRY_SECONDS = _env_number("ROBOTS_RETRY_SECONDS", 10 * 60)

# robots.txt bodies above this are cut; Google stops reading at 500 KiB.
ROBOTS_MAX_BYTES = int(_env_number("ROBOTS_MAX_BYTES", 500 * 1024))

# Where newsdesk may connect beyond public unicast addresses (newsdesk/ingest/policy.py):
# host names and CIDR ranges, comma- or space-separated, e.g. "feeds.intranet, 10.20.0.0/16".
# Empty by default: an outlet's link must never make us fetch the LAN, loopback or a cloud
# metadata address (169.254.169.254).
FETCH_ALLOW = tuple(os.environ.get("NEWSDESK_FETCH_ALLOW", "").replace(",", " ").split())

# Content-Encoding layers we undo. One is normal, two is seen from misconfigured servers; more
# has no use and each layer multiplies what a few bytes on the wire can become.
MAX_CONTENT_ENCODING_LAYERS = int(_env_number("MAX_CONTENT_ENCODING_LAYERS", 2))

# How long a worker holds an article page it is fetching before another may take it: the
# host-lease wait, then robots.txt and every redirect hop at the full fetch timeout each.
ARTICLE_CLAIM_SECONDS = _env_number(
    "ARTICLE_CLAIM_SECONDS", HOST_LEASE_WAIT_SECONDS + FETCH_TIMEOUT_SECONDS * (MAX_REDIRECTS + 2)
)

# Bytes decompressed at one step of one layer: memory per step stays this small whatever the
# compression ratio (a gzip bomb inflates ~1000:1; a 64 KiB read would otherwise be 64 MB).
DECOMPRESS_STEP_BYTES = int(_env_number("DECOMPRESS_STEP_BYTES", 64 * 1024))

# --- Polling schedule ---------------------------------------------------------------------

# Default time between two polls of one feed when the feed says nothing (no TTL, no max-age).
POLL_INTERVAL_SECONDS = _env_number("POLL_INTERVAL_SECONDS", 30 * 60)

# Never poll one feed more often than this, whatever Cache-Control or TTL say: politeness.
MIN_POLL_INTERVAL_SECONDS = _env_number("MIN_POLL_INTERVAL_SECONDS", 5 * 60)

# Never wait longer than this between polls (a TTL of a week still gets a daily look).
MAX_POLL_INTERVAL_SECONDS = _env_number("MAX_POLL_INTERVAL_SECONDS", 24 * 3600)

# Exponential backoff on errors: base * 2**(errors-1), capped, with +-25% jitter so feeds that
# failed together (one outlet down) do not come back in lockstep.
BACKOFF_BASE_SECONDS = _env_number("BACKOFF_BASE_SECONDS", 5 * 60)
BACKOFF_MAX_SECONDS = _env_number("BACKOFF_MAX_SECONDS", 24 * 3600)
BACKOFF_JITTER = _env_number("BACKOFF_JITTER", 0.25)

# A Retry-After further away than this is treated as this: a typo or a hostile header must not
# silence a feed for a year.
MAX_RETRY_AFTER_SECONDS = _env_number("MAX_RETRY_AFTER_SECONDS", 7 * 24 * 3600)

# How often the scheduler task wakes to enqueue the feeds that are due.
SCHEDULER_TICK_SECONDS = _env_number("SCHEDULER_TICK_SECONDS", 60.0)

# --- Parsing and extraction -----------------------------------------------------------------

# Items read from one feed response; a feed with thousands of items is an archive, not news.
MAX_ITEMS_PER_FEED = int(_env_number("MAX_ITEMS_PER_FEED", 200))

# Extracted text is cut at this many characters (about 30,000 words), so one giant page
# cannot dominate briefing and tagging work.
MAX_ARTICLE_CHARS = int(_env_number("MAX_ARTICLE_CHARS", 200_000))

# Article pages are fetched only for items this recent; older items keep their feed text.
EXTRACT_MAX_AGE_DAYS = _env_number("EXTRACT_MAX_AGE_DAYS", 7.0)

# --- Stories (newsdesk/core/group.py) -------------------------------------------------------

# A story goes cold when no article joined it for this long; only live stories are searched
# when a new article arrives, which keeps the cost per article flat as the archive grows.
STORY_WINDOW_HOURS = _env_number("STORY_WINDOW_HOURS", 72.0)

# Parsed grouping features a worker keeps besides its copy of the live window
# (stories/live.py), for stories rebuilt after a split or a merge: a few kB each.
LIVE_FEATURES_KEPT = int(_env_number("LIVE_FEATURES_KEPT", 5_000))

# How many times a story's brief is made again when another worker added an article to the
# story while it was being made (stories/refresh.refresh_story). Each retry costs a brief;
# three cover a burst of reports arriving together (tests/stories/test_several_workers.py),
# and whatever is written last, the worker that added the article refreshes the story after.
REFRESH_ATTEMPTS = 3

# Grouping tasks are queued below fetching and extraction (Django tasks' priorities run from
# -100 to 100, default 0): in a burst the workers extract every page first, then group the
# articles oldest first, so the stories do not depend on which page was quickest to fetch.
GROUPING_TASK_PRIORITY = -10

# A story's refresh (brief, tags, counts) after its new articles were placed is a task of its
# own, queued below grouping: a burst of articles on one story is grouped first, and the story
# refreshed once for the lot (at most one refresh waits per story), so other stories' articles
# are not held behind it.
REFRESH_TASK_PRIORITY = -20

# --- Briefs (newsdesk/core/brief.py) --------------------------------------------------------

# Default brief length: at most four sentences, stopping nearest BRIEF_TARGET_WORDS words; the
# length at which bench/brief.py measures the brief against Lead-3 (about 78 words) and the
# neural extractors (60-70 words) on CNN/DM.
BRIEF_SENTENCES = int(_env_number("BRIEF_SENTENCES", 4))
BRIEF_TARGET_WORDS = int(_env_number("BRIEF_TARGET_WORDS", 75))

# A brief sentence that cannot be made self-contained is left out and the sentences chosen
# again without it: this many rounds at most (each is a few milliseconds; after three the
# brief is published with what it has, shorter rather than unreadable).
BRIEF_SELF_CONTAINED_ROUNDS = 3

# A story's brief is chosen from at most this many of its articles (core/brief_pool.py): the
# earliest, the newest, each publisher's newest, then some spread over the story's life. The
# brief compares every sentence of its articles with every other (to find the facts outlets
# confirm and the reports later ones updated), so its cost grows with the square of its
# articles: 20 is more outlets than any story of the demo has, and keeps a big story's brief
# within about three times a 10-article story's (docs/measurements.md).
BRIEF_POOL_ARTICLES = int(_env_number("BRIEF_POOL_ARTICLES", 20))
# Of the pool: the first reports (what a later update superseded, for the timeline) and the
# latest ones (the story's current state, which the brief leads with).
BRIEF_POOL_EARLIEST = int(_env_number("BRIEF_POOL_EARLIEST", 3))
BRIEF_POOL_NEWEST = int(_env_number("BRIEF_POOL_NEWEST", 6))

# The optional LLM brief: a whole request may take this long (local models on CPU are slow;
# the default brief is always there to fall back on), and may answer with this many tokens.
LLM_TIMEOUT_SECONDS = _env_number("LLM_TIMEOUT_SECONDS", 60.0)
LLM_MAX_TOKENS = int(_env_number("LLM_MAX_TOKENS", 600))

# Sentences read per article when briefing; news is lead-heavy, and this caps the work on
# a 20,000-sentence page.
BRIEF_MAX_SENTENCES_PER_ARTICLE = int(_env_number("BRIEF_MAX_SENTENCES_PER_ARTICLE", 60))

# Articles whose sentences a process keeps as the brief read them (a busy story is briefed
# again at each article, mostly from the same texts).
BRIEF_TEXT_CACHE = int(_env_number("BRIEF_TEXT_CACHE", 512))

# --- Tags (newsdesk/core/tag.py) ------------------------------------------------------------

# A story shows at most this many places, organisations and people: more stops being a
# summary of what it is about.
MAX_TAGS_PER_STORY = int(_env_number("MAX_TAGS_PER_STORY", 8))

# And besides them at most this many topics: readers expect one or two ("Interest rates"),
# and more would crowd out the names.
MAX_TOPICS_PER_STORY = int(_env_number("MAX_TOPICS_PER_STORY", 2))

# A story whose longest article has more words than this always gets a topic tag: readers
# expect a substantial story to say in words what it is about, not only whom it names.
TOPIC_FOR_STORIES_OVER_WORDS = int(_env_number("TOPIC_FOR_STORIES_OVER_WORDS", 150))

# The names a story's tags are ranked from: its most mentioned ones, at most this many. Folding
# short names into long ones compares every pair of names, and a story of thousands of articles
# names thousands of people once; a name outside the story's 400 most mentioned is never among
# its tags. Far above what a story of the demo names (a few dozen), so theirs are all kept.
MAX_TAG_CANDIDATES = int(_env_number("MAX_TAG_CANDIDATES", 400))

# Stories whose tag sums a worker keeps in memory between refreshes (the busiest ones), so
# that a refresh need not read them back from the database.
KEPT_TAG_TOTALS = int(_env_number("KEPT_TAG_TOTALS", 16))

# --- Site -------------------------------------------------------------------------------------

# Stories on the front page and per listing page.
STORIES_PER_PAGE = int(_env_number("STORIES_PER_PAGE", 30))

# The front page ranks stories whose newest article is at most this old (then fills up with
# older ones on a quiet day); ranking is in Python over at most FRONT_PAGE_CANDIDATES stories.
FRONT_PAGE_WINDOW_HOURS = _env_number("FRONT_PAGE_WINDOW_HOURS", 48.0)
FRONT_PAGE_CANDIDATES = int(_env_number("FRONT_PAGE_CANDIDATES", 500))

# A story this many hours old needs twice the coverage of a brand-new one to rank beside it.
FRONT_PAGE_HALF_LIFE_HOURS = _env_number("FRONT_PAGE_HALF_LIFE_HOURS", 12.0)

# A story with more than one article whose newest arrived within this many hours is marked
# "developing": readers should expect it to change.
DEVELOPING_HOURS = _env_number("DEVELOPING_HOURS", 6.0)

# Stories in the front page's top list; the rest of the ranked stories go into topic sections.
FRONT_PAGE_TOP = int(_env_number("FRONT_PAGE_TOP", 10))

# Cached page parts live this long at most; they are keyed by the story's update time, so a
# changed story is never served stale, and this only bounds the cache's memory.
PAGE_CACHE_SECONDS = int(_env_number("PAGE_CACHE_SECONDS", 3600))

# Links to the site's own pages (newsdesk/site/links.py) that each web process keeps rather
# than reversing the URL again: a story's discussion shows four or five per comment, on every
# view by a signed-in reader. About 100 bytes each, so 16,384 are under 2 MB.
PAGE_URLS_KEPT = int(_env_number("PAGE_URLS_KEPT", 16384))

# A cached listing (front, tag, outlet pages, feeds) is keyed by the newest story change, so
# news shows at once; what moves with the clock alone (the "Developing" marker, a story ageing
# off the front page's window) may lag this long.
LISTING_CACHE_SECONDS = int(_env_number("LISTING_CACHE_SECONDS", 60))

# How long a shared cache in front of the app (nginx as in deploy/, a CDN) may serve a page to
# readers who are not signed in before asking again (Cache-Control s-maxage). A change to a
# story reaches them at most this late; a page read 1,000 times a second is built about once
# per this many seconds. Signed-in readers' pages are never shared (Cache-Control: private).
SHARED_CACHE_SECONDS = int(_env_number("SHARED_CACHE_SECONDS", 5))
# ... and may keep serving the last copy this long while one request fetches a fresh one.
SHARED_CACHE_STALE_SECONDS = int(_env_number("SHARED_CACHE_STALE_SECONDS", 30))

# Characters of each article's text put in the search index after its title: the opening is
# where news says what happened; whole texts triple the index for little gain.
SEARCH_CHARS_PER_ARTICLE = int(_env_number("SEARCH_CHARS_PER_ARTICLE", 3000))

# Search relevance is divided by (1 + age / this): a story this many hours old needs twice the
# relevance of a brand-new one to rank beside it.
SEARCH_RECENCY_HOURS = _env_number("SEARCH_RECENCY_HOURS", 72.0)

# Results per search page.
SEARCH_RESULTS_PER_PAGE = int(_env_number("SEARCH_RESULTS_PER_PAGE", 20))

# Public parameters (newsdesk/site/params.py): a value outside these is a 400 with a message.
# Page numbers above this are a typo or a crawler's loop, never a reader (10,000 pages of 30).
MAX_PAGE_NUMBER = int(_env_number("MAX_PAGE_NUMBER", 10_000))
# Date filters take years from here to there: news is dated within them, and the calendar's
# ends overflow date arithmetic ("to 9999-12-31" means before 10000-01-01).
FIRST_FILTER_YEAR = int(_env_number("FIRST_FILTER_YEAR", 1900))
LAST_FILTER_YEAR = int(_env_number("LAST_FILTER_YEAR", 2999))

# --- Discussion (newsdesk/discussion/) ---------------------------------------------------------

# A comment is a reply to a news story, not an essay: 5,000 characters (about 800 words) is
# room for a considered argument and caps what one post can cost to store, render and moderate.
DISCUSSION_COMMENT_MAX_CHARS = int(_env_number("DISCUSSION_COMMENT_MAX_CHARS", 5000))

# Comment bodies whose HTML each web process keeps (rendered from their text by markdown and
# nh3): a story page shows the same comments to every reader, so a discussion is rendered
# once, not on every view. At the 5,000-character cap, 4,096 bodies
# are about 20 MB at worst; a typical comment is a few hundred bytes.
DISCUSSION_RENDERED_COMMENTS_KEPT = int(_env_number("DISCUSSION_RENDERED_COMMENTS_KEPT", 4096))

# What a reader may write when flagging a brief sentence or reporting a comment: a pointer for
# an editor, not a second comment thread.
DISCUSSION_NOTE_MAX_CHARS = int(_env_number("DISCUSSION_NOTE_MAX_CHARS", 1000))

# An author may fix a typo for this long after posting. Longer, and replies end up answering
# words that are no longer there; 15 minutes is what most comment systems settle on.
DISCUSSION_EDIT_WINDOW_SECONDS = _env_number("DISCUSSION_EDIT_WINDOW_SECONDS", 15 * 60.0)

# Replies nest at most this deep. Deeper threads are unreadable on a phone, and every level is
# one more recursion when the thread is rendered.
DISCUSSION_MAX_THREAD_DEPTH = int(_env_number("DISCUSSION_MAX_THREAD_DEPTH", 8))

# Posting rate limits count comments in a sliding window of this length.
DISCUSSION_RATE_WINDOW_SECONDS = _env_number("DISCUSSION_RATE_WINDOW_SECONDS", 10 * 60.0)

# Comments (replies included) one account may post per window. A person in a lively
# discussion writes a few; a script writes dozens.
DISCUSSION_COMMENTS_PER_USER = int(_env_number("DISCUSSION_COMMENTS_PER_USER", 5))

# Comments from one address (an IPv6 /64 counts as one) per window, whatever the account: stops
# one machine posting through many fresh accounts. Higher than the per-account limit because
# a household, office or mobile carrier shares one address.
DISCUSSION_COMMENTS_PER_IP = int(_env_number("DISCUSSION_COMMENTS_PER_IP", 15))

# A new account's comments wait for a moderator until this many of its comments have been
# published. Throwaway spam accounts never get that far; a real reader waits only at first.
DISCUSSION_NEW_ACCOUNT_HELD_COMMENTS = int(_env_number("DISCUSSION_NEW_ACCOUNT_HELD_COMMENTS", 2))

# A comment with more links than this waits for a moderator: link spam is the commonest spam,
# and a genuine comment rarely needs more than a couple of sources.
DISCUSSION_MAX_LINKS = int(_env_number("DISCUSSION_MAX_LINKS", 3))

# The same text (ignoring case and spacing) posted again by one account within this window is
# held: copy-paste flooding across stories is a spam pattern, a real reader rarely repeats.
DISCUSSION_DUPLICATE_WINDOW_SECONDS = _env_number(
    "DISCUSSION_DUPLICATE_WINDOW_SECONDS", 24 * 3600.0
)

# A published comment reported by this many different readers is held until a moderator looks:
# abuse comes down fast at night, while one reader alone cannot hide a comment they dislike.
DISCUSSION_REPORTS_TO_HOLD = int(_env_number("DISCUSSION_REPORTS_TO_HOLD", 3))

# Reports of comments one account may file per hour: enough to flag a spam wave, too few to
# bury the moderators' queue.
DISCUSSION_REPORTS_PER_USER_PER_HOUR = int(_env_number("DISCUSSION_REPORTS_PER_USER_PER_HOUR", 20))

# "Report inaccuracy" on a brief sentence is open to readers without an account, so it is
# limited per address: ten an hour covers a careful reader going through several stories.
DISCUSSION_SENTENCE_FLAGS_PER_IP_PER_HOUR = int(
    _env_number("DISCUSSION_SENTENCE_FLAGS_PER_IP_PER_HOUR", 10)
)

# New accounts from one address per day: a family signs up a few, a spammer wants hundreds.
DISCUSSION_SIGNUPS_PER_IP_PER_DAY = int(_env_number("DISCUSSION_SIGNUPS_PER_IP_PER_DAY", 5))

# Shortest password a reader may choose (Django's validators also refuse common, all-digit and
# username-like ones). With the login throttle allowing a handful of guesses an hour, ten
# characters is far beyond guessing, and short enough that nobody gives up signing up.
DISCUSSION_PASSWORD_MIN_LENGTH = int(_env_number("DISCUSSION_PASSWORD_MIN_LENGTH", 10))

# Login throttling. Failed logins are counted per account and per address over a window;
# past the free failures every further attempt must wait base * 2**(extra failures), capped.
# The wait always ends (at most the cap after the last failure, and failures older than the
# window are forgotten), so an attacker can slow a real user down but never lock them out.
# OWASP's guidance: throttle, do not lock accounts permanently.
DISCUSSION_LOGIN_FAILURE_WINDOW_SECONDS = _env_number(
    "DISCUSSION_LOGIN_FAILURE_WINDOW_SECONDS", 3600.0
)
# Five wrong passwords is a forgotten password; more is guessing.
DISCUSSION_LOGIN_FREE_FAILURES_PER_ACCOUNT = int(
    _env_number("DISCUSSION_LOGIN_FREE_FAILURES_PER_ACCOUNT", 5)
)
# Higher per address, because many readers can share one (an office, a mobile carrier's NAT).
DISCUSSION_LOGIN_FREE_FAILURES_PER_IP = int(
    _env_number("DISCUSSION_LOGIN_FREE_FAILURES_PER_IP", 20)
)
# 30 s, 60 s, 2 min, ... up to 15 min: guessing slows to a few tries an hour per account.
DISCUSSION_LOGIN_DELAY_BASE_SECONDS = _env_number("DISCUSSION_LOGIN_DELAY_BASE_SECONDS", 30.0)
DISCUSSION_LOGIN_DELAY_MAX_SECONDS = _env_number("DISCUSSION_LOGIN_DELAY_MAX_SECONDS", 15 * 60.0)
# Top-level threads on one page of a story's comments (with all their replies): a story with
# thousands of comments still renders in milliseconds for a signed-in reader.
DISCUSSION_THREADS_PER_PAGE = int(_env_number("DISCUSSION_THREADS_PER_PAGE", 50))
# Readers' addresses (on comments, sentence reports, sign-ups, failed logins) are kept this
# long, then forgotten: every limit that counts them looks back a day at most, and a moderator
# tracing a wave of abuse has two weeks to do it. Less data held is less data to leak.
DISCUSSION_KEEP_ADDRESSES_DAYS = _env_number("DISCUSSION_KEEP_ADDRESSES_DAYS", 14.0)

# Reverse proxies in front of newsdesk that append to X-Forwarded-For. 0 (the default) trusts
# none and uses the socket's address; behind one nginx set 1, or every reader shares the
# proxy's address and its rate limits. Never set it higher than the real number of proxies:
# the client writes the entries beyond them and could pick any address it likes.
DISCUSSION_TRUSTED_PROXIES = int(_env_number("DISCUSSION_TRUSTED_PROXIES", 0))

# A moderator's view of one reader shows this many of their latest comments to act on at once.
DISCUSSION_MODERATION_RECENT_COMMENTS = int(
    _env_number("DISCUSSION_MODERATION_RECENT_COMMENTS", 50)
)
