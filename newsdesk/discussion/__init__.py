"""Readers' side of newsdesk: accounts, threaded comments, moderation, brief inaccuracy flags.

Built on Django's auth, forms, messages, CSRF protection and admin. The pieces:

- ``models``: comments, reports, sentence flags, mutes, story settings, the moderation log.
- ``markup``: the comment text format (a Markdown subset) rendered and sanitised with nh3.
- ``rules``: who may do what, and which comments wait for a moderator (spam and rate limits).
- ``throttle``: client addresses and the login throttle.
- ``views`` (readers), ``moderation`` (moderators and editors), ``accounts`` (sign-up, login).
"""
