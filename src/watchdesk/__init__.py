"""watchdesk: a news monitoring daemon.

Polls RSS/Atom feeds, extracts the full text of new articles, tags those that match the
analysts' watch rules, stores everything in SQLite and sends a daily digest (plus prompt alerts
for urgent rules).
"""

__version__ = "0.1.0"
