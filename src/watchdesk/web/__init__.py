"""The desk's web pages: each event with all its reports, search, rule testing and
editing, and the analysts' verdicts (``watchdesk web``, or inside ``watchdesk run`` when
``WATCHDESK_WEB_LISTEN`` is set).

Modules, from the socket inwards:

- ``serve``      uvicorn on a socket bound here; no listening beyond loopback without auth
- ``guard``      the gate of every request: Host check, who is asking, security headers
                 (CSP without script, frame-ancestors 'none', nosniff); CSRF tokens
- ``access``     who: a users file (argon2), a trusted proxy header, or the local user
- ``app``        the routes (Starlette), thin handlers of the reading pages and verdicts
- ``editor``     the handlers of rule editing (check, test, save, restore, examples)
- ``base``       what handlers share: the rules as the pages see them, the database per
                 request, rendering, checked forms
- ``pages``      what each page shows, from the library the CLI and the digest use
- ``rulefiles``  editing a rule file: check with the folder, atomic save, history, conflicts
- ``i18n``       French and English words, on top of the digest's

Templates in ``templates/`` (Jinja2, autoescaped: feed text is always text), one local
stylesheet in ``static/``; nothing is loaded from another host. See docs/ops.md, "The web
pages".
"""

from __future__ import annotations

from .app import create_app
from .serve import DEFAULT_LISTEN, Listen, WebServer, check_listen, parse_listen, serve

__all__ = ["DEFAULT_LISTEN", "Listen", "WebServer", "check_listen", "create_app",
           "parse_listen", "serve"]
