"""The words of the emails, in French (default) and English, and date formatting.

Dates are formatted with Babel's CLDR data, not the OS locale (a server rarely has fr_FR
generated, and ``setlocale`` is process-wide): « jeu. 26 nov. », "Thu 26 Nov".
"""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime
from babel.numbers import format_decimal

LANGS = ("fr", "en")

STRINGS: dict[str, dict[str, str]] = {
    "fr": {
        "article": "article", "articles": "articles",
        "event": "sujet", "events": "sujets",
        "rule": "règle", "rules": "règles",
        "source": "source", "sources": "sources",
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
        "more_one": "… et 1 autre, non affiché.",
        "more_many": "… et {n} autres, non affichés.",
        "colon": " : ",
        "breaking": "Ça monte : {n} sources en {minutes} min",
        "matched_rules": "règles",
        "week_heading": "Les 14 derniers jours",
        "week_help": ("Articles retenus par règle, par période de 24 heures jusqu’au {end} ; "
                      "la dernière barre est celle de ce message."),
        "week_none": "rien en 14 jours",
        "week_today": "{today} sur les dernières 24 h, pour {avg} par jour en moyenne",
        "week_far": "{ratio} fois plus que d’habitude",
        "week_new": "rien les 13 jours d’avant",
        "week_above": "plus que d’habitude",
        "week_usual": "comme d’habitude",
        "week_below": "moins que d’habitude",
        "week_days": "par jour",
        "untitled": "(sans titre)",
        "no_link": "pas de lien",
        "backfill": "article plus ancien, trouvé par une règle nouvelle ou modifiée",
        "terms": "termes",
        "health_heading": "Sources en difficulté",
        "health_disabled": "désactivée dans feeds.yaml",
        "health_stopped": "arrêtée : {detail}",
        "health_failing": "aucune récupération réussie depuis le {since}",
        "health_never": "jamais récupérée avec succès",
        "rules_help": ("Les règles de veille sont tenues sur le serveur watchdesk : pour en "
                       "ajouter, en modifier une ou changer ses destinataires, adressez-vous à "
                       "la personne qui l’administre (les identifiants de règle ci-dessus "
                       "lui disent de laquelle il s’agit)."),
        "footer": "Message envoyé automatiquement par watchdesk.",
        "rule_id": "règle",
        "event_page": "tous les reportages",
        "rules_web": ("Les règles de veille se testent et se modifient sur {url} (modifier "
                      "demande le rôle d’éditeur ; sinon, adressez-vous à la personne qui "
                      "administre watchdesk)."),
    },
    "en": {
        "article": "article", "articles": "articles",
        "event": "story", "events": "stories",
        "rule": "rule", "rules": "rules",
        "source": "source", "sources": "sources",
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
        "more_one": "… and 1 more, not shown.",
        "more_many": "… and {n} more, not shown.",
        "colon": ": ",
        "breaking": "Breaking: {n} sources in {minutes} min",
        "matched_rules": "rules",
        "week_heading": "The last 14 days",
        "week_help": ("Articles found per rule, per 24-hour period up to {end}; the last bar "
                      "is this message's."),
        "week_none": "nothing in 14 days",
        "week_today": "{today} in the last 24 h, against an average of {avg} a day",
        "week_far": "{ratio} times the usual",
        "week_new": "nothing in the 13 days before",
        "week_above": "more than usual",
        "week_usual": "as usual",
        "week_below": "less than usual",
        "week_days": "a day",
        "untitled": "(untitled)",
        "no_link": "no link",
        "backfill": "older article, found by a new or changed rule",
        "terms": "terms",
        "health_heading": "Feeds with problems",
        "health_disabled": "disabled in feeds.yaml",
        "health_stopped": "stopped: {detail}",
        "health_failing": "no successful fetch since {since}",
        "health_never": "never fetched successfully",
        "rules_help": ("The watch rules are kept on the watchdesk server: to add or change "
                       "one, or its recipients, ask whoever runs it (the rule ids above tell "
                       "them which one)."),
        "footer": "Sent automatically by watchdesk.",
        "rule_id": "rule",
        "event_page": "all reports",
        "rules_web": ("The watch rules can be tested and changed at {url} (changing one takes "
                      "the editor role; otherwise, ask whoever runs watchdesk)."),
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

    def more(self, n: int) -> str:
        """« … et 1 autre, non affiché. », « … et 3 autres, non affichés. »"""
        return self("more_one") if n == 1 else self("more_many", n=n)

    def number(self, x: float, digits: int = 1) -> str:
        """« 2,5 » / "2.5"; whole numbers without decimals."""
        x = round(x, digits)
        return format_decimal(x, format="#,##0" + ("." + "#" * digits if digits else ""),
                              locale=self.lang)

    def day(self, dt: datetime, ref: datetime | None = None) -> str:
        """« jeu. 26 nov. » / "Thu 26 Nov" (with the year when not ``ref``'s)."""
        pattern = "EEE d MMM" if ref is None or dt.year == ref.year else "EEE d MMM y"
        return format_datetime(dt, pattern, tzinfo=dt.tzinfo, locale=self.lang)

    def short_day(self, dt: datetime) -> str:
        """« 26 » under a bar of the week at a glance; « 1/12 » on the first of a month."""
        return f"{dt.day}/{dt.month}" if dt.day == 1 else str(dt.day)

    def long_day(self, dt: datetime) -> str:
        """« jeudi 26 novembre 2026 »."""
        return format_datetime(dt, "EEEE d MMMM y", tzinfo=dt.tzinfo, locale=self.lang)

    def moment(self, dt: datetime, ref: datetime | None = None) -> str:
        """« jeu. 26 nov. 07:05 »; « mar. 22 août 2023 10:00 » when ``ref`` is of another
        year."""
        pattern = ("EEE d MMM HH:mm" if ref is None or dt.year == ref.year
                   else "EEE d MMM y HH:mm")
        return format_datetime(dt, pattern, tzinfo=dt.tzinfo, locale=self.lang)

    def when(self, dt: datetime | None, ref: datetime) -> str:
        """Time only when on the same day as ``ref``, else day and time (and the year when
        it is not ``ref``'s)."""
        if dt is None:
            return ""
        if dt.date() == ref.date():
            return dt.strftime("%H:%M")
        return self.moment(dt, ref)
