"""The words of the web pages, French and English, on top of the digest's (``notify.i18n``:
its dates, counts and words are the same on both)."""

from __future__ import annotations

from ..notify.i18n import STRINGS, Lang

WEB: dict[str, dict[str, str]] = {
    "fr": {
        "nav_events": "Sujets", "nav_search": "Recherche", "nav_rules": "Règles",
        "nav_feeds": "Sources", "signed_in": "connecté·e : {who}",
        "home_heading": "Les dernières 24 heures",
        "home_latest": "Rien depuis 24 heures : les derniers sujets repérés.",
        "home_empty": "Aucun article n’a encore correspondu aux règles.",
        "event_heading": "Sujet", "reports": "Les {n} reportages", "report_one": "Le reportage",
        "timeline": "Chronologie", "first_report": "premier reportage",
        "matched": "règles", "lang": "langue", "open_article": "l’article stocké",
        "article_heading": "Article", "author": "auteur", "published": "publié",
        "fetched": "récupéré",
        "extraction": "texte", "also_in": "aussi dans", "why": "Pourquoi",
        "found": "termes trouvés", "missing": "absents", "excluded_by": "exclu par",
        "not_running": "cette règle ne tourne plus", "body": "Texte extrait",
        "verdict": "Votre avis", "relevant": "pertinent", "off_topic": "hors sujet",
        "verdicts": "Avis", "no_verdict": "aucun avis", "saved_verdict": "Avis enregistré.",
        "search_heading": "Rechercher dans les articles stockés",
        "query": "Requête (langage des règles)", "since": "depuis", "go": "Chercher",
        "results": "{n} résultat(s)", "results_about": "environ {n} résultat(s)",
        "more_results": "Suivants", "prev_results": "Précédents",
        "no_result": "Aucun article ne correspond.",
        "rules_heading": "Les règles en service", "count_14": "14 jours",
        "priority": "priorité", "file": "fichier", "running": "appliquée par le démon",
        "pending": "pas encore appliquée par le démon", "edit": "modifier", "view": "voir",
        "from_db": ("Dossier des règles introuvable : règles lues dans la base (celles que le "
                    "démon applique), non modifiables ici."),
        "test_heading": "Tester une règle", "test": "Tester", "draft": "Brouillon",
        "as_rule": "en remplacement de la règle", "none": "aucune",
        "matches_n": "{n} article(s) correspondent parmi {total}",
        "gained": "gagnés", "lost": "perdus", "kept": "conservés",
        "versus_running": "par rapport à la version en service",
        "score": ("garde {kept} des {relevant} jugés pertinents, retient encore {still} des "
                  "{off} jugés hors sujet"),
        "score_none": "aucun avis pour l’instant",
        "lost_relevant": "jugés pertinents, perdus", "wrong_kept": "jugés hors sujet, retenus",
        "edit_heading": "Modifier {name}", "new_file": "nouveau fichier",
        "check": "Vérifier et tester", "save": "Enregistrer",
        "read_only": "Lecture seule : seul·e un·e éditeur·rice peut enregistrer.",
        "check_ok": "Le dossier se charge sans erreur avec ce brouillon.",
        "check_errors": "{n} erreur(s) : rien n’est enregistré tant qu’il en reste.",
        "others_errors": "Autres fichiers du dossier en erreur :",
        "saved": "Enregistré. Le démon l’applique dans les secondes qui suivent.",
        "conflict": ("Quelqu’un a enregistré ce fichier depuis que vous l’avez ouvert : rien "
                     "n’est écrasé. Votre brouillon est ci-dessous ; la version actuelle et "
                     "l’écart sont affichés. Reprenez vos changements puis enregistrez."),
        "current_version": "Version actuelle", "history": "Historique",
        "restore": "Restaurer la version d’avant", "by": "par",
        "restore_removes": "Restaurer l’avant : le fichier n’existait pas, le supprimer",
        "removed": ("Supprimé : le fichier n’existait pas avant cet enregistrement. Le démon "
                    "l’applique dans les secondes qui suivent ; l’historique le garde."),
        "add_examples": "Ajouter les avis comme exemples",
        "feeds_heading": "État des sources", "last_poll": "dernière lecture",
        "status": "état", "errors": "erreurs", "next_poll": "prochaine", "why_next": "pourquoi",
        "never": "jamais", "ago": "il y a {age}", "in": "dans {age}", "now": "maintenant",
        "not_found": "Introuvable.", "error": "Erreur",
    },
    "en": {
        "nav_events": "Stories", "nav_search": "Search", "nav_rules": "Rules",
        "nav_feeds": "Feeds", "signed_in": "signed in: {who}",
        "home_heading": "The last 24 hours",
        "home_latest": "Nothing in the last 24 hours: the latest stories found.",
        "home_empty": "No article has matched the rules yet.",
        "event_heading": "Story", "reports": "The {n} reports", "report_one": "The report",
        "timeline": "Timeline", "first_report": "first report",
        "matched": "rules", "lang": "language", "open_article": "stored article",
        "article_heading": "Article", "author": "author", "published": "published",
        "fetched": "fetched",
        "extraction": "text", "also_in": "also in", "why": "Why",
        "found": "terms found", "missing": "missing", "excluded_by": "excluded by",
        "not_running": "this rule no longer runs", "body": "Extracted text",
        "verdict": "Your verdict", "relevant": "relevant", "off_topic": "off-topic",
        "verdicts": "Verdicts", "no_verdict": "no verdict", "saved_verdict": "Verdict saved.",
        "search_heading": "Search the stored articles",
        "query": "Query (the rule language)", "since": "since", "go": "Search",
        "results": "{n} result(s)", "results_about": "about {n} result(s)",
        "more_results": "Next", "prev_results": "Previous",
        "no_result": "No article matches.",
        "rules_heading": "The rules in service", "count_14": "14 days",
        "priority": "priority", "file": "file", "running": "applied by the daemon",
        "pending": "not yet applied by the daemon", "edit": "edit", "view": "view",
        "from_db": ("Rules folder not found: rules read from the database (those the daemon "
                    "runs), not editable here."),
        "test_heading": "Test a rule", "test": "Test", "draft": "Draft",
        "as_rule": "in place of the rule", "none": "none",
        "matches_n": "{n} article(s) match among {total}",
        "gained": "gained", "lost": "lost", "kept": "kept",
        "versus_running": "against the version in service",
        "score": ("keeps {kept} of {relevant} judged relevant, still matches {still} of {off} "
                  "judged off-topic"),
        "score_none": "no verdict yet",
        "lost_relevant": "judged relevant, lost", "wrong_kept": "judged off-topic, kept",
        "edit_heading": "Edit {name}", "new_file": "new file",
        "check": "Check and test", "save": "Save",
        "read_only": "Read-only: only an editor may save.",
        "check_ok": "The folder loads without error with this draft.",
        "check_errors": "{n} error(s): nothing is saved while any is left.",
        "others_errors": "Other files of the folder with errors:",
        "saved": "Saved. The daemon applies it within seconds.",
        "conflict": ("Someone saved this file since you opened it: nothing was overwritten. "
                     "Your draft is below; the current version and the difference are shown. "
                     "Redo your changes on it, then save."),
        "current_version": "Current version", "history": "History",
        "restore": "Restore the version before", "by": "by",
        "restore_removes": "Restore the version before: there was no file, remove it",
        "removed": ("Removed: the file did not exist before that save. The daemon applies "
                    "it within seconds; the history keeps it."),
        "add_examples": "Add the verdicts as examples",
        "feeds_heading": "Feed health", "last_poll": "last poll",
        "status": "status", "errors": "errors", "next_poll": "next", "why_next": "why",
        "never": "never", "ago": "{age} ago", "in": "in {age}", "now": "now",
        "not_found": "Not found.", "error": "Error",
    },
}


class WebLang(Lang):
    """The digest's ``Lang`` with the pages' words too."""

    def __init__(self, lang: str) -> None:
        super().__init__(lang)
        self.s = {**STRINGS[self.lang], **WEB[self.lang]}

