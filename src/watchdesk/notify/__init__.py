"""Telling people: the daily digest, urgent alerts, and the outbox that delivers them once.

Modules, in the order the work flows:

- ``schedule``  when a digest is due (digest_time in the time zone, DST-correct)
- ``digest``    pure composition: match rows -> ``Digest`` (each event once, its sources and
                rules, caps)
- ``clean``     feed text made safe to show: one-line bounded text, links, highlights, RTL
- ``glance``    the week at a glance: matches per rule and day, today against the average
- ``i18n``      French/English words and dates (Babel, not the OS locale)
- ``render``    ``Digest`` -> subject, text and HTML (Jinja2 templates, CSS inlined)
- ``outbox``    the service the daemon calls: queue_digest, queue_alerts, deliver, notify_tick
- ``mail``      SMTP (MIME message from an outbox row; operator-friendly errors)
- ``webhook``   JSON POST for Slack/Mattermost
- ``chat``      chat and push messages through Apprise (one target each; URLs never leave it)

What leaves as files, for analysts (read-only, pure rendering):

- ``export``    matched articles as CSV (BOM, formulas neutralised) or JSON Lines
- ``atom``      an Atom feed per rule and of the urgent alerts (``rule_feed``, ``feeds-out``)

Storage lives in ``watchdesk.store.outbox`` and ``watchdesk.store.exports``. See
docs/digest.md.
"""
