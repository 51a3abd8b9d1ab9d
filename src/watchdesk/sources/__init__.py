"""Where articles come from: ``fetch`` (every network request, bounded and guarded), the
reader of each kind of source (``kinds``: ``parse`` and ``jsonfeed`` for feeds, ``sitemap``,
``listing`` for HTML pages of headlines, ``telegram``), the pages a source points to
(``read``), and, for ``watchdesk feeds``, ``discover`` (a site's address to its feed) and
``opml`` (other readers' subscription lists)."""

from .read import Known, ReadPage, follow

KINDS = ("feed", "sitemap", "html", "telegram")          # see ``kinds``
SELECT_KEYS = ("item", "link", "title", "date", "summary")  # `select:` of kind html

__all__ = ["KINDS", "SELECT_KEYS", "Known", "ReadPage", "follow"]
