"""newsdesk: a self-hosted news desk. Feeds in, grouped stories with faithful briefs out."""

__version__ = "0.1.0"
