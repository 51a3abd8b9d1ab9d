"""A realistic day for the desk: French, English, Arabic and Russian sources, a few rules, 14
events (two carried by several outlets, one of them in four languages, one matched by two
rules, one from an earlier year found by a new rule), and two weeks of earlier matches for
the week at a glance.

Used by a test (size of a typical digest) and to render previews for screenshots::

    PYTHONPATH=src python -m tests.notify.sample /tmp/digest.html
    python tools/digest_screenshots.py /tmp/shots     # and headless Chromium at 1200/390 px
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from watchdesk.config.settings import Settings
from watchdesk.store import Store

from .conftest import World

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
TITLES = {
    "haftar-russie": "Haftar et la Russie",
    "africa-corps": "Africa Corps / ex-Wagner en Libye",
    "bases": "Bases et ports : Al-Khadim, Al-Jufra, Tobrouk",
    "petrole": "Pétrole et Croissant pétrolier",
}

STORIES = [
    # (feed, title, url, rule, priority, snippet, hit, hours before NOW)
    ("RFI Afrique", "Libye : le maréchal Haftar reçu à Moscou par le vice-ministre russe de la "
     "Défense", "https://www.rfi.example/fr/afrique/haftar-moscou", "haftar-russie", "alert",
     "Le maréchal Khalifa Haftar a été reçu mercredi à Moscou par Iounous-Bek Evkourov, "
     "vice-ministre de la Défense, pour évoquer la coopération militaire.", "Haftar", 3),
    ("Libya Observer", "Russian Il-76 flights to Al-Khadim airbase double in November",
     "https://www.libyaobserver.example/news/il76-al-khadim", "bases", "digest",
     "Flight-tracking data show at least 14 Russian Il-76 cargo flights landed at the "
     "Al-Khadim airbase east of Benghazi since 1 November.", "Al-Khadim", 5),
    ("Al Wasat", "حفتر يستقبل وفدا عسكريا روسيا في بنغازي لبحث التعاون الدفاعي",
     "https://alwasat.example/news/libya/471234", "haftar-russie", "alert",
     "استقبل المشير خليفة حفتر في مقر القيادة العامة بالرجمة وفدا عسكريا روسيا رفيع المستوى",
     "حفتر", 7),
    ("Jeune Afrique", "Africa Corps : comment Moscou réorganise son dispositif en Libye après la "
     "chute d'Assad", "https://www.jeuneafrique.example/1654321/politique/africa-corps-libye",
     "africa-corps", "digest",
     "Depuis le repli de Syrie, l'Africa Corps a fait de la base d'Al-Jufra sa principale "
     "plateforme logistique vers le Sahel.", "Africa Corps", 9),
    ("Le Monde Afrique", "En Libye, la présence militaire russe s'étend vers le sud",
     "https://www.lemonde.example/afrique/article/2026/11/25/libye-russie-sud", "africa-corps",
     "digest", "Des instructeurs russes, anciens de Wagner passés sous l'Africa Corps, ont été "
     "vus à Brak al-Shati et à Oubari.", "Wagner", 10),
    ("RFI Afrique", "Tobrouk : un navire de débarquement russe accoste pour la troisième fois",
     "https://www.rfi.example/fr/afrique/tobrouk-navire", "bases", "digest",
     "Le navire de débarquement Ivan Gren a accosté lundi dans le port de Tobrouk, selon des "
     "images satellite.", "Tobrouk", 12),
    ("Libya Herald", "NOC: oil output steady at 1.4m bpd despite Sirte basin protests",
     "https://libyaherald.example/2026/11/noc-output", "petrole", "digest",
     "The National Oil Corporation said output held at 1.4 million barrels per day while "
     "protesters blocked the road to the Sirte basin fields.", "oil", 13),
    ("AFP", "Libye: blocage du terminal pétrolier de Ras Lanouf, Haftar dément toute implication",
     "https://www.afp.example/fr/libye-ras-lanouf", "petrole", "digest",
     "Les forces du maréchal Haftar ont démenti mardi toute implication dans le blocage du "
     "terminal de Ras Lanouf, au cœur du Croissant pétrolier.", "Ras Lanouf", 15),
    ("Al Wasat", "مصادر: طائرات شحن روسية تهبط في قاعدة الجفرة",
     "https://alwasat.example/news/libya/471300", "bases", "digest",
     "أفادت مصادر محلية بهبوط ثلاث طائرات شحن روسية في قاعدة الجفرة الجوية خلال الأسبوع",
     "الجفرة", 16),
    ("Jeune Afrique", "Saddam Haftar à Paris : ce que cherche le fils du maréchal",
     "https://www.jeuneafrique.example/1654400/politique/saddam-haftar-paris", "haftar-russie",
     "digest", "Saddam Haftar, chef d'état-major des forces terrestres, multiplie les visites "
     "européennes tout en ménageant Moscou.", "Haftar", 18),
    ("The Economist", "Russia's Libyan foothold is quietly growing",
     "https://www.economist.example/middle-east-and-africa/2026/11/24/libya", "africa-corps",
     "digest", "Russia's Africa Corps now counts perhaps 2,500 personnel in Libya, more than "
     "Wagner had at its peak.", "Africa Corps", 20),
    ("Libya Observer", "Dbeibah government condemns \"foreign mercenaries\" in the south",
     "javascript:alert(document.cookie)", "africa-corps", "digest",
     "The Government of National Unity condemned the presence of foreign mercenaries, "
     "including Wagner remnants, in the Fezzan.", "Wagner", 21),
    ("RFI Afrique", "Pétrole : l'Italie et la Libye signent un accord gazier de 8 milliards",
     "https://www.rfi.example/fr/afrique/eni-accord", "petrole", "digest",
     "Eni et la NOC ont signé un accord pour développer deux champs gaziers offshore, "
     "le plus gros investissement depuis 2011.", "NOC", 22),
    ("AFP", "<script>alert('x')</script> Haftar annonce des manœuvres conjointes avec la Russie",
     "https://www.afp.example/fr/libye-manoeuvres", "haftar-russie", "digest",
     "Des manœuvres conjointes sont prévues au large de Tobrouk, a annoncé l'état-major de "
     "l'Armée nationale libyenne.", "Haftar", 23),
]


FEED_TITLES = {"RFI Afrique": "RFI - Afrique", "Al Wasat": "بوابة الوسط",
               "Le Monde Afrique": "Le Monde.fr - Afrique", "AFP": "AFP - Afrique"}
# matches per day before the digest's 24 hours, oldest first, per rule (the week at a glance)
HISTORY = {"haftar-russie": [1, 0, 2, 1, 0, 0, 3, 1, 0, 1, 2, 0, 1],
           "africa-corps": [2, 3, 1, 4, 2, 3, 2, 5, 3, 2, 4, 3, 3],
           "bases": [0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0],
           "petrole": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}


def populate(store: Store) -> None:
    w = World(store)
    feeds = {}
    for feed, *_ in STORIES:
        if feed not in feeds:
            feeds[feed] = w.feed(feed, title=FEED_TITLES.get(feed))
    feeds["France 24"] = w.feed("france24-afrique", title="France 24 - Afrique")
    feeds["Al Jazeera"] = w.feed("aljazeera-ar", title="الجزيرة نت - أخبار")
    feeds["Reuters"] = w.feed("reuters-africa", title="Reuters - Africa")
    feeds["RIA"] = w.feed("ria-world", title="РИА Новости - В мире")
    w.feed("Libya Review", last_success_at="2026-11-21T09:00:00Z",
           last_error="HTTP 503 Service Unavailable")
    w.feed("Agence Nova", disabled_reason="410 Gone le 2026-11-20 : le flux a été supprimé")
    for feed, title, url, rule, prio, snippet, hit, hours in STORIES:
        when = NOW - timedelta(hours=hours)
        stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        aid = w.article(feeds[feed], title, url=url, published_at=stamp,
                        lang="ar" if feed == "Al Wasat" else "en" if feed in (
                            "Libya Observer", "Libya Herald", "The Economist") else "fr")
        start = snippet.find(hit)
        w.match(aid, rule, when + timedelta(minutes=5), priority=prio, snippet_text=snippet,
                spans=[[start, start + len(hit)]] if start >= 0 else [])
    # one event carried by six outlets in four languages (story 1; its earliest report is
    # English, a French digest shows RFI's title), an Arabic one by two (story 3), an event
    # matching two rules (article 2), and an article of another year found by a new rule
    lemonde = w.article(feeds["Le Monde Afrique"], "Libye : Haftar à Moscou, une visite "
                        "scrutée à Washington", url="https://www.lemonde.example/haftar-moscou",
                        published_at="2026-11-26T04:00:00Z", story_id=1, lang="fr")
    reuters = w.article(feeds["Reuters"], "Libya's Haftar in Moscow for talks on military "
                        "cooperation", url="https://www.reuters.example/world/africa/haftar",
                        published_at="2026-11-26T01:50:00Z", story_id=1, lang="en")
    w.match(reuters, "haftar-russie", NOW - timedelta(hours=3, minutes=30), priority="alert")
    wasat = w.article(feeds["Al Wasat"], "حفتر في موسكو لبحث التعاون العسكري مع روسيا",
                      url="https://alwasat.example/news/libya/471250",
                      published_at="2026-11-26T03:20:00Z", story_id=1, lang="ar")
    w.match(wasat, "haftar-russie", NOW - timedelta(hours=2, minutes=30), priority="alert")
    ria = w.article(feeds["RIA"], "Хафтар прибыл в Москву для переговоров о военном "
                    "сотрудничестве", url="https://ria.example/20261126/khaftar.html",
                    published_at="2026-11-26T03:30:00Z", story_id=1, lang="ru")
    w.match(ria, "haftar-russie", NOW - timedelta(hours=2, minutes=20), priority="alert")
    w.match(lemonde, "haftar-russie", NOW - timedelta(hours=1), priority="alert")
    f24 = w.article(feeds["France 24"], "Le maréchal Haftar à Moscou pour parler coopération "
                    "militaire", url="https://www.france24.example/fr/afrique/haftar-moscou",
                    published_at="2026-11-26T03:40:00Z", story_id=1, lang="fr")
    w.match(f24, "haftar-russie", NOW - timedelta(hours=2), priority="alert")
    jazeera = w.article(feeds["Al Jazeera"], "وفد روسي رفيع في بنغازي للقاء حفتر",
                        url="https://www.aljazeera.example/news/2026/11/25/haftar",
                        published_at="2026-11-25T23:30:00Z", story_id=3)
    w.match(jazeera, "haftar-russie", NOW - timedelta(hours=6), priority="alert")
    w.match(2, "africa-corps", NOW - timedelta(hours=4), snippet_text="Il-76 flights")
    old = w.article(feeds["RFI Afrique"], "Libye : une délégation militaire russe à Benghazi",
                    url="https://www.rfi.example/fr/afrique/20230822-libye-delegation",
                    published_at="2023-08-22T10:00:00Z", fetched_at="2026-11-25T09:00:00Z")
    w.match(old, "bases", NOW - timedelta(hours=20), backfill=True,
            snippet_text="Une délégation de responsables militaires russes est arrivée à "
            "Benghazi.", spans=[[55, 63]])
    n = 0
    for rule, days in HISTORY.items():
        for ago, count in enumerate(reversed(days), start=1):
            for i in range(count):
                n += 1
                at = (NOW - timedelta(days=ago, hours=i + 2)).strftime("%Y-%m-%dT%H:%M:%SZ")
                aid = w.article(feeds["RFI Afrique"], f"Earlier {rule} {n}",
                                url=f"https://www.rfi.example/old/{n}", published_at=at)
                w.match(aid, rule, at)
    # the digest window starts yesterday at 07:00: earlier matches are not in it
    store.set_meta("digest.window_end", "2026-11-25T06:00:00Z")


def main(out: str) -> None:
    from watchdesk.notify.outbox import preview_digest
    db = Path(out).with_suffix(".db")
    db.unlink(missing_ok=True)
    store = Store(db)
    populate(store)
    settings = Settings(db=db, mail_to=("desk@example.org",))
    _, r = preview_digest(store, settings, NOW, titles=TITLES)
    Path(out).write_text(r.html, encoding="utf-8")
    print(r.subject)
    print(r.text)
    print(f"HTML {len(r.html.encode()) / 1024:.1f} KB, text {len(r.text.encode()) / 1024:.1f} KB",
          file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "digest-preview.html")
