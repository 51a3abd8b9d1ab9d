"""Consent walls and paywalls: a page that answered with an interstitial instead of the article.

A consent platform's interstitial (« Nous et nos 842 partenaires utilisons des cookies… ») or
a paywall's teaser (« Cet article est réservé aux abonnés ») extracted as the article is
worse than no page at all: the same text stored for every article of a site makes them
look alike (event grouping put a Libyan oil article into a Mali/Wagner story) and makes
`search cookies` find them all. Pure functions, no I/O; ``page`` calls them, the pipeline
acts on what they say (falls back to the feed's text, ``articles.wall`` records why).

Three kinds of evidence, from the cheapest to the most general:

1. **markup** (``markup``), on the raw page before its scripts are removed: the ids,
   classes and script hosts of the common consent platforms (``PLATFORMS``: OneTrust,
   Didomi, Quantcast/InMobi Choice, Sourcepoint, Cookiebot, Usercentrics, TrustArc, Google
   Funding Choices), and a paywall's (schema.org ``isAccessibleForFree: false``, the text
   of a container named ``paywall``). Markup alone is *not* a wall:
   news sites load a consent platform over their full article, and that article must still
   be read (``prune`` removes the banner from the tree so that its text does not reach the
   body);
2. **wording** (``judge``), on the text trafilatura extracted and on the text of the
   paywall containers: the consent and paywall phrases of French, English, Arabic, Russian
   and German. A consent wall is a text that has a consent phrase and is *dense* in the
   vocabulary of consent (cookies, partners, consent, personalised ads, accept, refuse,
   device, data…: ``CONSENT_DENSITY`` of its words; a banner over a 500-word article is
   ~1 %, an interstitial 10-20 %), or a page with consent markup and almost no text. A
   paywall is a paywall phrase with a teaser of at most ``TEASER_WORDS`` words besides;
3. **repetition** (``body_key``): the same body on two URLs of one site is the site's, not
   an article's. That needs what was seen before, so the pipeline decides it with the
   store's table of body keys per site (``page_bodies``); it is the safety net for a wall
   whose markup and wording are not known here, and it catches one only from its second
   URL on (the first is then demoted too, see ``store.walls``). Only a text that does not
   tell its entry's title counts (``repeatable``): a wall's text is the same whatever the
   headline, while an article that a site serves under two addresses (moved, republished,
   another port or query string) carries the words of its own title, and is kept.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

# -- markup -----------------------------------------------------------------------------------

# ids, classes and script hosts of each consent platform, as the raw page carries them
# (lower case; looked for with str.find: a regular expression over a 3 MB page took 1.6 s)
PLATFORMS: dict[str, tuple[str, ...]] = {
    "OneTrust": ("onetrust-banner-sdk", "onetrust-consent-sdk", "onetrust-pc-sdk",
                 "optanon-alert-box", "cdn.cookielaw.org", "otsdkstub"),
    "Didomi": ("didomi-host", "didomi-popup", "didomi-notice", "sdk.privacy-center.org",
               "didomiconfig"),
    "Quantcast/InMobi Choice": ("qc-cmp2-container", "qc-cmp2-ui", "quantcast.mgr.consensu.org",
                                "cmp.inmobi.com", "cmp.quantcast.com"),
    "Sourcepoint": ("sp_message_container_", "sp_message_iframe_", "cdn.privacy-mgmt.com",
                    "sourcepoint.mgr.consensu.org"),
    "Cookiebot": ("cybotcookiebotdialog", "consent.cookiebot.com", "consent.cookiebot.eu"),
    "Usercentrics": ("usercentrics-root", "app.usercentrics.eu", "web.cmp.usercentrics.eu"),
    "TrustArc": ("truste-consent-track", "truste-consent-content", "consent.trustarc.com",
                 "consent.truste.com", 'id="teconsent"'),
    "Google Funding Choices": ("fc-consent-root", "fc-dialog-container",
                               "fundingchoicesmessages.google.com"),
}

# schema.org's way of saying a page is paywalled (Google asks publishers to mark it)
_NOT_FREE = re.compile(r"""isaccessibleforfree["']?\s*:\s*["']?false""")
# containers a consent platform draws its banner in (ids and classes)
BANNER = re.compile(
    r"^(?:onetrust-|optanon|didomi-|qc-cmp2|sp_message_container|CybotCookiebot|"
    r"usercentrics|truste-|truste_|teconsent|fc-consent-root|fc-dialog|cookie-?banner|"
    r"cookie-?consent|cmp-?banner|gdpr-?banner|consent-?banner)", re.I)


@dataclass(frozen=True)
class Markup:
    """What the raw page's markup says: consent platforms found, paywall marked."""

    platforms: tuple[str, ...] = ()
    not_free: bool = False


def markup(raw_html: str) -> Markup:
    """Consent platforms and paywall markers in the raw page (scripts included: the
    platforms are mostly a script tag and the container it fills)."""
    lower = raw_html.lower()
    found = tuple(name for name, marks in PLATFORMS.items()
                  if any(lower.find(m) >= 0 for m in marks))
    at = lower.find("isaccessibleforfree")
    not_free = False
    while at >= 0 and not not_free:
        not_free = bool(_NOT_FREE.match(lower, at))
        at = lower.find("isaccessibleforfree", at + 1)
    return Markup(found, not_free)


def _names(el: Any) -> list[str]:
    return [*(el.get("class") or "").split(), el.get("id") or ""]


# consent platforms put their banner at the top of the body (OneTrust, Didomi, Quantcast,
# Sourcepoint, Cookiebot, Usercentrics, Funding Choices: a child of <body>; TrustArc one or
# two levels down): looking there only costs ~0.1 ms a page, every element ~4 ms
_TOP = ("/html/body/*[@id or @class] | /html/body/*/*[@id or @class]"
        " | /html/body/*/*/*[@id or @class]")
_PAYWALL_BOXES = "//*[contains(@class, 'paywall') or contains(@id, 'paywall')]"


def prune(tree: Any) -> None:
    """Remove the consent platforms' banners from the tree: their text is not the article's,
    and the article behind the overlay is what the page holds."""
    for el in tree.xpath(_TOP):
        parent = el.getparent()
        if parent is not None and any(BANNER.match(n) for n in _names(el) if n):
            parent.remove(el)


def paywall_boxes(tree: Any) -> list[str]:
    """The text of the page's containers named ``paywall`` (trafilatura may leave them out
    of the article's text, which is where a paywall's phrase is looked for first)."""
    return [" ".join(el.text_content().split()) for el in tree.xpath(_PAYWALL_BOXES)]


# -- wording ----------------------------------------------------------------------------------

# phrases that only a consent banner says (fr, en, de, ru, ar); matched on lower case
CONSENT_PHRASES = re.compile("|".join([
    r"nous et nos (?:\d[\d\s.]* )?partenaires", r"(?:nous )?utilisons des (?:cookies|traceurs)",
    r"ce site (?:web )?utilise des (?:cookies|traceurs)", r"accepter et fermer",
    r"tout accepter", r"continuer sans accepter", r"g[ée]rer mes choix",
    r"param[ée]trer (?:les )?cookies", r"vos choix en mati[èe]re de cookies",
    r"we and our (?:\d[\d,]* )?(?:partners|vendors)", r"we use cookies",
    r"this (?:web)?site uses cookies", r"accept all cookies", r"reject all cookies",
    r"manage (?:cookie )?(?:preferences|settings|options)", r"your privacy choices",
    r"by clicking [\"“]?(?:accept|agree|i agree)",
    r"wir und unsere (?:\d[\d.]* )?partner", r"wir verwenden cookies",
    r"diese (?:web)?seite verwendet cookies", r"diese website verwendet cookies",
    r"alle akzeptieren", r"cookie-einstellungen", r"zustimmen und weiter",
    r"мы используем (?:файлы )?cookie", r"(?:этот )?сайт использует (?:файлы )?cookie",
    r"принять все", r"нажимая [«\"]?принять",
    r"نستخدم ملفات تعريف الارتباط", r"يستخدم هذا الموقع ملفات تعريف الارتباط",
    r"نحن وشركاؤنا", r"قبول الكل",
]))
# the vocabulary of consent, whose density tells an interstitial from an article
_CONSENT_WORDS = re.compile("|".join([
    r"cookies?", r"traceurs?", r"consent\w*", r"partenaires?", r"partners?", r"vendors?",
    r"personnalis\w+", r"personali[sz]\w+", r"publicit\w+", r"advertis\w+", r"ads",
    r"accept\w*", r"refus\w*", r"reject\w*", r"param[èé]tr\w+", r"pr[ée]f[ée]rences?",
    r"settings", r"donn[ée]es", r"data", r"appareils?", r"devices?", r"stocker", r"store",
    r"acc[ée]der", r"access", r"confidentialit[ée]", r"privacy", r"vie priv[ée]e",
    r"mesure\w*", r"measure\w*", r"audience\w*", r"finalit[ée]s?", r"purposes?",
    r"einwilligung\w*", r"zustimm\w*", r"datenschutz\w*", r"einstellungen", r"akzeptier\w*",
    r"ablehn\w+", r"werbung", r"daten", r"ger[äa]t\w*", r"speicher\w*",
    r"файл\w*", r"cookie", r"соглас\w+", r"конфиденциальн\w+", r"персональн\w+", r"данн\w+",
    r"реклам\w+", r"принять", r"отклонить", r"настро\w+", r"партн[её]р\w*",
    r"ملفات", r"تعريف", r"الارتباط", r"الخصوصية", r"موافقة", r"الموافقة", r"شركاؤنا",
    r"الإعلانات", r"بيانات", r"البيانات", r"قبول", r"رفض", r"إعدادات", r"جهازك",
]))
_CONSENT_WORD = re.compile(rf"^(?:{_CONSENT_WORDS.pattern})$")
# phrases that only a paywall says
PAYWALL_PHRASES = re.compile("|".join([
    r"r[ée]serv[ée]e? aux abonn[ée]s", r"r[ée]serv[ée]e? [àa] nos abonn[ée]s",
    r"il vous reste \d+ ?% de (?:cet|l['’]) ?article", r"la suite est r[ée]serv[ée]e",
    r"abonnez-vous pour (?:lire|continuer|acc[ée]der)", r"pour lire la suite,? abonnez",
    r"contenu r[ée]serv[ée] aux", r"d[ée]j[àa] abonn[ée] \?",
    r"subscribe (?:now )?to (?:read|continue|keep reading|unlock)", r"subscribers[- ]only",
    r"(?:is|are) (?:only )?(?:available )?(?:exclusively )?(?:for|to) (?:paying )?subscribers",
    r"to continue reading,? (?:please )?(?:subscribe|log in|sign in)",
    r"already a subscriber\?", r"become a subscriber to (?:read|continue)",
    r"this (?:article|story|content) is for subscribers",
    r"nur f[üu]r abonnenten", r"exklusiv f[üu]r (?:abonnenten|abonnentinnen)",
    r"(?:diesen artikel )?weiterlesen mit", r"jetzt abonnieren und weiterlesen",
    r"dieser (?:artikel|beitrag|inhalt) ist (?:nur )?f[üu]r abonnenten",
    r"подпишитесь,? чтобы (?:читать|прочитать|продолжить|получить доступ)",
    r"только (?:для|по) подписк\w*", r"только для подписчиков",
    r"доступ(?:ен|на|но) только (?:для )?подписчик\w*", r"оформите подписку,? чтобы",
    r"هذا المحتوى (?:حصري )?للمشتركين", r"للمشتركين فقط", r"حصري(?:ا)? للمشتركين",
    r"اشترك(?: الآن)? (?:لمتابعة|لمواصلة|لقراءة|للاستمرار)",
]))

# every phrase above holds one of these: a text without any is not searched (the phrase
# lists are alternations, ~1 ms over a long article; ``in`` is ~100 times cheaper)
_CONSENT_KEYS = ("cookie", "partenaires", "partner", "vendors", "accept", "akzeptieren",
                 "zustimmen", "choix", "privacy", "traceurs", "manage", "clicking", "файл",
                 "принять", "الارتباط", "شركاؤنا", "قبول")
_PAYWALL_KEYS = ("abonn", "réserv", "reserv", "il vous reste", "la suite", "subscri",
                 "continue reading", "weiterlesen", "подпи", "مشترك", "اشترك")

_REACH = 60              # characters around a key in which its phrase is looked for
CONSENT_DENSITY = 0.08   # share of a consent wall's words that are consent vocabulary
TEASER_WORDS = 250       # a paywall's teaser is shorter than this; an article is longer
EMPTY_WORDS = 40         # consent markup over a page with fewer words: nothing but the banner
TITLE_TOLD = 0.5          # share of a title's words in a text that tells that title
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Wall:
    """Why a page is not the article: ``kind`` is ``consent`` or ``paywall``."""

    kind: str
    reason: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.reason}"


def consent_density(text: str) -> float:
    """Share of the text's words that belong to the vocabulary of consent."""
    words = _WORD.findall(text.lower())
    if not words:
        return 0.0
    return sum(1 for w in words if _CONSENT_WORD.match(w)) / len(words)


def _search(phrases: re.Pattern[str], keys: tuple[str, ...], text: str) -> re.Match[str] | None:
    """The first of ``phrases`` in ``text``, looked for only around the ``keys`` (one of
    which every phrase holds): the alternation over a whole article cost ~1 ms."""
    spans: list[tuple[int, int]] = []
    for k in keys:
        at = text.find(k)
        while at >= 0:
            spans.append((max(0, at - _REACH), at + len(k) + _REACH))
            at = text.find(k, at + 1)
    for start, end in sorted(spans):
        if m := phrases.search(text, start, end):
            return m
    return None


def judge(text: str, found: Markup | Callable[[], Markup],
          boxes: Sequence[str] | Callable[[], Sequence[str]] = ()) -> Wall | None:
    """Is ``text`` (what extraction found, before the closing lines are cleaned: a paywall's
    call to subscribe is one of them) a consent wall or a paywall rather than the article?

    ``found`` is the page's markup, or how to read it (read only when it can decide: for a
    page of almost no text, or to name the platform of a wall; ~2 ms over a big page);
    ``boxes`` the text of its paywall containers, or how to find them (looked for only when
    the text has no paywall phrase)."""
    lower = text.lower()
    words = len(lower.split())
    markup_of = found if callable(found) else (lambda: found)
    consent = _search(CONSENT_PHRASES, _CONSENT_KEYS, lower)
    if consent and consent_density(lower) >= CONSENT_DENSITY:
        platforms = markup_of().platforms
        via = f" ({', '.join(platforms)})" if platforms else ""
        return Wall("consent", f"a consent interstitial{via}: « {consent.group(0)} »")
    if words < EMPTY_WORDS and markup_of().platforms:
        return Wall("consent", f"{', '.join(markup_of().platforms)} consent markup and "
                               f"{words} word(s) of text")
    pay = _search(PAYWALL_PHRASES, _PAYWALL_KEYS, lower)
    if pay is None:
        boxed = " ".join(boxes() if callable(boxes) else boxes).lower()
        pay = _search(PAYWALL_PHRASES, _PAYWALL_KEYS, boxed)
    if pay:
        teaser = sum(len(_WORD.findall(line)) for line in lower.splitlines()
                     if not PAYWALL_PHRASES.search(line))
        if teaser < TEASER_WORDS:
            return Wall("paywall", f"a paywall: « {pay.group(0)} » and a teaser of "
                                   f"{teaser} word(s)")
    if words < EMPTY_WORDS and markup_of().not_free:
        return Wall("paywall", f"marked isAccessibleForFree=false, {words} word(s) of text")
    return None


def teaser(text: str) -> str:
    """A paywalled page's text without the paywall's own lines: the start of the article."""
    return "\n".join(line for line in text.splitlines()
                     if not PAYWALL_PHRASES.search(line.lower()))


def keeps_teaser(wall: str, teaser: str, feed_text: str) -> bool:
    """A paywall's teaser is the start of the article, in the article's words (a consent
    wall's text is not): it is kept when it says more than the feed does."""
    return wall.startswith("paywall: ") and len(teaser) > len(feed_text)


# -- repetition -------------------------------------------------------------------------------

_DIGITS = re.compile(r"\d+")


def body_key(body: str) -> str:
    """What two pages of one site share when they carry the same body: its words, case and
    spacing aside, numbers ignored (« nos 842 partenaires » on one page, 843 on the next)."""
    norm = _DIGITS.sub("0", " ".join(body.lower().split()))
    return hashlib.blake2b(norm.encode(), digest_size=12).hexdigest()


_TITLE_WORD = re.compile(r"[^\W\d_]{4,}")


def repeatable(body: str, title: str) -> bool:
    """Whether a page text may be a wall when a second URL of its site carries it: not when
    it tells its entry's title (``TITLE_TOLD`` of the title's words of four letters or
    more are in it), which a wall, the same under every headline, does not."""
    words = set(_TITLE_WORD.findall(title.lower()))
    if len(words) < 2:
        return True   # nothing to tell by
    text = body.lower()
    return sum(_has_word(text, w) for w in words) < TITLE_TOLD * len(words)


def _is_letter(ch: str) -> bool:
    """Whether ``ch`` is in ``_TITLE_WORD``'s class: a letter (re's word characters are
    ``isalnum()`` and the underscore, its digits ``isdecimal()``)."""
    return ch.isalnum() and not ch.isdecimal()


def _has_word(text: str, word: str) -> bool:
    """Whether the letters-only ``word`` is one of ``_TITLE_WORD``'s words of ``text``: an
    occurrence with no letter on either side. The same answer as building the set of the
    text's words, without making a string of each (a first poll spent 0.13 s of its event
    loop's CPU on those sets for 800 pages)."""
    i, n = text.find(word), len(word)
    while i >= 0:
        if (i == 0 or not _is_letter(text[i - 1])) and (
                i + n == len(text) or not _is_letter(text[i + n])):
            return True
        i = text.find(word, i + 1)
    return False


def repeated(keys: list[tuple[str, str, str]], seen: dict[tuple[str, str], str]) -> set[int]:
    """Which of this batch's pages carry a body already seen on *another* URL of the same
    site. ``keys``: (site, body key, url) per page of the batch; ``seen``: (site, body key)
    -> the URL it was first seen on (from the store). Two pages of the batch with one body
    are both repeated."""
    first: dict[tuple[str, str], str] = dict(seen)
    urls: dict[tuple[str, str], set[str]] = {}
    for site, key, url in keys:
        urls.setdefault((site, key), set()).add(url)
        first.setdefault((site, key), url)
    return {i for i, (site, key, url) in enumerate(keys)
            if len(urls[(site, key)] | {first[(site, key)]}) > 1}


def repeated_reason(site: str, url: str) -> str:
    """``articles.wall`` of a page whose body another URL of its site carried."""
    return f"repeated: the same text as another page of {site} ({url})"
