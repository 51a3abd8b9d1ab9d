"""The language of an article: normalising language tags, and a cheap detector.

An article's language is, in this order: what the page declares (``<html lang>``, from
extraction), what the feed declares (``<language>``), else :func:`detect`. Tags are
normalised to lower case with hyphens (``fr_FR`` → ``fr-fr``); ``lang:fr`` in a query matches
``fr`` and ``fr-*``.

:func:`detect` reads the script of the letters, then, for Latin script, counts frequent
function words. It knows the desk's languages (French, English, Arabic, Russian) and a few
neighbours that would otherwise be mistaken for them (Spanish, Portuguese, Italian, German,
Persian, Urdu, Ukrainian); it answers ``None`` when the text is too short or the evidence
too thin, rather than guess. Why not a statistical detector: see docs/design.md ("Article
language").
"""

from __future__ import annotations

import re

__all__ = ["article_language", "detect", "lang_matches", "normalize_lang", "primary"]

_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
SAMPLE = 3000  # characters read from the start of the text
MIN_LETTERS = 20

_STOPWORDS = {
    "fr": "le la les des du une est et dans pour sur qui que pas par au aux avec ce cette ses "
          "sont été il elle ont mais leur selon après aussi comme entre",
    "en": "the of and to in is was for on that with by as at from are has have it its were "
          "this be which said after but not or their will been who",
    "es": "el los las del una es y en para por con que se su al lo como más pero sus fue ha "
          "según entre este esta",
    "pt": "o os as da do das dos um uma é e em para com que não se por ao na no mais foi "
          "pelo pela entre",
    "it": "il lo gli della del delle una è e in per con che non si da al nel sono alla "
          "anche più dopo",
    "de": "der die das und ist in den von zu mit sich des auf für nicht ein eine dem im "
          "auch es an als nach wird bei",
}
_INDEX: dict[str, list[str]] = {}
for _lang, _words in _STOPWORDS.items():
    for _w in set(_words.split()):
        _INDEX.setdefault(_w, []).append(_lang)
# letters of each script (regex counts run in C: a few microseconds for a sample)
_ARABIC = re.compile("[\u0620-\u064a\u066e-\u06d3\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]+")
_CYRILLIC = re.compile("[\u0400-\u0481\u048a-\u052f]+")
_LATIN = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+")
_PERSIAN = re.compile("[پچژگکی]")
_URDU = re.compile("[ٹڈڑںےھ]")
_UKRAINIAN = re.compile("[іїєґІЇЄҐ]")


def normalize_lang(tag: str | None) -> str | None:
    """``fr_FR`` → ``fr-fr``; None for an empty or malformed tag."""
    if not tag:
        return None
    tag = tag.strip()
    if not _TAG.fullmatch(tag):
        return None
    return tag.lower().replace("_", "-")


def primary(tag: str | None) -> str | None:
    """The primary subtag: ``fr-fr`` → ``fr``."""
    return tag.split("-", 1)[0] if tag else None


def lang_matches(tag: str | None, wanted: str) -> bool:
    """``lang:wanted`` against an article's (normalised) tag: equal, or ``wanted-…``."""
    return tag is not None and (tag == wanted or tag.startswith(wanted + "-"))


def article_language(page: str | None, feed: str | None, *texts: str) -> str | None:
    """The page's declared language, else the feed's, else the one detected in ``texts``."""
    return normalize_lang(page) or normalize_lang(feed) or detect(
        " ".join(t[:SAMPLE] for t in texts if t))


def detect(text: str) -> str | None:
    """The language of ``text`` (an ISO 639-1 code), or None when unsure."""
    sample = text[:SAMPLE]
    latin_words = _LATIN.findall(sample)
    arabic = sum(map(len, _ARABIC.findall(sample)))
    cyrillic = sum(map(len, _CYRILLIC.findall(sample)))
    latin = sum(map(len, latin_words))
    total = arabic + cyrillic + latin
    if total < MIN_LETTERS:
        return None
    if arabic * 2 > total:
        if len(_URDU.findall(sample)) >= 3:
            return "ur"
        return "fa" if len(_PERSIAN.findall(sample)) >= 3 else "ar"
    if cyrillic * 2 > total:
        return "uk" if len(_UKRAINIAN.findall(sample)) >= 3 else "ru"
    if latin * 2 <= total:
        return None
    counts = dict.fromkeys(_STOPWORDS, 0)
    index = _INDEX
    for w in latin_words:
        for lang in index.get(w.lower(), ()):
            counts[lang] += 1
    ranked = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)
    (best, n), (_, second) = ranked[0], ranked[1]
    if n < 3 or n < second * 1.5:
        return None
    return best
