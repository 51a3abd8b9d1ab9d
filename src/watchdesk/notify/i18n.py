"""The words of the emails, in French (default) and English, and date formatting.

Dates are formatted with Babel's CLDR data, not the OS locale (a server rarely has fr_FR
generated, and ``setlocale`` is process-wide): « jeu. 26 nov. », "Thu 26 Nov".
"""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime

LANGS = ("fr", "en")

STRINGS: dict[str, dict[str, str]] = {
    "fr": {
        "article": "article", "articles": "articles",
        "rule": "règle", "rules": "règles",
        "for": "pour",
        "digest_heading": "Veille du {date}",
        "alert_heading": "Alerte",
        "alert_subject": "ALERTE",
        "nothing_subject": "rien de nouveau",
        "nothing": "Aucun article n’a correspondu aux règles {since}.",
        "since_first": "pour l’instant",
        "since": "depuis le {date}",
        "window": "Articles repérés du {start} au {end}.",
        "window_first": "Articles repérés jusqu’au {end}.",
        "urgent": "URGENT",
        "also_in": "aussi dans",
        "shown_under": "déjà présenté sous « {rule} »",
        "more": "… et {n} autres, non affichés.",
        "untitled": "(sans titre)",
        "no_link": "pas de lien",
        "backfill": "article plus ancien, trouvé par une règle nouvelle ou modifiée",
        "terms": "termes",
        "health_heading": "Sources en difficulté",
        "health_disabled": "désactivée dans feeds.yaml",
        "health_stopped": "arrêtée : {detail}",
        "health_failing": "aucune récupération réussie depuis le {since}",
        "health_never": "jamais récupérée avec succès",
        "rules_help": ("Les règles de veille sont des fichiers du dossier « {dir} » sur le "
                       "serveur watchdesk : pour en ajouter, en modifier ou changer les "
                       "destinataires, adressez-vous à la personne qui l’administre."),
        "footer": "Message envoyé automatiquement par watchdesk.",
        "rule_id": "règle",
    },
    "en": {
        "article": "article", "articles": "articles",
        "rule": "rule", "rules": "rules",
        "for": "for",
        "digest_heading": "Digest for {date}",
        "alert_heading": "Alert",
        "alert_subject": "ALERT",
        "nothing_subject": "nothing new",
        "nothing": "No article matched the rules {since}.",
        "since_first": "so far",
        "since": "since {date}",
        "window": "Articles found from {start} to {end}.",
        "window_first": "Articles found until {end}.",
        "urgent": "URGENT",
        "also_in": "also in",
        "shown_under": "shown above under “{rule}”",
        "more": "… and {n} more, not shown.",
        "untitled": "(untitled)",
        "no_link": "no link",
        "backfill": "older article, found by a new or changed rule",
        "terms": "terms",
        "health_heading": "Feeds with problems",
        "health_disabled": "disabled in feeds.yaml",
        "health_stopped": "stopped: {detail}",
        "health_failing": "no successful fetch since {since}",
        "health_never": "never fetched successfully",
        "rules_help": ("The watch rules are files in the “{dir}” folder on the watchdesk "
                       "server: to add or change one, or its recipients, ask whoever "
                       "runs it."),
        "footer": "Sent automatically by watchdesk.",
        "rule_id": "rule",
    },
}


class Lang:
    """Strings and formatters for one language, handed to the templates as ``t``."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in STRINGS else "fr"
        self.s = STRINGS[self.lang]

    def __call__(self, key: str, **kw: object) -> str:
        return self.s[key].format(**kw) if kw else self.s[key]

    def count(self, n: int, one: str, many: str) -> str:
        """``"1 article"``, ``"12 articles"`` (French: 0 and 1 are singular)."""
        singular = n < 2 if self.lang == "fr" else n == 1
        return f"{n} {self.s[one] if singular else self.s[many]}"

    def day(self, dt: datetime) -> str:
        """« jeu. 26 nov. » / "Thu 26 Nov"."""
        return format_datetime(dt, "EEE d MMM", tzinfo=dt.tzinfo, locale=self.lang)

    def long_day(self, dt: datetime) -> str:
        """« jeudi 26 novembre 2026 »."""
        return format_datetime(dt, "EEEE d MMMM y", tzinfo=dt.tzinfo, locale=self.lang)

    def moment(self, dt: datetime) -> str:
        """« jeu. 26 nov. 07:05 »."""
        return format_datetime(dt, "EEE d MMM HH:mm", tzinfo=dt.tzinfo, locale=self.lang)

    def when(self, dt: datetime | None, ref: datetime) -> str:
        """Time only when on the same day as ``ref``, else day and time."""
        if dt is None:
            return ""
        if dt.date() == ref.date():
            return dt.strftime("%H:%M")
        return self.moment(dt)
